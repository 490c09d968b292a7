"""The stack's floor: an empty offline st_folium map with one small polygon (same Leaflet copy,
same venv), and a text box whose value redraws one feature group. benchmarks/run.py starts it
beside the project (`running_floor_app`) to compare the app's maps with what the stack costs.

With FLOOR_CONTROLS=1 the floor also draws the Carte's controls — the same kinds and numbers of
Streamlit elements, with as many options (sidebar filters, figures, card list, legend, captions)
— around the same one-polygon map: what those controls cost the browser, whatever the map. The
Carte measured against it shows the cost of the project's own map and data."""

import os
import sys

sys.path.insert(0, os.environ["ALLIANCE_ROOT"])

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from alliance.maps.offline import use_local_assets  # noqa: E402

CONTROLS = os.environ.get("FLOOR_CONTROLS") == "1"

st.set_page_config(page_title="Plancher", layout="wide")


def options(n: int, what: str) -> list[str]:
    return [f"{what} {i}" for i in range(n)]


if CONTROLS:
    sb = st.sidebar
    sb.toggle("Inclure les contributions validées", value=True, help="Contributions validées en plus.")
    sb.header("Filtres")
    text = sb.text_input("Recherche (coopération, territoire)", placeholder="ex. Brest")
    sb.multiselect("Région", options(18, "Région"), placeholder="Toutes")
    sb.multiselect("Département", options(101, "Département"), placeholder="Tous")
    for label, n in (("Type", 17), ("Thème", 16), ("Finalité", 8), ("Portage", 7), ("Statut", 5), ("Source", 3)):
        sb.multiselect(label, options(n, label), placeholder="Tous")
    sb.slider("Période (année de création)", 1990, 2025, (1990, 2025))
    sb.button("Réinitialiser les filtres", width="stretch", disabled=True)
    st.title("Carte des coopérations")
    figures = st.container(horizontal=True, gap="medium")
    for label in ("Coopérations", "EPCI concernés", "Liens tracés", "Périmètres"):
        figures.metric(label, "1 000", help="Détail du chiffre.")
    map_col, card_col = st.columns([2.2, 1], gap="medium")
else:
    text = st.text_input("Recherche (coopération, territoire)")
    map_col = card_col = st.container()

fmap = folium.Map(tiles=None, prefer_canvas=True, location=[46.6, 2.4], zoom_start=6)
folium.Polygon([[48.0, -4.0], [48.5, -4.0], [48.5, -3.3]], tooltip="plancher", fill=True).add_to(fmap)
use_local_assets(fmap)
group = folium.FeatureGroup(name="couche")
folium.Polygon([[47.0, 1.0], [47.4, 1.0], [47.4, 1.6]], tooltip=text or "vide", fill=True).add_to(group)
with map_col:
    st_folium(
        fmap, key="plancher", height=640, feature_group_to_add=group, returned_objects=[], use_container_width=CONTROLS
    )

if CONTROLS:
    with map_col:
        st.toggle("Contexte : aires d'attraction des villes", help="Aires de l'INSEE.")
        items = "".join(f"<span style='margin-right:1em'>■ Type {i}</span>" for i in range(12))
        note = "<p>Trait : lien entre partenaires. Aplat : périmètre. Cliquez un lien pour afficher sa fiche.</p>"
        st.html(f"<div role='list' aria-label='Types de coopération'>{items}</div>{note}")
    with card_col:
        st.popover("Copier le lien de cette vue", icon=":material/link:", width="stretch", key="partage")
        st.selectbox("Fiche (1 000 coopérations)", options(658, "Coopération"), index=None, placeholder="Choisir…")
        st.caption("Cliquez sur la carte ou choisissez une coopération dans la liste.")
    st.caption("Sources : IGN, INSEE, BANATIC/DGCL, ANCT.")
    st.expander("Enregistrer cette vue comme scène de présentation", key="scene_form", on_change="rerun")

"""Alliances ville–campagne: a city's partners (documented cooperations, then register
groupings) against its aire d'attraction."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.alliances import ORIGINS, POSITIONS
from alliance.app import cache
from alliance.app.sidebar import set_query_params, url_params
from alliance.app.widgets import legend, sources_footer
from alliance.data.geodata import EPCI_TYPE_LABELS
from alliance.escaping import markdown_text
from alliance.fmt import fmt_int, fmt_pct, plural
from alliance.maps.component import show_map

geo, catalogue = cache.geodata(), cache.catalogue()
choices = cache.alliance_cities()
DEFAULT = "242900314"  # Brest métropole, the most documented city of the seeds

st.title("Alliances ville–campagne")
st.markdown(
    "Avec qui une métropole, une grande agglomération ou le pôle d'une grande aire d'attraction coopère-t-elle, "
    "et où sont ses partenaires par rapport à son **aire d'attraction** (INSEE) : dans son pôle, dans sa "
    "couronne, au-delà ? Un partenaire est un EPCI qu'une ligne du catalogue réunit avec la ville : d'abord "
    "les **coopérations documentées** (documents sources, contributions validées), puis les **groupements des "
    "registres nationaux** (pôle métropolitain, PETR, Pays, parc naturel régional, CRTE, Territoire "
    "d'industrie — BANATIC, ANCT). Les **pistes** sont les territoires de projet de sa couronne et de sa frange "
    "qu'aucune ligne du catalogue ne relie à elle : des pistes, pas des faits."
)

wanted = url_params()[0].get("ville", "")
if "ville" not in st.session_state:
    if wanted and wanted not in set(choices["siren"]):
        st.warning(markdown_text(f"Paramètre « ville » : EPCI « {wanted[:20]} » inconnu ou trop petit, ignoré."))
    st.session_state["ville"] = wanted if wanted in set(choices["siren"]) else DEFAULT
siren = st.selectbox(
    "Ville",
    list(choices["siren"]),
    key="ville",
    format_func=lambda s: (
        f"{geo.epci.at[s, 'nom']} ({EPCI_TYPE_LABELS.get(geo.epci.at[s, 'type'], '')}, "
        f"{fmt_int(geo.epci.at[s, 'population'])} hab.)"
    ),
)
set_query_params({**st.query_params.to_dict(), "ville": siren})
result = cache.city_alliances(siren)

partners = result.partners
cols = st.columns(4)
cols[0].metric("Aire d'attraction", result.aav_nom or "—")
for col, position in zip(cols[1:], POSITIONS):
    col.metric(f"Partenaires : {position}", fmt_int(int((partners["position"] == position).sum())))

left, right = st.columns([1.3, 1], gap="medium")
with left:
    from alliance.maps.overlays import POSITION_COLOURS, territory_view, view_of_bounds

    if len(result.aire):
        # the aire and every partner in view (a documented partner may lie far beyond the aire)
        shown = geo.epci.loc[[s for s in partners["siren"] if s in geo.epci.index]]
        west, south, east, north = result.aire.total_bounds
        if len(shown):
            pw, ps, pe, pn = shown.total_bounds
            west, south, east, north = min(west, pw), min(south, ps), max(east, pe), max(north, pn)
        centre, zoom = view_of_bounds((west, south, east, north), map_height_px=560, map_width_px=520)
    else:
        centre, zoom = territory_view(catalogue, geo, f"epci:{siren}", [])
    show_map(
        cache.carte_base_map(),
        key="carte_alliances",
        height=560,
        layers=cache.alliance_layers(siren),
        center=centre,
        zoom=zoom,
    )
    legend(
        [(f"Partenaire — {p}", c) for p, c in POSITION_COLOURS.items()]
        + [("Partenaire par un groupement des registres seulement (tirets, clair)", "#5b6770")]
        + [("Aire : pôle (foncé) et couronne (clair)", "#5b6770"), ("Piste (tirets)", "#31a354")],
        "Lecture de la carte",
    )
with right:
    st.markdown(f"**Partenaires de {markdown_text(result.nom)}**")
    if partners.empty:
        st.info(
            "Aucune ligne du catalogue — coopération documentée ou groupement des registres nationaux — ne réunit "
            "cette ville avec un autre EPCI."
        )
    else:
        documented = int((partners["origine"] == ORIGINS[0]).sum())
        st.caption(
            f"{plural(len(partners), 'partenaire')} : {fmt_int(documented)} par une coopération documentée, "
            f"{fmt_int(len(partners) - documented)} seulement par un groupement des registres nationaux "
            "(contour en tirets sur la carte)."
        )
        table = partners.assign(
            part=partners["part_dans_aire"].map(lambda v: fmt_pct(100 * v)),
            origine=partners["origine"].map({ORIGINS[0]: "Documentée", ORIGINS[1]: "Registre"}),
        )
        st.dataframe(
            table.rename(
                columns={
                    "nom": "Partenaire",
                    "position": "Position",
                    "part": "Population dans l'aire",
                    "origine": "Source",
                    "documentees": "Coopérations documentées",
                    "groupements": "Groupements (registres)",
                }
            )[
                [
                    "Partenaire",
                    "Position",
                    "Source",
                    "Population dans l'aire",
                    "Coopérations documentées",
                    "Groupements (registres)",
                ]
            ],
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(table), 320),
        )
    st.markdown(
        "**Pistes : territoires de projet de la couronne et de la frange sans lien au catalogue avec la ville**"
    )
    if result.candidates.empty:
        st.caption("Aucune.")
    else:
        vocab = catalogue.vocab
        st.dataframe(
            result.candidates.assign(
                Type=result.candidates["type"].map(vocab["type"].label),
                Provenance=result.candidates["provenance"].map(vocab["provenance"].label),
            ).rename(columns={"nom": "Territoire de projet", "position": "Position", "epci": "EPCI"})[
                ["Territoire de projet", "Type", "Position", "EPCI", "Provenance"]
            ],
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(result.candidates), 320),
        )
    st.caption(
        "Position : partie de l'aire où vit la majorité de la population de l'EPCI. Une piste n'est pas une "
        "absence de coopération : seulement l'absence de lien dans les sources du catalogue."
    )
st.caption(
    "Aires d'attraction des villes 2020 et catégories des communes : INSEE, table d'appartenance géographique "
    "2022 ; groupements : BANATIC (DGCL), CRTE et Territoires d'industrie : ANCT ; coopérations : documents "
    "sources du catalogue."
)
sources_footer()

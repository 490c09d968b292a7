"""Carte: the cooperations on the map, filtered, with the card of the selected one."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.filters import Filters, apply_filters
from alliance.app import cache, progressive
from alliance.app.sidebar import (
    SELECTED_KEY,
    draw_filter_sidebar,
    read_filters,
    select_cooperation,
    share_url,
    show_view,
)
from alliance.app.widgets import cooperation_card, empty_selection, legend, sources_footer
from alliance.fmt import fmt_int, plural
from alliance.maps.component import DynamicLayers, map_widget_key, show_map
from alliance.maps.overlays import cooperation_of_member, label_index

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
# The filters are read before the sidebar is drawn: the map goes out first. On the session's first
# visit the controls wait until the browser reports the map painted (app.progressive).
MAP_KEY = "carte_cooperations"
controls = progressive.controls_ready(map_widget_key(cache.carte_base_map(), MAP_KEY))
filters = read_filters(catalogue, geo, index, page="carte", show_warnings=controls)
ids = apply_filters(catalogue, index, filters)
shown_ids = cache.Ids(ids)  # hashed once, for every cache below
selection = cache.selection(catalogue, catalogue_key, shown_ids)

st.title("Carte des coopérations")
cols = st.columns(4)
contributed = selection.n_contributed
cols[0].metric(
    "Coopérations",
    fmt_int(len(ids)),
    help=f"sur {fmt_int(len(catalogue.cooperations))} au catalogue"
    + (f", dont {fmt_int(contributed)} contributions validées" if contributed else ""),
)
cols[1].metric("EPCI concernés", fmt_int(selection.n_epci))
cols[2].metric("Liens tracés", fmt_int(selection.n_links))
cols[3].metric(
    "Périmètres",
    fmt_int(len(selection.zone_ids) + selection.n_register),
    help=f"dont {fmt_int(selection.n_register)} issus des registres nationaux (BANATIC, ANCT)",
)

with st.container():  # always there, empty or not: the map below keeps its place (not reloaded)
    if len(ids) == 0:
        empty_selection(
            "Aucune coopération ne correspond à ces filtres. Élargissez la sélection ou réinitialisez les filtres.",
            key="reset_vide",
        )


def selected_card() -> str | None:
    selected = st.session_state.get(SELECTED_KEY)
    return selected if selected in catalogue.cooperations.index else None


def map_view(selected: str | None) -> tuple[tuple[float, float], float, DynamicLayers]:
    """Centre, zoom and layers of the map (cached per selection)."""
    centre, zoom = cache.carte_view(catalogue, catalogue_key, shown_ids, filters.regions)
    layers = cache.carte_layers(
        catalogue, catalogue_key, shown_ids, selected, context=st.session_state.get("contexte_aires", False)
    )
    return centre, zoom, layers


def open_clicked_card() -> None:
    """A click on the map (the component's value, there from the run's start) opens its card."""
    value = st.session_state.get(map_widget_key(cache.carte_base_map(), MAP_KEY))
    clicked = ((value or {}).get("last_object_clicked_tooltip") or "").strip()
    if clicked and clicked != st.session_state.get("dernier_clic"):
        st.session_state["dernier_clic"] = clicked
        coop = label_index(catalogue).get(clicked) or cooperation_of_member(catalogue, geo, ids, clicked)
        if coop and coop != st.session_state.get(SELECTED_KEY):
            select_cooperation(coop)
            st.rerun()


def explorer() -> None:
    if controls:
        open_clicked_card()
    selected = selected_card()
    # A card opened from "Autres coopérations de ses membres" may lie outside the filters: it is
    # shown anyway, with a notice and a one-click widening.
    outside = selected is not None and selected not in ids
    map_col, card_col = st.columns([2.2, 1], gap="medium")
    with map_col:
        centre, zoom, layers = map_view(selected)
        result = show_map(
            cache.carte_base_map(),
            key=MAP_KEY,
            height=640,
            returned_objects=["last_object_clicked_tooltip"],
            layers=layers,
            center=centre,
            zoom=zoom,
            report_painted=True,
        )
        if controls:
            map_notes()
    if controls:
        with card_col:
            card_column(selected, outside)
    progressive.note_map_value(result)


def map_notes() -> None:
    """Under the map: the context toggle, the legend of the types shown, how to read the map."""
    st.toggle(
        "Contexte : aires d'attraction des villes (INSEE 2020 — pôle foncé, couronne claire)",
        key="contexte_aires",
        help="Pour lire une coopération ville–campagne sur l'aire d'influence réelle "
        "de la ville. Voir aussi la page Alliances ville–campagne.",
    )
    vocab = catalogue.vocab["type"]
    shown = set(selection.types)
    legend([(vocab.label(t), vocab.colour(t)) for t in vocab.keys if t in shown], "Types de coopération")
    st.caption(
        "Trait : lien entre partenaires (épaisseur selon le nombre de thèmes). Aplat : périmètre "
        "d'un PETR, d'un Pays, d'un pôle… (contour en tirets : membres incomplets). "
        "En jaune : EPCI membres des coopérations documentées. "
        "Contours clairs : groupements et contrats des registres nationaux (Territoires d'industrie et "
        "parcs naturels dans le sélecteur de couches). Cliquez un lien ou un périmètre pour afficher sa fiche."
    )


def card_column(selected: str | None, outside: bool) -> None:
    """Beside the map: the link to this view, the card list and the selected card."""
    # Popover and expander contents are built only once opened: the code blocks they hold
    # load the frontend's syntax highlighter, which delayed the map's first paint.
    share = st.popover(
        "Copier le lien de cette vue", icon=":material/link:", width="stretch", key="partage", on_change="rerun"
    )
    if share.open:
        share.caption(
            "Ce lien rouvre la carte avec ces filtres"
            + (" et cette fiche." if selected else ".")
            + " Bouton de copie en haut à droite du lien."
        )
        share.code(share_url("carte"), language=None, wrap_lines=True)
    st.session_state["choix_coop"] = None if outside else selected
    st.selectbox(
        f"Fiche ({plural(len(ids), 'coopération')})",
        list(ids),
        key="choix_coop",
        # one lookup table, not 657 .at (and plain lists: Series.to_dict walks Arrow strings one by one)
        format_func=dict(zip(catalogue.cooperations.index.tolist(), catalogue.cooperations["nom"].tolist())).get,
        placeholder="Choisir une coopération…",
        on_change=lambda: select_cooperation(st.session_state["choix_coop"]),
    )
    if outside:
        st.info("Cette coopération est hors des filtres actuels : elle n'est pas dessinée sur la carte.")
        if st.button(
            "Élargir les filtres", key="elargir", type="primary", on_click=show_view, args=(Filters(), selected)
        ):
            st.rerun(scope="app")  # the sidebar's filters are outside this fragment
    if selected:
        cooperation_card(catalogue, geo, selected)
    else:
        st.caption("Cliquez sur la carte ou choisissez une coopération dans la liste.")


def scene_form() -> None:
    """Below the page: the current view as a scene entry for the Présentation page."""
    form = st.expander("Enregistrer cette vue comme scène de présentation", key="scene_form", on_change="rerun")
    if not form.open:
        return
    with form:
        from alliance.views.scenes import CHARTS, scene_yaml

        cols = st.columns(2)
        titre = cols[0].text_input("Titre de la scène", value="Ma scène", key="scene_titre", max_chars=120)
        graphique = cols[1].selectbox("Graphique", list(CHARTS), format_func=CHARTS.get, key="scene_graphique")
        message = st.text_area(
            "Message", key="scene_message", max_chars=400, placeholder="Ce que la scène montre, en une ou deux phrases."
        )
        scene_id = "-".join("".join(ch if ch.isalnum() else " " for ch in titre.lower()).split())[:60] or "scene"
        entry = scene_yaml(scene_id, titre, message, filters, st.session_state.get(SELECTED_KEY), graphique)
        st.code(entry, language="yaml")
        st.download_button(
            "Télécharger l'entrée YAML de la scène",
            data=entry,
            file_name=f"scene-{scene_id}.yaml",
            mime="application/x-yaml",
            on_click="ignore",
        )
        st.caption("Ajoutez cette entrée à un fichier de scènes, puis chargez-le depuis la page Présentation.")


# Before the controls, the map is not in a fragment: its report reruns the whole page at once.
# The map goes out as early as it can: what the browser draws after it competes less with the
# map's frame than what it draws before (measured: the map sent last took 0.32 s instead of 0.28).
(st.fragment(explorer) if controls else explorer)()
if controls:
    draw_filter_sidebar(catalogue, geo, index, filters)
    sources_footer()
    scene_form()
else:
    progressive.controls_placeholder()

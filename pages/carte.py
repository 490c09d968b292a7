"""Carte: the cooperations on the map, filtered, with the card of the selected one."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.details import cooperations_at
from alliance.analysis.filters import Filters, apply_filters
from alliance.app import cache, progressive
from alliance.app.sidebar import (
    FRAME_KEY,
    SELECTED_KEY,
    URL_VIEW_KEY,
    current_filters,
    draw_filter_sidebar,
    draw_search_box,
    draw_view_state,
    explorer_sidebar,
    read_filters,
    select_cooperation,
    share_url,
    show_view,
    url_warnings,
    view_params,
)
from alliance.app.widgets import cooperation_card, empty_selection, legend, share_link_html, sources_footer
from alliance.fmt import fmt_int, plural
from alliance.maps.component import DynamicLayers, map_widget_key, show_map
from alliance.maps.overlays import Selection, cooperation_of_member, label_index

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
MAP_KEY = "carte_cooperations"
UNDER_CLICK_KEY = "sous_le_clic"  # the cooperations under the last point clicked, smallest first
VIEW_KEY = "vue_carte"  # (what the view was framed for, centre, zoom): the map moves only when it changes
EXPLORER_KEY = "carte_explorateur"  # the fragment a filter change reruns (app.sidebar)
# The map goes out first. On the session's first visit the controls wait until the browser
# reports the map painted (app.progressive).
controls = progressive.controls_ready(map_widget_key(cache.carte_base_map(), MAP_KEY))

st.title("Carte des coopérations")
# The URL's warnings: outside the explorer, so that its reruns (a click, a filter) keep them.
url_warnings(catalogue, geo, index, show=controls)
# The sidebar's parts, in their order: the filters (drawn once the map has gone out), among which
# the search box, and the view's state (reset button, address), drawn by the explorer.
sidebar = explorer_sidebar(EXPLORER_KEY) if controls else None
# The page's layout is drawn here, once per page run; the explorer fills it. What does not change
# with the filters (the columns, the link to share, the context toggle, the scene form's header)
# is then not sent again, nor rendered again by the browser, on each filter change.
figures_box = st.container()
map_col, card_col = st.columns([2.2, 1], gap="medium")
share = (
    card_col.popover(
        "Copier le lien de cette vue", icon=":material/link:", width="stretch", key="partage", on_change="rerun"
    )
    if controls
    else None
)
scene_box = (
    st.expander("Enregistrer cette vue comme scène de présentation", key="scene_form", on_change="rerun")
    if controls
    else None
)


def figures(ids: list[str], selection: Selection) -> None:
    """The four figures of the selection, above the map: one horizontal container (four columns
    were five more elements for the browser to render again on each filter change)."""
    row = st.container(horizontal=True, gap="medium")
    contributed = selection.n_contributed
    row.metric(
        "Coopérations",
        fmt_int(len(ids)),
        help=f"sur {fmt_int(len(catalogue.cooperations))} au catalogue"
        + (f", dont {fmt_int(contributed)} contributions validées" if contributed else ""),
    )
    row.metric("EPCI concernés", fmt_int(selection.n_epci))
    row.metric("Liens tracés", fmt_int(selection.n_links))
    row.metric(
        "Périmètres",
        fmt_int(len(selection.zone_ids) + selection.n_register),
        help=f"dont {fmt_int(selection.n_register)} issus des registres nationaux (BANATIC, ANCT)",
    )


def selected_card() -> str | None:
    selected = st.session_state.get(SELECTED_KEY)
    return selected if selected in catalogue.cooperations.index else None


def map_view(
    shown_ids: cache.Ids, regions: tuple[str, ...], selected: str | None
) -> tuple[tuple[float, float], float, DynamicLayers]:
    """Centre, zoom and layers of the map (cached per selection). The map is framed on the
    selection when the filters change, on a cooperation chosen from a list, a search or a link
    (not on one clicked on the map), and otherwise left where the user put it."""
    layers = cache.carte_layers(
        catalogue, catalogue_key, shown_ids, selected, context=st.session_state.get("contexte_aires", False)
    )
    framed_for, centre, zoom = st.session_state.get(VIEW_KEY, (None, None, None))
    selection_key = (shown_ids.digest(), regions)
    linked = st.session_state.pop(URL_VIEW_KEY, None)
    if framed_for is None and linked is not None:  # a link copied after a move opens where it was
        framed_for, (lat, lon, zoom) = ("lien", selection_key), linked
        centre = (lat, lon)
        st.session_state.pop(FRAME_KEY, None)
    elif st.session_state.pop(FRAME_KEY, framed_for is None) and selected:
        framed_for = ("fiche", selected, selection_key)
        centre, zoom = cache.carte_view(catalogue, catalogue_key, cache.Ids((selected,)))
    elif framed_for is None or framed_for[-1] != selection_key:
        framed_for = ("filtres", selection_key)
        centre, zoom = cache.carte_view(catalogue, catalogue_key, shown_ids, regions)
    st.session_state[VIEW_KEY] = (framed_for, centre, zoom)
    return centre, zoom, layers


def open_clicked_card(ids: list[str]) -> None:
    """A click on the map (the component's value, there from the run's start) opens its card and
    lists every cooperation under the point, smallest perimeter first (overlapping perimeters:
    the one drawn on top is not the only one that can be reached)."""
    value = st.session_state.get(map_widget_key(cache.carte_base_map(), MAP_KEY)) or {}
    clicked = (value.get("last_object_clicked_tooltip") or "").strip()
    point = value.get("last_clicked") or {}
    token = (clicked, point.get("lat"), point.get("lng"))
    if not (clicked or point) or token == st.session_state.get("dernier_clic"):
        return
    st.session_state["dernier_clic"] = token
    under = cooperations_at(catalogue, ids, point["lng"], point["lat"]) if point.get("lat") is not None else []
    st.session_state[UNDER_CLICK_KEY] = under if len(under) > 1 or (under and not clicked) else []
    coop = (
        (label_index(catalogue).get(clicked) or cooperation_of_member(catalogue, geo, ids, clicked))
        if clicked
        else None
    )
    if coop and coop != st.session_state.get(SELECTED_KEY):
        select_cooperation(coop, frame=False)
        st.rerun()


def explorer() -> None:
    """Everything the filters change, written into the page's layout: figures, map, legend, card
    list, the open link to share and scene form, and the view's state in the sidebar. A fragment
    once the controls are drawn: a filter change reruns it alone."""
    filters = read_filters(catalogue, geo, index, page="carte", show_warnings=None)
    ids = apply_filters(catalogue, index, filters)
    shown_ids = cache.Ids(ids)  # hashed once, for every cache below
    selection = cache.selection(catalogue, catalogue_key, shown_ids)
    if controls:
        open_clicked_card(ids)
    selected = selected_card()
    # A card opened from "Autres coopérations de ses membres" may lie outside the filters: it is
    # shown anyway, with a notice and a one-click widening.
    outside = selected is not None and selected not in ids
    # Computed before anything is drawn: the run's elements then reach the browser together, and
    # its frontend renders the page once or twice, not once per batch the server sends while it
    # computes (measured: a search painted 16 ms sooner).
    centre, zoom, layers = map_view(shown_ids, filters.regions, selected)
    # The map first: the browser handles the run's messages in order, rendering the page for each
    # batch, and the map's frame gets its layers only once its element is rendered.
    with map_col:
        result = show_map(
            cache.carte_base_map(),
            key=MAP_KEY,
            height=640,
            returned_objects=["last_object_clicked_tooltip", "last_clicked"],
            layers=layers,
            center=centre,
            zoom=zoom,
            report_painted=True,
        )
    with figures_box:
        figures(ids, selection)
        if len(ids) == 0:
            empty_selection(
                "Aucune coopération ne correspond à ces filtres. Élargissez la sélection ou réinitialisez les filtres.",
                key="reset_vide",
            )
    if sidebar is not None:
        draw_search_box(catalogue, geo, index, sidebar)
        with map_col:
            map_legend(selection)
        if share is not None and share.open:
            with share:
                share_link(selected)
        with card_col:
            card_column(ids, selected, outside)
        draw_view_state(filters, sidebar.state)
        if scene_box is not None and scene_box.open:
            with scene_box:
                scene_form(filters)
    progressive.note_map_value(result)


def map_legend(selection: Selection) -> None:
    """Under the map: the legend of the types shown, and how to read the map."""
    vocab = catalogue.vocab["type"]
    shown = set(selection.types)
    legend(
        [(vocab.label(t), vocab.colour(t)) for t in vocab.keys if t in shown],
        "Types de coopération",
        note="Trait : lien entre partenaires (épaisseur selon le nombre de thèmes). Aplat : périmètre "
        "d'un PETR, d'un Pays, d'un pôle… (contour en tirets : membres incomplets). "
        "En jaune : EPCI membres des coopérations documentées. "
        "Contours clairs : groupements et contrats des registres nationaux (Territoires d'industrie et "
        "parcs naturels dans le sélecteur de couches). Cliquez un lien ou un périmètre pour afficher sa fiche.",
    )


def share_link(selected: str | None) -> None:
    """Inside the open « Copier le lien de cette vue »: the address of the view (filters, card)
    and, once the user has moved the map, its centre and zoom (`vue`), read from the map itself
    by a small same-origin frame (the server does not follow every move of the map)."""
    st.caption(
        "Ce lien rouvre la carte avec ces filtres"
        + (" et cette fiche" if selected else "")
        + ", là où vous avez déplacé ou zoomé la carte."
    )
    _framed_for, centre, zoom = st.session_state.get(VIEW_KEY, (None, None, None))
    st.iframe(share_link_html(share_url("carte", view_params(current_filters())), centre, zoom), height=112)


def under_click(selected: str | None) -> None:
    """The cooperations under the last point clicked (when several overlap), to open any of them."""
    under = [c for c in st.session_state.get(UNDER_CLICK_KEY, []) if c in catalogue.cooperations.index]
    if not under:
        return
    types = catalogue.vocab["type"]
    st.session_state["choix_sous_clic"] = selected if selected in under else None
    st.radio(
        f"À cet endroit : {plural(len(under), 'coopération')}, du plus petit périmètre au plus grand",
        under,
        key="choix_sous_clic",
        index=None,
        format_func=lambda c: (
            f"{catalogue.cooperations.at[c, 'nom']} — {types.label(catalogue.cooperations.at[c, 'type'])}"
        ),
        on_change=lambda: select_cooperation(st.session_state["choix_sous_clic"]),
    )


def card_column(ids: list[str], selected: str | None, outside: bool) -> None:
    """Beside the map, under the link to share: the cooperations under the last click, the card
    list and the selected card."""
    under_click(selected)
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
            st.rerun(scope="app")  # the sidebar's filters are outside this fragment: re-seed them
    if selected:
        cooperation_card(catalogue, geo, selected)
    else:
        st.caption("Cliquez sur la carte ou choisissez une coopération dans la liste.")


def scene_form(filters: Filters) -> None:
    """Inside the open « Enregistrer cette vue comme scène… »: the current view as a scene entry
    for the Présentation page (its code block is built only once opened: it loads the frontend's
    syntax highlighter, which delayed the map's first paint)."""
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
(st.fragment(explorer, key=EXPLORER_KEY) if controls else explorer)()
if controls:
    map_col.toggle(
        "Contexte : aires d'attraction des villes (INSEE 2020 — pôle foncé, couronne claire)",
        key="contexte_aires",
        help="Pour lire une coopération ville–campagne sur l'aire d'influence réelle "
        "de la ville. Voir aussi la page Alliances ville–campagne.",
        on_change=lambda: st.rerun(scope=EXPLORER_KEY),  # the layers change, not the page
    )
    draw_filter_sidebar(catalogue, geo, index, current_filters(), explorer=sidebar)
    sources_footer()
else:
    progressive.controls_placeholder()

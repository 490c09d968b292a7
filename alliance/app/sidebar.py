"""The shared filter state of the pages: sidebar widgets, session state and the URL.

The canonical state is `st.session_state["filtres"]` (a Filters). Widgets are re-seeded from it
on every page, so moving from the map to the charts keeps the selection, and the URL
(`st.query_params`) always carries it: reloading or sharing the link restores the same view.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from alliance.analysis.filters import (
    FILTER_FIELDS,
    VIEW_URL,
    FilterField,
    FilterIndex,
    Filters,
    clip_params,
    from_query,
    parse_view,
    to_query,
)
from alliance.data.catalogue import Catalogue
from alliance.data.geodata import GeoData
from alliance.escaping import markdown_text
from alliance.fmt import french_key

STATE_KEY = "filtres"
WIDGET_PREFIX = "filtre_"
SELECTED_KEY = "coop"
INCLUDE_KEY = "inclure_contributions"  # read by app.cache.active_key


def _widget_key(name: str) -> str:
    return WIDGET_PREFIX + name


def current_filters() -> Filters:
    return st.session_state.get(STATE_KEY, Filters())


def reset_filters() -> None:
    """Callback: back to the whole catalogue. The whole page reruns, even from a button in a
    fragment: the filter widgets are drawn again from the reset state."""
    show_view(Filters(), None)
    st.rerun()


def show_view(filters: Filters, selected: str | None) -> None:
    """Callback: make `filters` (and the card of `selected`) the view of the filtered pages, e.g.
    when leaving a presentation scene for the Carte."""
    st.session_state[STATE_KEY] = filters
    select_cooperation(selected)
    for key in list(st.session_state):
        if str(key).startswith(WIDGET_PREFIX):
            del st.session_state[key]


def url_params() -> tuple[dict[str, str], list[str]]:
    """The page's URL parameters, bounded (see filters.clip_params), with French warnings."""
    return clip_params({k: st.query_params.get(k) for k in list(st.query_params.keys())})


def init_from_url(catalogue: Catalogue, geo: GeoData, years: tuple[int, int] | None = None) -> None:
    """On the first run of a session, read the filters (and selected cooperation) from the URL."""
    if STATE_KEY in st.session_state:
        return
    params, _ = url_params()
    filters, warnings = from_query(params, catalogue.vocab, geo, years=years)
    coop = params.get(SELECTED_KEY)
    if coop:
        if coop in catalogue.cooperations.index:
            st.session_state[SELECTED_KEY] = coop
        else:
            warnings.append(f"Paramètre « coop » : coopération « {coop[:60]} » inconnue, ignorée.")
    view = parse_view(params.get(VIEW_URL, ""))
    if view is not None:
        st.session_state[URL_VIEW_KEY] = view  # the Carte opens there (a link copied after a move)
    st.session_state[STATE_KEY] = filters
    st.session_state["avertissements_url"] = warnings


def view_params(filters: Filters) -> dict[str, str]:
    """The URL parameters of a view: its filters and the card shown."""
    params = to_query(filters)
    if st.session_state.get(SELECTED_KEY):
        params[SELECTED_KEY] = st.session_state[SELECTED_KEY]
    return params


def set_query_params(params: dict[str, str]) -> None:
    """Make `params` the page's query parameters, if they differ: every write sends Streamlit's
    frontend a page-info message, whose handling re-renders its whole app (a full tree of React
    renders on the browser's main thread, competing with the map's paint)."""
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def sync_url(filters: Filters, sidebar: Any = None) -> None:
    """The address bar follows the view (`view_marker`, at once). Streamlit's query parameters
    follow too, except in a fragment's run (a filter change on the Carte): their update makes
    Streamlit re-render its whole frontend (~40 ms of the browser's main thread per change,
    measured), while the map repaints. The next full run brings them up to date."""
    params = view_params(filters)
    if not in_fragment_run():
        set_query_params(params)
    (sidebar if sidebar is not None else st.sidebar).html(view_marker(params))


def in_fragment_run() -> bool:
    """Whether this run is a fragment's alone (not the page's)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def view_marker(params: dict[str, str] | None = None) -> str:
    """A hidden element carrying the view's query string (`params`, by default the page's query
    parameters): the browser puts it in the address bar at once, as a new history entry
    (Streamlit's own update waits for the next interaction), so Back returns to the previous
    filters (alliance.app.chrome)."""
    from urllib.parse import urlencode

    if params is None:
        params = st.query_params.to_dict()
    return f"<span hidden data-vue='{html.escape(urlencode(params), quote=True)}'></span>"


PAGE_KEY = "filtres_page"


def filter_sidebar(catalogue: Catalogue, geo: GeoData, index: FilterIndex, page: str) -> Filters:
    """Render the French filter widgets in the sidebar; return the filters they describe.

    `page` names the calling page: widgets belong to a page in Streamlit, so when the user
    arrives from another page they are re-seeded from the shared state (a plain default would
    be ignored for a key another page's widget used)."""
    filters = read_filters(catalogue, geo, index, page)
    draw_filter_sidebar(catalogue, geo, index, filters)
    return filters


def read_filters(
    catalogue: Catalogue,
    geo: GeoData,
    index: FilterIndex,
    page: str,
    show_warnings: bool | None = True,
) -> Filters:
    """The filters the sidebar's widgets hold, read before they are drawn (then call
    `draw_filter_sidebar`): a page can send its map first, so the browser loads the map while
    it renders the sidebar. A widget's new value is in the session state when the rerun starts;
    on a first visit (or when arriving from another page) the widgets are seeded from the shared
    state, itself read from the URL. Warnings about the URL are shown once, here, in the first
    run with `show_warnings` (a run without controls keeps them for the next); with None, the
    page shows them itself (`url_warnings`)."""
    years = _years(index)
    if show_warnings is not None:
        url_warnings(catalogue, geo, index, show_warnings)
    init_from_url(catalogue, geo, years)
    state = current_filters()

    def clamp(year: int | None, default: int) -> int:
        return default if year is None else min(max(year, years[0]), years[1])

    seeds: dict[str, Any] = {}
    for f in FILTER_FIELDS:
        if f.kind == "period":
            seeds[f.name] = (clamp(state.annee_min, years[0]), clamp(state.annee_max, years[1]))
        elif f.kind == "text":
            seeds[f.name] = state.texte
        else:
            seeds[f.name] = list(getattr(state, f.name))
    arrived = st.session_state.get(PAGE_KEY) != page
    st.session_state[PAGE_KEY] = page
    for name, value in seeds.items():
        if arrived or _widget_key(name) not in st.session_state:
            st.session_state[_widget_key(name)] = value

    chosen = {f.name: st.session_state[_widget_key(f.name)] for f in FILTER_FIELDS}
    periode = tuple(chosen.pop("periode"))
    full = periode == tuple(years)
    values: dict[str, Any] = {name: v.strip() if isinstance(v, str) else tuple(v) for name, v in chosen.items()}
    filters = Filters(
        annee_min=None if full else int(periode[0]), annee_max=None if full else int(periode[1]), **values
    )
    st.session_state[STATE_KEY] = filters
    return filters


def url_warnings(catalogue: Catalogue, geo: GeoData, index: FilterIndex, show: bool = True) -> None:
    """The French warnings about the page's URL (read on the session's first run), shown once
    with `show`. Always one container, empty or not: the elements below keep their place when
    the warnings go (a map that moved would be reloaded by the browser)."""
    init_from_url(catalogue, geo, _years(index))
    notices = st.container()
    for warning in st.session_state.pop("avertissements_url", []) if show else []:
        notices.warning(markdown_text(warning), icon="⚠️")


@dataclass(frozen=True)
class ExplorerSidebar:
    """The sidebar of a page whose filters feed one fragment (its explorer, key `fragment`): its
    parts, made in their order by the page before the fragment runs. The page draws the filters'
    header and the filter widgets (`draw_filter_sidebar`); the fragment draws the search box
    (`draw_search_box`) and the view's state (`draw_view_state`), which change with each run."""

    fragment: str
    head: Any
    search: Any
    fields: Any
    state: Any


def explorer_sidebar(fragment: str) -> ExplorerSidebar:
    """Empty containers in the sidebar, in the order of an ExplorerSidebar's parts."""
    return ExplorerSidebar(fragment, *(st.sidebar.container() for _ in range(4)))


def draw_filter_sidebar(
    catalogue: Catalogue,
    geo: GeoData,
    index: FilterIndex,
    filters: Filters,
    explorer: ExplorerSidebar | None = None,
) -> None:
    """The sidebar's filter widgets (holding `filters`, from `read_filters` in this run), the reset
    button and the address of the view.

    With `explorer`, a filter change reruns its fragment only (the fragment reads the filters
    again): the browser keeps the sidebar as it is instead of rendering all of it again. A change
    other filters depend on (the regions, which restrict the départements) still reruns the page.
    The search box and the view's state are then left to the fragment."""
    years = _years(index)
    head = explorer.head if explorer else st.sidebar
    sb = explorer.fields if explorer else st.sidebar
    # Offered once there is something to leave out (or to bring back): no idle control otherwise.
    if not st.session_state.get(INCLUDE_KEY, True) or catalogue.cooperations["provenance"].eq("contribution").any():
        head.toggle(
            "Inclure les contributions validées",
            value=True,
            key=INCLUDE_KEY,
            help="Coopérations ajoutées par les éditeurs (page Données) et validées, en plus du catalogue "
            "de référence issu des documents sources. Leur fiche indique leur origine.",
        )
    head.header("Filtres")
    chosen: dict[str, Any] = {}
    for f in FILTER_FIELDS:
        if explorer and f.kind == "text":
            continue
        rerun = explorer.fragment if explorer and f.name not in _OTHERS_DEPEND_ON else None
        chosen[f.name] = _filter_widget(f, catalogue, geo, years, chosen, sb, rerun)
    if not explorer:
        draw_view_state(filters, sb)


def draw_search_box(catalogue: Catalogue, geo: GeoData, index: FilterIndex, explorer: ExplorerSidebar) -> None:
    """The search box, drawn by the explorer's fragment itself: a search, the filter changed most,
    then reruns the fragment directly. A widget outside it would start a page run first, which
    its callback turns into the fragment's, and the browser renders the page once more (measured:
    two renders of 11–19 ms before the first element of the fragment's run)."""
    text = next(f for f in FILTER_FIELDS if f.kind == "text")
    _filter_widget(text, catalogue, geo, _years(index), {}, explorer.search, None)


def draw_view_state(filters: Filters, sidebar: Any = None) -> None:
    """Under the filters: what they leave out, the reset button, and the view's address (URL)."""
    sb = sidebar if sidebar is not None else st.sidebar
    if filters.annee_min is not None or filters.annee_max is not None:
        sb.caption("Une période restreinte écarte les coopérations dont l'année n'est pas connue.")
    sb.button("Réinitialiser les filtres", on_click=reset_filters, width="stretch", disabled=filters.is_empty)
    sync_url(filters, sb)


_OTHERS_DEPEND_ON = {"regions"}  # the départements offered follow the regions chosen


def _rerun_fragment(key: str) -> None:
    """Callback of a filter widget: rerun the fragment `key` (which reads the filters) instead of
    the page."""
    st.rerun(scope=key)


def _years(index: FilterIndex) -> tuple[int, int]:
    return index.years or (2000, 2025)


def _filter_widget(
    f: FilterField,
    catalogue: Catalogue,
    geo: GeoData,
    years: tuple[int, int],
    chosen: dict,
    sb: Any,
    rerun: str | None,
):
    """The sidebar widget of one filter field (its value as the widget returns it); a change of
    it reruns the fragment `rerun` (the page when None)."""
    key = _widget_key(f.name)
    change = {"on_change": _rerun_fragment, "args": (rerun,)} if rerun else {}
    if f.kind == "text":
        return sb.text_input(f.label, key=key, placeholder="ex. Brest, Gascogne, alimentation…", **change)
    if f.kind == "period":
        return sb.slider(f.label, min_value=years[0], max_value=years[1], key=key, **change)
    if f.kind == "vocab":
        fam = catalogue.vocab[f.family]
        return sb.multiselect(fam.libelle, fam.keys, format_func=fam.label, key=key, placeholder=f.everything, **change)
    if f.column == "region":
        names = dict(zip(geo.regions.index.tolist(), geo.regions["nom"].tolist()))
        options = sorted(names, key=lambda c: french_key(names[c]))
        return sb.multiselect(
            f.label, options, format_func=lambda c: names.get(c, c), key=key, placeholder=f.everything, **change
        )
    deps = geo.departements
    regions = chosen.get("regions") or ()
    options = deps.index[deps["region"].isin(regions)] if regions else deps.index
    options = sorted(set(options) | set(st.session_state[key]))
    names = dict(zip(deps.index.tolist(), deps["nom"].tolist()))  # one table, not an .at per option
    return sb.multiselect(
        f.label,
        options,
        format_func=lambda c: f"{names.get(c, c)} ({c})",
        key=key,
        placeholder=f.everything,
        **change,
    )


URL_VIEW_KEY = "vue_lien"  # (lat, lon, zoom) of a shared link, until the Carte has opened there
FRAME_KEY = "cadrer_fiche"  # set: the next run of the Carte frames the selected cooperation


def select_cooperation(coop_id: str | None, frame: bool = True) -> None:
    """Select (or clear) the card; the URL follows at once (the whole view: after a filter change
    Streamlit's query parameters may not hold the filters yet, see `sync_url`). A cooperation
    chosen from a list, a search or a link is framed on the map (`frame`); one clicked on the map
    is not (the map stays where the user put it)."""
    if coop_id:
        st.session_state[SELECTED_KEY] = coop_id
        st.session_state[FRAME_KEY] = frame
    else:
        st.session_state.pop(SELECTED_KEY, None)
    set_query_params(view_params(current_filters()))


def share_url(path: str, params: dict[str, str] | None = None) -> str:
    """The address of what is on screen: this server, `path` (e.g. "carte") and the view's URL
    parameters (`params`, by default the page's query parameters)."""
    from urllib.parse import urlencode, urlsplit

    here = urlsplit(st.context.url or "http://localhost:8501/")
    if params is None:
        params = st.query_params.to_dict()
    query = urlencode(params)
    return f"{here.scheme}://{here.netloc}/{path}" + (f"?{query}" if query else "")


def with_filters(filters: Filters, **changes) -> Filters:
    return replace(filters, **changes)


def set_filters(filters: Filters) -> None:
    """Replace the shared filters (e.g. from a chart click); widgets re-seed from them."""
    st.session_state[STATE_KEY] = filters
    for key in list(st.session_state):
        if str(key).startswith(WIDGET_PREFIX):
            del st.session_state[key]

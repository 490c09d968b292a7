"""Présentation: guided scenes for colloquia (projector-ready, offline, keyboard arrows)."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import base64
import html
import math
import time

import streamlit as st

from alliance.analysis.filters import apply_filters
from alliance.app import cache
from alliance.app.sidebar import set_query_params, show_view, url_params, view_marker
from alliance.app.widgets import export_footer, slide_legend
from alliance.escaping import markdown_text
from alliance.exports.standalone_map import ExportUnavailable, html_to_png, standalone_html
from alliance.maps.component import show_map
from alliance.views import vegalite
from alliance.views.scenes import CHARTS, MAX_SCENES_BYTES, SceneError, parse_scenes
from alliance.views.slides import scene_chart, scene_map, scene_sheet, scene_view

vegalite.start()  # the chart's converter warms up in its own process while the map is sent
geo, catalogue, index = cache.geodata(), cache.catalogue(), cache.filter_index()
PNG_COOLDOWN_S = 10  # per session; the server renders one PNG at a time (alliance.export)

# Projector layout: no sidebar nor Streamlit chrome; the slide is sized to the screen. The root
# font follows the viewport height (24 px at 1080 px, 48 px on a 4K screen), so everything set in
# rem — Streamlit's own type, our text, the map's frame — keeps the same proportions on any screen.
st.markdown(
    """<style>
html {font-size: max(14px, calc(100vh / 45)) !important;}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], footer {display: none !important;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 0.5rem 1.2rem 0 1.2rem !important;
  max-width: 100% !important;}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {gap: 0.35rem;}
h1 {font-size: 1.6rem !important; line-height: 1.15 !important; padding: 0 !important; margin: 0 !important;}
[data-testid="stHeading"] {margin-bottom: 0.4rem;}
.slide-selection {display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;}
.slide-chart.with-selection img {max-height: calc(100vh - 23rem);}
.scene-message {font-size: 1.1rem; line-height: 1.3;}
/* Streamlit pulls each markdown block up by 1rem (for paragraphs' margins): give it back */
.scene-message, .slide-chart, .slide-note, .slide-legend {margin: 0 0 1rem 0;}
.scene-counter, .scene-keys, .slide-note, .slide-legend {font-size: 1rem; line-height: 1.3;}
.scene-counter {text-align: center;}
.scene-keys {color: #3d4852; text-align: right;}
.stButton button p, [data-testid="stPopover"] button p {font-size: 1rem;}
iframe[src*="streamlit_folium.st_folium"] {height: calc(100vh - 11rem) !important;}
.slide-chart img {display: block; width: 100%; max-height: calc(100vh - 16rem); object-fit: contain;
  object-position: left top;}
.slide-legend span.swatch {display: inline-block; width: 0.9em; height: 0.9em; border-radius: 0.15em;
  margin: 0 0.3em 0 0; vertical-align: -0.1em;}
.slide-legend span.item {display: inline-block; margin: 0 0.9em 0.15em 0; white-space: nowrap;}
/* no focus frame drawn across the slide while presenting (buttons keep theirs) */
[data-testid="stMain"] :focus:not(button):not(a) {outline: none !important;}
</style>""",
    unsafe_allow_html=True,
)

PRESENTER_KEYS_HTML = """<!doctype html><html lang="fr"><head>
<title>Plein écran et touches du présentateur</title><style>
/* as Streamlit's secondary buttons beside it (the frame does not get the app's styles) */
button {font: 16px "Source Sans Pro", "Source Sans 3", sans-serif; color: #31333f; background: #fff;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0 0.75rem; height: 40px;
  cursor: pointer; margin: 2px 0 0 0;}
button:hover {border-color: #8c1d40; color: #8c1d40;}
button:focus-visible {outline: 2px solid #8c1d40; outline-offset: 1px;}
.lecteur {position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;}
</style></head><body style="margin:0"><main>
<h1 class="lecteur">Plein écran et touches du présentateur</h1>
<button id="plein-ecran" aria-label="Afficher la présentation en plein écran">Plein écran</button></main>
<script>
const host = window.parent;
const doc = host.document;
const NEXT = new Set(['ArrowRight', 'PageDown', ' ', 'Spacebar']);
const PREVIOUS = new Set(['ArrowLeft', 'PageUp']);
function click(label) {
  const button = Array.from(doc.querySelectorAll('button')).find(b => b.innerText.includes(label));
  if (button) button.click();
}
function fullScreen() {
  if (doc.fullscreenElement) doc.exitFullscreen(); else doc.documentElement.requestFullscreen().catch(() => {});
}
function onKey(e) {
  const tag = (e.target && e.target.tagName || '').toUpperCase();
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || (e.target && e.target.isContentEditable)) return;
  let label = NEXT.has(e.key) ? 'Suivante' : PREVIOUS.has(e.key) ? 'Précédente' : null;
  if (label) { e.preventDefault(); e.stopPropagation(); click(label); return; }
  if (e.key === 'f' || e.key === 'F') { e.preventDefault(); fullScreen(); }
}
function listen(d) {
  if (!d || d.__presenterKeys) return;
  d.__presenterKeys = true;
  d.addEventListener('keydown', onKey, true);  // capture: before Leaflet's own arrow keys
}
listen(doc);
// The map lives in a same-origin frame: listen there too, and again whenever frames change.
const scan = () => doc.querySelectorAll('iframe').forEach(f => { try { listen(f.contentDocument); } catch (e) {} });
scan();
if (!doc.__presenterObserver) {
  doc.__presenterObserver = new host.MutationObserver(scan);
  doc.__presenterObserver.observe(doc.body, {childList: true, subtree: true});
}
if (!doc.__presenterInterval) doc.__presenterInterval = host.setInterval(scan, 1000);
document.getElementById('plein-ecran').addEventListener('click', fullScreen);
</script></body></html>"""

scenes = st.session_state.get("scenes_chargees") or cache.scenes()
ids_of = [s.id for s in scenes]
wanted = url_params()[0].get("scene")
if "scene_index" not in st.session_state:
    st.session_state["scene_index"] = ids_of.index(wanted) if wanted in ids_of else 0
    if wanted and wanted not in ids_of:
        st.warning(markdown_text(f"Scène « {wanted[:60]} » inconnue : retour à la première scène."))
position = min(st.session_state["scene_index"], len(scenes) - 1)


def go(step: int) -> None:
    # From the index at the time of the click, not this run's `position`: a clicker pressed twice
    # before the page has rerun moves two scenes.
    current = min(st.session_state.get("scene_index", 0), len(scenes) - 1)
    st.session_state["scene_index"] = (current + step) % len(scenes)


scene = scenes[position]
set_query_params({"scene": scene.id})
st.sidebar.html(view_marker())  # the address bar follows at once (Streamlit's own update can wait for a click)
ids = apply_filters(catalogue, index, scene.filters)
shown_ids = cache.Ids(ids)  # hashed once, for the map's and the chart's caches

title_col, prev_col, count_col, next_col = st.columns([7, 1.3, 0.7, 1.3], vertical_alignment="center")
title_col.title(markdown_text(scene.titre), anchor=False)
prev_col.button("◀ Précédente", on_click=go, args=(-1,), key="scene_prev", width="stretch")
count_col.markdown(f"<div class='scene-counter'>{position + 1} / {len(scenes)}</div>", unsafe_allow_html=True)
next_col.button("Suivante ▶", on_click=go, args=(1,), key="scene_next", width="stretch")
# st.html, not Markdown: a blank line in an uploaded message would end an HTML block and let the
# rest be read as Markdown (images, LaTeX, :red[…]); here it stays plain text.
st.html(f"<div class='scene-message'>{html.escape(scene.message)}</div>")

map_col, chart_col = st.columns([1.45, 1], gap="medium")
with map_col:
    centre, zoom = scene_view(scene, catalogue, ids, size=cache.SLIDE_MAP_PX)
    show_map(
        cache.presentation_base_map(),
        key="carte_presentation",
        height=470,  # the slide's CSS sets the real height from the screen's
        layers=cache.carte_layers(catalogue, cache.REFERENCE, shown_ids, scene.selection, scene.couches),
        center=centre,
        zoom=zoom,
    )


def slide_chart_png(scene, catalogue, ids, geo) -> bytes:
    """The scene's chart as a 16:9 image; its source line carries the chart's caveat, if any."""
    built = scene_chart(scene.graphique, catalogue, ids, cache.atelier(), geo)
    footer = export_footer() + (f" — {built.caveat}" if built.caveat else "")
    return charts.slide_png(charts.french(built.chart).to_dict(), scene.titre, footer)


def leave_for_carte() -> None:
    # The scene on screen when « Quitter » is clicked, even if the run that drew the button
    # showed the previous one (a key pressed just before).
    shown = scenes[min(st.session_state.get("scene_index", 0), len(scenes) - 1)]
    show_view(shown.filters, shown.selection)


quit_col, keys_col, export_col, full_col = st.columns([2.2, 3.2, 1.3, 1], vertical_alignment="center")
if quit_col.button(
    "Quitter : ouvrir cette vue dans la Carte", key="quitter", type="tertiary", on_click=leave_for_carte
):
    st.switch_page("pages/carte.py")
keys_col.markdown(
    "<div class='scene-keys'>→ Espace Page↓ : suivante · ← Page↑ : précédente · F : plein écran</div>",
    unsafe_allow_html=True,
)
# Presenter's keys, wherever the focus is (the map's frame included, where Leaflet would pan):
# → PageDown Space: next scene; ← PageUp: previous; F: full screen. They click the buttons above.
# st.iframe runs this small same-origin script (the supported way to run page JavaScript).
with full_col:
    st.iframe(PRESENTER_KEYS_HTML, height=44)

# Built only once opened: its file uploader and buttons would otherwise be drawn before the map.
exports = export_col.popover("Exporter…", width="stretch", key="exporter_scene", on_change="rerun")

# The chart last: on a cold server its first conversion takes a second, and the presenter's keys
# (above) must already answer by then. Altair too (0.4 s to import on a cold server) waits for the map.
from alliance.views import charts

# chart text as drawn; the image is shown a little narrower than drawn, so 24 px on screen at 1080p
SLIDE_FONT_PX = charts.PROJECTOR_FONT_SIZE + 4
with chart_col:
    svg, note, alt_text = cache.slide_chart_svg(scene.id, scene.graphique, shown_ids, SLIDE_FONT_PX)
    if svg:
        source = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        label = html.escape(f"{CHARTS.get(scene.graphique, '')} — {alt_text}", quote=True)
        st.markdown(
            f"<div class='slide-chart{' with-selection' if scene.selection else ''}'>"
            f"<img src='data:image/svg+xml;base64,{source}' alt='{label}' title='{label}'></div>",
            unsafe_allow_html=True,
        )
    if note:
        st.markdown(f"<div class='slide-note'>{html.escape(note)}</div>", unsafe_allow_html=True)
    st.markdown(slide_legend(catalogue, ids, scene), unsafe_allow_html=True)
    if scene.selection:
        row = catalogue.cooperations.loc[scene.selection]
        st.markdown(
            f"<div class='slide-note slide-selection' title='{html.escape(row['description'], quote=True)}'>"
            f"<b>{html.escape(row['nom'])}</b> — {html.escape(row['description'])}</div>",
            unsafe_allow_html=True,
        )


if exports.open:
    with exports:
        st.markdown("**Exporter cette scène**")
        st.download_button(
            "Carte (HTML autonome, hors ligne)",
            data=lambda: standalone_html(
                scene_map(scene, catalogue, geo, ids), scene_sheet(scene, catalogue, ids)
            ).encode("utf-8"),
            file_name=f"{scene.id}-carte.html",
            mime="text/html",
            on_click="ignore",
            key="export_html",
        )
        if st.button("Préparer la carte en PNG", key="prepare_png"):
            waited = time.monotonic() - st.session_state.get("png_dernier", -PNG_COOLDOWN_S)
            if waited < PNG_COOLDOWN_S:
                st.warning(f"Un export PNG vient d'être lancé : réessayez dans {math.ceil(PNG_COOLDOWN_S - waited)} s.")
            else:
                st.session_state["png_dernier"] = time.monotonic()
                try:
                    with st.spinner("Préparation de l'image…"):
                        page = standalone_html(
                            scene_map(scene, catalogue, geo, ids), scene_sheet(scene, catalogue, ids), still=True
                        )
                        st.session_state["png_scene"] = (scene.id, html_to_png(page))
                except ExportUnavailable as exc:
                    st.error(str(exc))
        ready = st.session_state.get("png_scene")
        if ready and ready[0] == scene.id:
            st.download_button(
                "Télécharger la carte PNG",
                ready[1],
                file_name=f"{scene.id}-carte.png",
                mime="image/png",
                on_click="ignore",
                key="export_png",
            )
        if svg:
            st.download_button(
                "Graphique (PNG 16:9)",
                data=lambda: slide_chart_png(scene, catalogue, ids, geo),
                file_name=f"{scene.id}-graphique.png",
                mime="image/png",
                on_click="ignore",
                key="export_chart_png",
            )
            st.download_button(
                "Graphique (SVG)",
                data=svg,
                file_name=f"{scene.id}-graphique.svg",
                mime="image/svg+xml",
                on_click="ignore",
                key="export_chart_svg",
            )
        st.markdown("**Charger d'autres scènes**")
        uploaded = st.file_uploader("Charger un fichier de scènes (YAML)", type=["yaml", "yml"], key="fichier_scenes")
        if uploaded is not None and uploaded.size > MAX_SCENES_BYTES:
            st.error(
                f"Fichier de scènes trop volumineux ({uploaded.size // 1024} Kio, "
                f"{MAX_SCENES_BYTES // 1024} Kio au plus)."
            )
        elif uploaded is not None:
            try:
                text = uploaded.getvalue().decode("utf-8-sig")
                loaded = parse_scenes(text, catalogue.vocab, geo, set(catalogue.cooperations.index))
            except UnicodeDecodeError:
                st.error("Le fichier doit être encodé en UTF-8.")
            except SceneError as exc:
                st.error(
                    "Ce fichier de scènes n'a pas été chargé :\n\n"
                    + "\n".join(f"- {markdown_text(p)}" for p in exc.problems)
                )
            else:
                if st.button(f"Utiliser ces {len(loaded)} scènes", key="utiliser_scenes"):
                    st.session_state["scenes_chargees"] = loaded
                    st.session_state["scene_index"] = 0
                    st.rerun()
        if st.session_state.get("scenes_chargees") and st.button("Revenir aux scènes du projet", key="scenes_projet"):
            del st.session_state["scenes_chargees"]
            st.session_state["scene_index"] = 0
            st.rerun()

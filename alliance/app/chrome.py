"""What every page shares around its content: global CSS (contrast) and a small script that
translates the strings Streamlit's frontend only has in English (file uploader, multiselect,
table toolbar, skip link…) as they appear, and on a phone scrolls a newly opened card into view."""

from __future__ import annotations

import json

import streamlit as st

# Streamlit's captions are grey at 60 % opacity (3.9:1 on white): WCAG AA wants 4.5:1.
GLOBAL_CSS = """<style>
[data-testid="stCaptionContainer"] {opacity: 1 !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {color: #4a5560 !important;}
.stHtml:has(> script#interface-fr) {display: none;}
/* Links and link-like buttons (page links, tertiary buttons) must look like links, not text */
[data-testid="stPageLink-NavLink"] p, [data-testid="stBaseButton-tertiary"] p {
  color: #8c1d40 !important; text-decoration: underline; text-underline-offset: 3px;}
/* Streamlit leaves 6rem above every page: keep the map and its legend higher on screen */
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
</style>"""

# Exact English strings of the frontend (Streamlit 1.67) -> French.
EXACT = {
    "Skip to main content": "Aller au contenu principal",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Drag and drop directories here": "Glissez-déposez des dossiers ici",
    "Upload": "Parcourir…",
    "Browse files": "Parcourir…",
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "No results": "Aucun résultat",
    "Choose an option": "Choisir",
    "Choose options": "Choisir",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Fullscreen": "Plein écran",
    "View fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Copy to clipboard": "Copier dans le presse-papiers",
    "Running...": "Calcul en cours…",
    "Remove": "Retirer",
    "Delete": "Supprimer",
    "Close": "Fermer",
    "Open sidebar": "Ouvrir le panneau latéral",
    "Close sidebar": "Fermer le panneau latéral",
    "Collapse sidebar": "Replier le panneau latéral",
    "Expand sidebar": "Déplier le panneau latéral",
    "Sidebar": "Panneau latéral",
    "App pages": "Pages de l'application",
    "Main menu": "Menu principal",
    "Link to heading": "Lien vers ce titre",
    "Open": "Ouvrir la liste",
    "Selected values": "Valeurs choisies",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Notifications": "Notifications",
    "Stop script": "Arrêter le calcul",
    "Button action menu": "Menu du bouton",
    "file upload": "envoi de fichier",
    "Add files": "Ajouter des fichiers",
    # chart toolbar (Vega) and table toolbar
    "Show data": "Voir les données",
    "Show chart": "Voir le graphique",
    "Download as PNG": "Télécharger en PNG",
    "Download as SVG": "Télécharger en SVG",
    "Copy Vega-Lite spec": "Copier la spécification Vega-Lite",
    "Copied!": "Copié !",
    "Clear selection": "Effacer la sélection",
    "Toggle fullscreen": "Plein écran",
    "Vega visualization": "Graphique",
    # frames: Streamlit titles them after the element's name
    "streamlit_folium.st_folium": "Carte interactive des coopérations",
    "Streamlit Folium Component": "Carte interactive des coopérations",
}
# (regular expression, replacement) for strings with a number in them.
PATTERNS = [
    (r"^Select (\d+) matches$", "Sélectionner les $1 résultats"),
    (r"^Press Enter to (apply|submit)$", "Entrée pour valider"),
    (r"^Press (⌘|Ctrl)\+Enter to (apply|submit)$", "$1+Entrée pour valider"),
    (r"^(\d+)\s?MB per file$", "$1 Mo par fichier au plus"),
    (r"^(\d+)\s?KB per file$", "$1 Ko par fichier au plus"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^Upload (.+)$", "Envoyer $1"),
    (r"^(.+) start date$", "$1 : date de début"),
    (r"^(.+) end date$", "$1 : date de fin"),
    (r"^(.+) — start$", "$1 — début"),
    (r"^(.+) — end$", "$1 — fin"),
    (r"^(.+) color picker$", "$1 : choix de la couleur"),
    # what Vega generates for screen readers where a chart does not say it in French itself
    (r"^Title text '(.+)'$", "Titre : $1"),
    (r"^([XY])-axis titled '(.+)' for a [a-z]+ scale with values from (.+) to (.+)$", "Axe $1 : $2, de $3 à $4"),
    (r"^([XY])-axis for a [a-z]+ scale with values from (.+) to (.+)$", "Axe $1, de $2 à $3"),
]

FRENCH_UI_JS = r"""<script id="interface-fr">
(function () {
  if (window.__interfaceFr) return;
  window.__interfaceFr = true;
  const exact = %(exact)s;
  const patterns = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  function french(text) {
    const core = text.trim();
    if (!core) return null;
    if (Object.prototype.hasOwnProperty.call(exact, core)) return text.replace(core, exact[core]);
    for (const [re, by] of patterns) if (re.test(core)) return text.replace(core, core.replace(re, by));
    return null;
  }
  function fix(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const out = french(node.nodeValue);
      if (out !== null && out !== node.nodeValue) node.nodeValue = out;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || node.tagName === 'SCRIPT' || node.tagName === 'STYLE') return;
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = node.getAttribute(name);
      const out = value && french(value);
      if (out && out !== value) node.setAttribute(name, out);
    }
    if (node.tagName === 'IFRAME') nameFrame(node);
    node.childNodes.forEach(fix);
  }
  // A frame of st.iframe is titled « st.iframe »: it takes its document's own (French) title, once
  // loaded; the map's frame is named by the table above.
  function nameFrame(frame) {
    if (frame.getAttribute('title') !== 'st.iframe') return;
    const own = () => {
      try {
        const title = frame.contentDocument && frame.contentDocument.title;
        if (title) frame.setAttribute('title', title);
      } catch (e) { /* another origin: keep Streamlit's */ }
    };
    own();
    frame.addEventListener('load', own, {once: true});
  }
  document.documentElement.lang = 'fr';
  new MutationObserver(() => { if (document.documentElement.lang !== 'fr') document.documentElement.lang = 'fr'; })
    .observe(document.documentElement, {attributes: true, attributeFilter: ['lang']});
  // On a phone the card of a cooperation sits below the map: bring a newly opened card into view.
  let lastCard = null;
  function showCard(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const marker = node.matches('[data-fiche]') ? node : node.querySelector('[data-fiche]');
    if (!marker || marker.dataset.fiche === lastCard) return;
    lastCard = marker.dataset.fiche;
    if (window.innerWidth < 640) setTimeout(() => marker.scrollIntoView({behavior: 'smooth', block: 'start'}), 300);
  }
  // The address follows the view, one history entry per change; Back reloads the previous
  // address, whose filters and card the page reads on a fresh start. The entry is pushed once the
  // browser is idle: pushState costs ~5 ms of the main thread, which the map's repaint needs first.
  let viewQuery = null;
  function pushView() {
    const query = viewQuery;
    viewQuery = null;
    if (query === null || query === location.search.replace(/^\?/, '')) return;
    history.pushState({alliance: true}, '', location.pathname + (query ? '?' + query : ''));
  }
  function showView(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const marks = node.matches('[data-vue]') ? [node] : Array.from(node.querySelectorAll('[data-vue]'));
    if (!marks.length) return;
    if (viewQuery === null) requestIdleCallback(pushView, {timeout: 500});
    viewQuery = marks[marks.length - 1].dataset.vue;
  }
  let shownPath = location.pathname;  // page of the entry on screen (Streamlit moves between pages itself)
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name].bind(history);
    history[name] = function (...args) { const out = original(...args); shownPath = location.pathname; return out; };
  }
  window.addEventListener('popstate', () => {
    viewQuery = null;  // Back wins over a view not yet in the address
    if (location.pathname === shownPath) location.reload();  // same page, earlier filters or card
    shownPath = location.pathname;
  });
  fix(document.body);
  showCard(document.body);
  showView(document.body);
  new MutationObserver(records => records.forEach(r => {
    if (r.type === 'characterData') fix(r.target);
    else if (r.type === 'attributes') { fix(r.target); showView(r.target); }
    else r.addedNodes.forEach(n => { fix(n); showCard(n); showView(n); });
  })).observe(document.body, {subtree: true, childList: true, characterData: true,
                              attributes: true, attributeFilter: ['aria-label', 'title', 'placeholder', 'data-vue']});
})();
</script>""".replace("%(exact)s", json.dumps(EXACT, ensure_ascii=False)).replace(
    "%(patterns)s", json.dumps(PATTERNS, ensure_ascii=False)
)


def app_chrome() -> None:
    """Global CSS and the French frontend strings (called once per run by dashboard.py)."""
    st.html(GLOBAL_CSS)
    st.html(FRENCH_UI_JS, unsafe_allow_javascript=True)

"""Small shared Streamlit widgets (layout only; logic lives in the other modules)."""

import html
from typing import Any

import streamlit as st

from alliance.data.catalogue import MEMBER_ORIGINS, parse_ref
from alliance.escaping import markdown_text
from alliance.fmt import french_key
from alliance.maps.basemap import ATTRIBUTION


def sources_footer() -> None:
    """Sources and licences, shown at the bottom of every page (the list is built once opened:
    the frontend would otherwise parse its Markdown again on every rerun)."""
    sources = st.expander("Sources et licences", expanded=False, key="sources_licences", on_change="rerun")
    if sources.open:
        sources.markdown(
            "- **Contours administratifs** : IGN – ADMIN EXPRESS COG 2018, via le dépôt public "
            "*france-geojson* (Licence Ouverte / Open Licence Etalab).\n"
            "- **Codes officiels, communes et EPCI** : INSEE, Code officiel géographique, via le "
            "paquet *@etalab/decoupage-administratif* 6.0.0 (Licence Ouverte).\n"
            "- Les périmètres des EPCI sont reconstitués en agrégeant les communes 2018 selon la "
            "composition actuelle des intercommunalités.\n"
            "- **Groupements et contrats nationaux** : BANATIC (DGCL, ministère de l'Intérieur) — nature des "
            "groupements 2022, adhésions 2025, liste Docurba 2026 ; ANCT — CRTE 2023 et Territoires d'industrie "
            "(Licence Ouverte).\n"
            "- **Zonages d'études** (aires d'attraction des villes, zones d'emploi, bassins de vie) : INSEE, table "
            "d'appartenance géographique des communes 2022 (Licence Ouverte).\n"
            "- **Coopérations documentées** : les cinq documents sources, cités ligne par ligne."
        )
    st.caption(ATTRIBUTION)


def legend(items: list[tuple[str, str]], title: str, note: str = "") -> None:
    """A French legend: coloured swatches with labels, then how to read the map (`note`), all in
    one element (escaped)."""
    import html

    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;margin:0 14px 4px 0'>"
        f"<span style='width:14px;height:14px;border-radius:3px;background:{colour};margin-right:6px;"
        f"display:inline-block'></span>{html.escape(label)}</span>"
        for label, colour in items
    )
    # st.html, not Markdown: the frontend parses Markdown again on every rerun
    reading = f"<p style='margin:4px 0 0;font-size:0.875rem;color:#4b5563'>{html.escape(note)}</p>" if note else ""
    st.html(f"<div style='font-size:0.9rem'><b>{html.escape(title)}</b><br>{swatches}{reading}</div>")


MAX_RELATED = 12
ATTRIBUTION_SHORT = "Sources : documents cités, BANATIC (DGCL), ANCT, INSEE, IGN"


def member_origin(row) -> str:
    """« Membres : d'après … » for a cooperation row (plain text)."""
    origin = MEMBER_ORIGINS.get(row["membres_origine"], "source non précisée")
    if row["membres_origine"] == "jeu_de_donnees" and row["membres_jeu"]:
        origin = row["membres_jeu"]
    return f"Membres : d'après {origin}."


def searched_territory(catalogue, geo, coop_id: str) -> str | None:
    """When the search is the whole name of a commune, an EPCI or a département: how it takes
    part in this cooperation (directly, via a grouping, via its EPCI), in French; else None."""
    from alliance.analysis.details import how_it_takes_part
    from alliance.analysis.filters import fold
    from alliance.app import cache
    from alliance.app.sidebar import current_filters

    text = fold(current_filters().texte.strip())
    for ref, label in cache.places_by_name().get(text, []) if text else []:
        how = how_it_takes_part(catalogue, geo, coop_id, ref)
        if how:
            return f"{label} (recherche) : {how}."
    return None


def cooperation_card(catalogue, geo, coop_id: str) -> None:
    """The card of one cooperation: every field in French, members, source and related ones."""
    import pandas as pd

    from alliance.analysis.details import member_table, related_cooperations
    from alliance.app import cache
    from alliance.app.sidebar import select_cooperation
    from alliance.fmt import fmt_int

    vocab = catalogue.vocab
    row = catalogue.cooperations.loc[coop_id]
    found_by = searched_territory(catalogue, geo, coop_id)  # before any element: the card goes out in one piece
    # a marker the browser scrolls into view on a phone, where the card sits below the map (the
    # address follows through the page's view marker, app.sidebar.sync_url)
    st.html(f"<span class='fiche-cooperation' data-fiche='{html.escape(coop_id, quote=True)}'></span>")
    st.subheader(markdown_text(row["nom"]), anchor=False)
    if found_by:
        st.caption(markdown_text(found_by))
    year = f" · créée en {int(row['annee'])}" if pd.notna(row["annee"]) else ""
    st.markdown(
        f"**{markdown_text(vocab['type'].label(row['type']))}** · {markdown_text(vocab['statut'].label(row['statut']))}"
        f"{markdown_text(year)}"
    )
    st.markdown(markdown_text(row["description"]))
    if row["provenance"] == "contribution":
        st.info("Contribution validée (page Données), hors catalogue de référence.")
    for column, family in (
        ("themes", "theme"),
        ("finalites", "finalite"),
        ("portage", "portage"),
        ("territoires", "territoires"),
        ("temporalite", "temporalite"),
        ("intensite", "intensite"),
    ):
        values = row[column]
        if values:
            # a register row's theme or portage says what in the register (or the programme's
            # definition) gives it
            origin = row.get(f"{column}_origine", "")
            st.markdown(
                f"**{markdown_text(vocab[family].libelle)}** : "
                + markdown_text(", ".join(vocab[family].label(v) for v in values))
                + (f" *(d'après {markdown_text(origin)})*" if origin else "")
            )
    table = member_table(catalogue, geo, coop_id)
    table["Population"] = table["Population"].map(lambda v: "" if v is None or str(v) == "<NA>" else fmt_int(v))
    st.markdown(f"**Membres** ({fmt_int(len(table))})")
    key_first_table(table, "Membre", height=min(38 + 35 * len(table), 300))
    st.markdown(markdown_text(member_origin(row)))
    if row["membres_partiels"]:
        st.warning(
            markdown_text(
                "Membres incomplets : "
                + (
                    row["membres_note"]
                    or (
                        "le registre ne connaît que les EPCI adhérents "
                        "(les communes qui adhèrent directement n'y figurent pas)."
                    )
                )
            ),
            icon=":material/warning:",
        )
    elif row["membres_note"]:
        st.caption(markdown_text(row["membres_note"]))
    sources = cache.sources()
    source = markdown_text(sources.get(row["source"], row["source"]))
    if row["provenance"] == "registre":
        st.markdown(f"**Source** : {source} · identifiant {markdown_text(row['identifiant'])}")
    else:
        st.markdown(f"**Source** : {source}")
        if row["citation"]:
            st.markdown(f"> « {markdown_text(row['citation'])} »")
    matches = cache.register_matches()
    if coop_id in matches.index:
        match = matches.loc[coop_id]
        theirs = set(match["membres_registre"].split(";"))
        ours = {m for m in row["membres"] if m.startswith("epci:")}

        def names(refs) -> str:
            known = [geo.name(r.kind, r.code) for r in map(parse_ref, refs) if r.kind == "epci"]
            return ", ".join(sorted((n for n in known if n), key=french_key))

        same = (
            "mêmes EPCI que ci-dessus"
            if theirs == ours
            else (
                f"{fmt_int(len(theirs))} EPCI, contre {fmt_int(len(ours))} d'après le document source"
                + (f" ; absents du registre : {names(ours - theirs)}" if ours - theirs else "")
                + (f" ; seulement au registre : {names(theirs - ours)}" if theirs - ours else "")
                + " (les deux sources sont gardées, aucune n'écrase l'autre)"
            )
        )
        st.caption(
            markdown_text(
                f"Aussi au registre : {match['nom_registre']} ({match['identifiant']}, {match['millesime']}) : {same}."
            )
        )
    related = related_cooperations(catalogue, coop_id)
    if len(related):
        st.markdown("**Autres coopérations de ses membres**")
        if len(related) > MAX_RELATED:
            st.caption(
                f"Les {MAX_RELATED} premières sur {fmt_int(len(related))} (les coopérations documentées d'abord)."
            )
        for i, rel in enumerate(related.head(MAX_RELATED).itertuples()):
            st.button(
                markdown_text(f"{rel.membre} → {catalogue.cooperations.at[rel.coop_id, 'nom']}"),
                key=f"rel_{coop_id}_{i}",
                on_click=select_cooperation,
                args=(rel.coop_id,),
                width="stretch",
            )


def key_first_table(table, key_column: str, **options) -> None:
    """A table whose key column (a name, first) keeps a medium width, so that on a phone the
    figures beside it are not pushed out of the screen by a long name. (Not pinned: Streamlit
    draws a pinned column's text in a pale grey.)"""
    config = {key_column: st.column_config.TextColumn(width="medium")}
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, **options)


def chart_block(key: str, spec: dict, data, note: str, selectable: bool = True, subtitle: str | None = None):
    """A chart (full width) from its French Vega-Lite `spec` (built and cached by `cache`, without
    schema validation: the builders are tested), the note saying what is counted, and its exports."""
    from alliance.exports.selection import excel_csv, neutralise, readable_chart_data
    from alliance.views import charts

    event: Any = (
        st.vega_lite_chart(spec, key=f"graphique_{key}", on_select="rerun", width="stretch")
        if selectable
        else st.vega_lite_chart(spec, key=f"graphique_{key}", width="stretch")
    )
    st.caption(note)
    words = subtitle or selection_words()
    # (label, deferred content, file name, type): images are rendered (vl-convert, offline) only when asked for
    exports = (
        (
            "Image PNG (diapositive 16:9)",
            lambda: charts.slide_png(spec, words, export_footer()),
            f"{key}.png",
            "image/png",
        ),
        (
            "Image SVG",
            lambda: charts.to_svg(charts.with_subtitle(charts.export_spec(spec), words)),
            f"{key}.svg",
            "image/svg+xml",
        ),
        ("Données CSV pour Excel (FR)", lambda: excel_csv(readable_chart_data(data)), f"{key}_excel.csv", "text/csv"),
        (
            "Données CSV (« , », UTF-8)",
            lambda: readable_chart_data(data).map(neutralise).to_csv(index=False).encode("utf-8"),
            f"{key}.csv",
            "text/csv",
        ),
    )
    with st.popover("Exporter", width="content"):
        for label, content, file_name, mime in exports:
            st.download_button(
                label, data=content, file_name=file_name, mime=mime, key=f"export_{file_name}", on_click="ignore"
            )
    return event


def selection_words() -> str:
    """The shared filters in words (chart subtitles, export titles)."""
    from alliance.analysis.filters import describe
    from alliance.app import cache
    from alliance.app.sidebar import current_filters

    return describe(current_filters(), cache.vocabularies(), cache.geodata())


def export_footer() -> str:
    """Source and date line of an exported image."""
    import datetime as dt

    return f"{ATTRIBUTION_SHORT} — Alliance des territoires, export du {dt.date.today().strftime('%d/%m/%Y')}"


def narrow_filters_from_selection(event, field, filters, fields=("cle",)) -> None:
    """A click on a bar (or heatmap cell) narrows the shared filters to that value, then reruns."""
    from dataclasses import replace

    from alliance.app.sidebar import set_filters
    from alliance.views import charts

    points = (event or {}).get("selection", {}).get(charts.SELECTION) if event else None
    if not points:
        return
    point = points[0]
    names = field if isinstance(field, tuple) else (field,)
    changes = {name: (point[f],) for name, f in zip(names, fields) if point.get(f)}
    new = replace(filters, **changes)
    if new != filters:
        set_filters(new)
        st.rerun()


def coverage_tables(catalogue, catalogue_key: str, geo, ids) -> None:
    """Statistiques « Couverture nationale »: share of EPCI, communes and population covered by
    territoires de projet per region, and the PETR by size."""
    from alliance.analysis import stats
    from alliance.app import cache
    from alliance.fmt import fmt_dec, fmt_int

    data, spec = cache.coverage(catalogue, catalogue_key, cache.Ids(ids))
    st.markdown(
        "**Part des EPCI, des communes et de la population couverts par au moins un PETR, un pôle "
        "métropolitain, un Pays ou un CRTE signé par plusieurs EPCI** (coopérations de la sélection)."
    )
    columns = {
        "region": "Région",
        "epci": "EPCI",
        "epci_couverts": "EPCI couverts",
        "part_epci_texte": "Part des EPCI",
        "part_communes_texte": "Part des communes",
        "part_population_texte": "Part de la population",
    }
    sources = "Sources : BANATIC (DGCL), adhésions 2025 ; ANCT, CRTE 2023 ; population municipale INSEE (COG 2026)."
    if len(data):
        table = data.rename(columns=columns)[list(columns.values())]
        for share in ("part_epci", "part_communes", "part_population"):  # exported as numbers, rounded
            table[columns[f"{share}_texte"]] = data[share].round(1)
        chart_block(
            "couverture",
            spec,
            table,
            sources,
            selectable=False,
        )
    st.dataframe(data.rename(columns=columns)[list(columns.values())], hide_index=True, width="stretch")
    st.caption(sources)
    sizes = stats.grouping_sizes(catalogue, geo, ids, "petr")
    st.markdown(
        f"**Les PETR par taille** ({fmt_int(int(sizes['n'].sum()))} dans la sélection, population de leurs EPCI "
        "membres)"
    )
    st.dataframe(
        sizes.assign(epci=sizes["epci_median"].map(lambda v: fmt_dec(v, 0))).rename(
            columns={"classe": "Population", "n_texte": "PETR", "part_texte": "Part", "epci": "EPCI membres (médiane)"}
        )[["Population", "PETR", "Part", "EPCI membres (médiane)"]],
        hide_index=True,
        width="stretch",
    )


def slide_legend(catalogue, ids, scene) -> str:
    """HTML of a slide's map legend (sized in em: it scales with the slide)."""
    import html

    from alliance.views.slides import legend_items

    items = "".join(
        f"<span class='item'><span class='swatch' style='background:{colour}'></span>{html.escape(label)}</span>"
        for label, colour in legend_items(catalogue, ids, scene)
    )
    return f"<div class='slide-legend' role='note' aria-label='Légende de la carte'>{items}</div>"


def empty_selection(message: str, key: str = "reinitialiser_vide") -> None:
    """What a page shows instead of an empty chart or map: a sentence and a one-click reset."""
    from alliance.app.sidebar import current_filters, reset_filters

    st.info(message, icon="ℹ️")
    if not current_filters().is_empty:
        st.button("Réinitialiser les filtres", key=key, on_click=reset_filters, type="primary")


SHARE_LINK_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Lien de cette vue</title>
<style>
body {margin: 0; font: 15px "Source Sans Pro", "Source Sans 3", sans-serif; color: #31333f;}
label {display: block; margin: 0 0 4px 0;}
.ligne {display: flex; gap: 6px;}
input {flex: 1; min-width: 0; font: 14px monospace; padding: 6px; border: 1px solid #8a8d96; border-radius: 6px;}
button {font: inherit; color: #31333f; background: #fff; border: 1px solid rgba(49, 51, 63, 0.3);
  border-radius: 8px; padding: 0 12px; cursor: pointer;}
button:hover, button:focus-visible {border-color: #8c1d40; color: #8c1d40; outline: 2px solid #8c1d40;}
#etat {font-size: 13px; min-height: 18px; margin: 4px 0 0 0;}
.lecteur {position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;}
</style></head><body><main>
<h1 class="lecteur">Lien de cette vue</h1>
<label for="lien">Lien de cette vue</label>
<div class="ligne"><input id="lien" readonly><button id="copier" type="button">Copier</button></div>
<p id="etat" role="status"></p></main>
<script>
const BASE = %(base)s, FRAMED = %(framed)s;
const field = document.getElementById("lien"), state = document.getElementById("etat");
function theMap() {  // the Carte's Leaflet map, in the sibling same-origin frame
  for (const frame of window.parent.document.querySelectorAll("iframe")) {
    try {
      const w = frame.contentWindow;
      const m = w.L && Object.values(w).find(v => v && v instanceof w.L.Map);
      if (m) return m;
    } catch (e) {}
  }
  return null;
}
function link() {
  const m = theMap(), url = new URL(BASE);
  if (m) {
    const c = m.getCenter(), z = Math.round(m.getZoom() * 100) / 100;
    const moved = !FRAMED || Math.abs(c.lat - FRAMED[0]) > 1e-3 || Math.abs(c.lng - FRAMED[1]) > 1e-3
      || Math.abs(z - FRAMED[2]) > 0.01;
    if (moved) url.searchParams.set("vue", c.lat.toFixed(4) + "," + c.lng.toFixed(4) + "," + z);
  }
  return url.toString();
}
function show() { if (document.activeElement !== field) field.value = link(); }
show();
setInterval(show, 800);  // the map may move while this is open
document.getElementById("copier").addEventListener("click", async () => {
  field.value = link();
  try { await navigator.clipboard.writeText(field.value); }
  catch (e) { field.select(); document.execCommand("copy"); }
  state.textContent = "Lien copié.";
});
</script></body></html>"""


def share_link_html(base: str, centre: tuple[float, float] | None, zoom: float | None) -> str:
    """The share frame's document: the link `base`, plus the map's view (`vue`) once it differs
    from the view the page framed (`centre`, `zoom`)."""
    import json

    framed = [centre[0], centre[1], zoom] if centre is not None and zoom is not None else None
    return SHARE_LINK_HTML.replace("%(base)s", json.dumps(base).replace("</", "<\\/")).replace(
        "%(framed)s", json.dumps(framed)
    )

"""Données: import, review and storage of contributed cooperations."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import io

import pandas as pd
import streamlit as st

from alliance.app import cache
from alliance.app.auth import SESSION_KEY, is_editor, login_form
from alliance.app.widgets import sources_footer
from alliance.contributions.importer import (
    MAX_BYTES,
    MAX_ROWS,
    check_in_chunks,
    read_upload,
    template_csv,
    template_xlsx,
)
from alliance.contributions.store import STATUSES, Store, StoreError
from alliance.data.catalogue import COLUMNS, TerritoryIndex
from alliance.errors import DataError
from alliance.escaping import markdown_text
from alliance.exports.selection import neutralise
from alliance.maps.component import show_map

geo, catalogue = cache.geodata(), cache.catalogue()


@st.cache_resource(show_spinner=False)
def territory_index() -> TerritoryIndex:
    return TerritoryIndex(geo)


def editor_name() -> str:
    return st.session_state.get("editeur_nom") or "éditeur"


# Session state used by the callbacks below exists before any widget event is handled, so that
# a replayed or out-of-order event finds it (a forged event then simply does nothing).
for key, default in ((SESSION_KEY, False), ("editeur_nom", ""), ("resultat_import", None)):
    st.session_state.setdefault(key, default)


def store() -> Store:
    try:
        return cache.open_store()
    except DataError as exc:
        st.error(str(exc))
        st.stop()


def as_editor(action, *args) -> None:
    """Run a write `action` for a logged-in editor only; any failure becomes a French message
    shown on the next run (nothing is written by a failed action)."""
    if not is_editor():
        st.session_state["resultat_import"] = ("error", "Action réservée aux éditeurs connectés.")
        return
    try:
        action(*args)
    except (StoreError, DataError) as exc:
        st.session_state["resultat_import"] = ("error", str(exc))


def preview_layers(rows: pd.DataFrame):
    """Map layers of the uploaded rows (built with the reference catalogue for coop: members)."""
    from alliance.data.catalogue import CatalogueError, build_catalogue, reference_rows
    from alliance.maps.component import feature_group_js
    from alliance.maps.overlays import cooperation_groups

    try:
        merged = build_catalogue(
            pd.concat([reference_rows(), rows.assign(provenance="contribution")], ignore_index=True),
            catalogue.vocab,
            geo,
            known_shapes=cache.register_perimeters(),
        )
    except CatalogueError:
        return None
    return feature_group_js(cooperation_groups(merged, geo, list(rows["id"])[:300]), control_title="Aperçu")


st.title("Données : contribuer au catalogue")
st.markdown(
    "Ajoutez vos coopérations sans toucher au code : téléchargez le modèle, remplissez-le, importez-le. "
    "Chaque ligne est vérifiée (vocabulaires, codes INSEE / SIREN, identifiants, source et citation) avant "
    "tout enregistrement."
)

cols = st.columns(3)
cols[0].download_button(
    "Modèle CSV",
    template_csv(),
    file_name="modele_cooperations.csv",
    mime="text/csv",
    on_click="ignore",
    width="stretch",
)
cols[1].download_button(
    "Modèle XLSX",
    lambda: template_xlsx(),
    file_name="modele_cooperations.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    width="stretch",
)
with cols[2].popover("Valeurs autorisées", width="stretch"):
    for family in ("type", "theme", "finalite", "portage", "territoires", "temporalite", "intensite", "statut"):
        fam = catalogue.vocab[family]
        st.markdown(f"**{markdown_text(fam.libelle)}** : " + ", ".join(f"`{k}`" for k in fam.keys))

# --- editor login -------------------------------------------------------------------------
login_form()

# --- upload and report --------------------------------------------------------------------
if is_editor():
    st.header("Importer un fichier")
    upload = st.file_uploader(
        f"CSV (séparateur , ou ;) ou XLSX — {MAX_BYTES // 1024 // 1024} Mio et {MAX_ROWS} lignes au plus",
        type=["csv", "xlsx"],
        key="fichier_import",
    )
    if upload is not None:
        bar = st.progress(0.0, text="Vérification du fichier…")
        result = check_in_chunks(
            read_upload(upload.name, upload.getvalue()),
            catalogue,
            territory_index(),
            progress=lambda f: bar.progress(f, text=f"Vérification du fichier… {round(100 * f)} %"),
        )
        bar.empty()
        if result.problems:
            st.error(f"{len(result.problems)} problème(s) : rien ne sera enregistré tant qu'ils ne sont pas corrigés.")
            st.dataframe(
                pd.DataFrame({"Problème": [str(p) for p in result.problems]}), hide_index=True, width="stretch"
            )
        else:
            st.success(f"{len(result.rows)} ligne(s) valides.")
            st.dataframe(
                result.rows[["id", "nom", "type", "membres", "annee", "statut"]], hide_index=True, width="stretch"
            )
            preview = preview_layers(result.rows)
            if preview is not None:
                show_map(cache.carte_base_map(), key="apercu_import", height=420, layers=preview)
                st.caption("Aperçu : les coopérations du fichier sur la carte (non enregistrées).")

            def save(rows=result.rows) -> None:
                counts = cache.open_store().save_import(rows, author=editor_name())
                st.session_state["resultat_import"] = (
                    "success",
                    (
                        f"Enregistré : {counts['nouvelles']} nouvelle(s), {counts['modifiees']} modifiée(s), "
                        f"{counts['inchangees']} inchangée(s). Statut : proposée."
                    ),
                )

            st.button("Enregistrer", type="primary", key="enregistrer", on_click=as_editor, args=(save,))
outcome = st.session_state.pop("resultat_import", None)
if outcome:
    (st.error if outcome[0] == "error" else st.success)(markdown_text(outcome[1]))

# --- stored contributions -----------------------------------------------------------------
st.header("Contributions enregistrées")
try:
    stored = store().contributions()
except StoreError as exc:  # the SQLite file deleted under the app: its French reason
    st.error(markdown_text(str(exc)))
    stored = pd.DataFrame(columns=COLUMNS + ["_statut", "_auteur", "_modifie_le"])
except Exception as exc:  # noqa: BLE001 - the page stays usable without a database
    st.error(f"Base des contributions inaccessible ({exc.__class__.__name__}).")
    stored = pd.DataFrame(columns=COLUMNS + ["_statut", "_auteur", "_modifie_le"])
else:
    if store().replaced_at:
        st.info(
            f"La base des contributions a été remplacée sur le disque (restauration d'une sauvegarde ?) — "
            f"constaté le {store().replaced_at[:16].replace('T', ' à ')} UTC : l'application s'y est reconnectée, "
            "ce qui suit est son contenu."
        )
if stored.empty:
    st.caption("Aucune contribution pour l'instant.")
else:
    view = stored.assign(Statut=stored["_statut"].map(STATUSES))[
        ["id", "nom", "type", "Statut", "_auteur", "_modifie_le"]
    ]
    st.dataframe(
        view.rename(columns={"_auteur": "Par", "_modifie_le": "Modifiée le"}), hide_index=True, width="stretch"
    )
    if is_editor():
        cols = st.columns([2, 1, 1, 1])
        chosen = cols[0].selectbox("Contribution", stored["id"], key="contribution_choisie")
        for col, (label, statut) in zip(cols[1:3], (("Valider", "validee"), ("Rejeter", "rejetee"))):
            col.button(
                label,
                key=f"statut_{statut}",
                on_click=as_editor,
                args=(store().set_status, chosen, statut, editor_name()),
            )
        cols[3].button("Supprimer", key="supprimer", on_click=as_editor, args=(store().delete, chosen, editor_name()))
        with st.expander("Historique"):
            st.dataframe(store().history(), hide_index=True, width="stretch")
    merged = pd.concat(
        [
            catalogue.cooperations[COLUMNS]
            .map(lambda v: ";".join(v) if isinstance(v, tuple) else v)
            .astype(str)
            .replace("<NA>", ""),
            stored.loc[stored["_statut"] == "validee", COLUMNS],
        ]
    )
    buffer = io.StringIO()
    merged.map(neutralise).to_csv(buffer, index=False)
    st.download_button(
        "Catalogue fusionné (référence + contributions validées, CSV)",
        buffer.getvalue().encode("utf-8"),
        file_name="cooperations_fusionnees.csv",
        mime="text/csv",
        on_click="ignore",
    )
sources_footer()

"""Territoire: what MY territory cooperates on, and with whom."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.territory import build_profile, similar_epci, themes_of, zonage_lines
from alliance.app import cache
from alliance.app.sidebar import set_query_params, url_params
from alliance.app.widgets import key_first_table, sources_footer
from alliance.escaping import markdown_text
from alliance.fmt import fmt_dec, fmt_int, plural
from alliance.maps.component import show_map
from alliance.maps.overlays import territory_view

geo = cache.geodata()
catalogue, index, catalogue_key = cache.active()
search = cache.territory_search()
vocab = catalogue.vocab

st.title("Profil d'un territoire")
st.markdown(
    "Que fait **mon territoire** en coopération, avec qui, et comment se compare-t-il à des territoires "
    "semblables ? Cherchez une commune, un EPCI, un PETR / Pays / pôle, un département ou une région "
    "(accents facultatifs, fautes de frappe tolérées, codes INSEE ou SIREN acceptés ; les communes homonymes sont "
    "classées par population, avec leur département)."
)

url_ref = url_params()[0].get("t")
if url_ref and "territoire_ref" not in st.session_state:
    if url_ref in search.labels:
        st.session_state["territoire_ref"] = url_ref
    else:
        st.warning(markdown_text(f"Paramètre « t » : territoire « {url_ref[:60]} » inconnu, ignoré."))

query = st.text_input(
    "Rechercher un territoire", key="territoire_q", placeholder="ex. Brest, Gers, 29019, Pays de Retz…"
)
if query:
    matches = search.search(query, limit=12)
    if not matches:
        st.info(f"Aucun territoire ne ressemble à « {markdown_text(query)} ». Essayez un autre nom ou un code.")
    else:
        refs = [m.ref for m in matches]
        current = st.session_state.get("territoire_ref")
        st.session_state["territoire_choix"] = current if current in refs else refs[0]
        choice = st.selectbox("Résultats", refs, format_func=search.labels.get, key="territoire_choix")
        st.session_state["territoire_ref"] = choice

ref = st.session_state.get("territoire_ref")
if not ref:
    st.caption("Exemples : Brest, Nantes Métropole, Portes de Gascogne, Finistère, Occitanie.")
    sources_footer()
    st.stop()
set_query_params({**st.query_params.to_dict(), "t": ref})

profile = build_profile(ref, catalogue, geo, index.places)
st.header(markdown_text(profile.nom), anchor=False)
if profile.note:
    st.caption(profile.note)
st.markdown(
    " · ".join(f"**{markdown_text(label)}** : {markdown_text(value)}" for label, value in profile.identity.items())
)
zones = zonage_lines(profile.ref, geo, cache.zonages())
if zones:
    st.markdown(" · ".join(f"**{markdown_text(label)}** : {markdown_text(value)}" for label, value in zones.items()))
    st.caption(
        ("Zonages de la commune elle-même" if profile.ref.startswith("com:") else "Zonage majoritaire de l'EPCI")
        + " — INSEE, table d'appartenance géographique des communes (2022) ; CRTE : ANCT (2023)."
    )

ids = list(profile.cooperations["coop_id"])
if not ids:
    st.info(
        "Aucune coopération de ce territoire n'est recensée dans le catalogue. Cela ne veut pas dire qu'il "
        "n'en mène pas : le catalogue ne contient que les coopérations citées par les documents sources."
    )
else:
    left, right = st.columns([1.2, 1], gap="medium")
    with left:
        centre, zoom = territory_view(catalogue, geo, profile.ref, ids)
        show_map(
            cache.carte_base_map(),
            key="carte_territoire",
            height=520,
            layers=cache.carte_layers(catalogue, catalogue_key, cache.Ids(sorted(ids)), None),
            center=centre,
            zoom=zoom,
        )
        st.page_link(
            "pages/carte.py", label="Ouvrir la carte filtrée sur ce territoire", query_params={"q": profile.nom}
        )
    with right:
        is_commune = profile.ref.startswith("com:")
        if len(profile.groupings):
            st.markdown(
                f"**Groupements dont {'elle' if is_commune else 'il'} est membre directement** : "
                + ", ".join(map(markdown_text, profile.groupings["nom"]))
            )
        if profile.epci_groupings is not None and len(profile.epci_groupings):
            st.markdown(
                f"**Groupements et contrats de son EPCI ({markdown_text(profile.identity.get('EPCI', ''))})** : "
                + ", ".join(map(markdown_text, profile.epci_groupings["nom"]))
            )
        st.markdown(
            f"**{plural(len(ids), 'coopération')}** "
            + (
                f"({'directe' if len(ids) < 2 else 'directes'}, via un groupement ou via son EPCI)"
                if is_commune
                else f"({'directe' if len(ids) < 2 else 'directes'} ou via un groupement)"
            )
            + ", par type :"
        )
        coops = profile.cooperations.assign(type_libelle=profile.cooperations["type"].map(vocab["type"].label))
        for type_label, group in coops.sort_values(["type_libelle", "nom"]).groupby("type_libelle", sort=False):
            lines = []
            for row in group.itertuples():
                themes = ", ".join(vocab["theme"].label(t) for t in row.themes) or "thèmes non précisés"
                if row.themes and catalogue.cooperations.at[row.coop_id, "themes_origine"]:
                    themes += ", d'après la définition du programme"
                how = "" if row.appartenance == "directe" else f" — *{markdown_text(row.appartenance)}*"
                lines.append(f"- {markdown_text(row.nom)} ({markdown_text(themes)}){how}")
            st.markdown(f"**{markdown_text(type_label)}** ({fmt_int(len(group))})\n" + "\n".join(lines))
        themes = themes_of(catalogue, ids)
        if len(themes):
            st.markdown(
                "**Thèmes** : " + ", ".join(f"{vocab['theme'].label(k)} ({fmt_int(n)})" for k, n in themes.items())
            )
        else:
            st.caption("Aucune de ces coopérations n'a de thème renseigné dans ses sources.")
    st.subheader("Ses partenaires")
    partners = profile.partners.rename(columns={"nom": "Partenaire", "n": "Coopérations partagées"})
    key_first_table(
        partners[["Partenaire", "Coopérations partagées"]], "Partenaire", height=min(38 + 35 * len(partners), 360)
    )

if profile.ref.startswith("epci:"):
    st.subheader("Se comparer à des territoires similaires")
    peers = similar_epci(profile.ref[5:], catalogue, geo)
    me = peers[peers["est_le_territoire"]].iloc[0]
    engaged = peers[peers["cooperations"] > 0]
    st.markdown(
        f"{fmt_int(len(peers))} EPCI du même type et de population comparable (±30 %). {fmt_int(len(engaged))} "
        f"d'entre eux ont au moins une coopération ou un groupement au catalogue ; {profile.nom} en compte "
        f"{fmt_int(me['cooperations'])}, rang {fmt_int(me['rang'])} sur {fmt_int(len(peers))} (moyenne du groupe : "
        f"{fmt_dec(peers['cooperations'].mean())})."
    )
    shown = peers.head(10).assign(Population=lambda d: d["population"].map(fmt_int))
    key_first_table(
        shown.rename(columns={"nom": "EPCI", "cooperations": "Coopérations"})[["EPCI", "Population", "Coopérations"]],
        "EPCI",
    )
    peer_ids = catalogue.members.loc[
        catalogue.members["code"].isin(engaged["siren"]) & (catalogue.members["kind"] == "epci"), "coop_id"
    ].unique()
    if len(peer_ids):
        top = themes_of(catalogue, peer_ids).head(6)
        st.caption(
            "Thèmes les plus fréquents chez ces territoires : "
            + ", ".join(f"{vocab['theme'].label(k)} ({fmt_int(n)})" for k, n in top.items())
        )
sources_footer()

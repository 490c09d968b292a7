"""Home page: who the tool is for, three ways in, what the catalogue is made of, the reference geography."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.analysis.stats import catalogue_composition
from alliance.app import cache
from alliance.app.widgets import sources_footer
from alliance.escaping import markdown_text
from alliance.fmt import fmt_int, plural
from alliance.maps.component import show_map

geo = cache.geodata()

st.title("L'alliance des territoires")
st.markdown(
    "La carte de référence des **coopérations interterritoriales** en France : pôles métropolitains, contrats "
    "de réciprocité ville–campagne, PETR et Pays, ententes, accords-cadres, parcs, CRTE, Territoires "
    "d'industrie… placés sur la géographie officielle, reliés entre eux et comptés. Pour les **élus et services** "
    "des métropoles, agglomérations, PETR et Pays, les **agences d'urbanisme**, les **chercheurs** et les "
    "**services de l'État** qui veulent voir qui coopère avec qui, et le montrer en réunion ou en colloque."
)

st.header("Par où commencer ?", anchor=False)
ways = st.columns(3, border=True)
for column, (page, label, text) in zip(
    ways,
    (
        (
            "pages/territoire.py",
            "Mon territoire",
            "Cherchez votre commune, votre EPCI, votre PETR ou votre département : ses coopérations, ses "
            "groupements, ses partenaires et son aire d'attraction.",
        ),
        (
            "pages/carte.py",
            "La carte des coopérations",
            "Toutes les coopérations sur la carte de France, à filtrer par région, type, thème ou portage ; "
            "un clic ouvre la fiche de chacune.",
        ),
        (
            "pages/presentation.py",
            "Une présentation",
            "Des scènes prêtes à projeter en colloque, plein écran, sans internet, avec la télécommande.",
        ),
    ),
):
    column.page_link(page, label=f"**{label}**")
    column.caption(text)

catalogue = cache.catalogue()
coops = catalogue.cooperations
composition = catalogue_composition(catalogue)
documented = composition[composition["provenance"] == "documentee"]
registers = composition[composition["provenance"] == "registre"]
cols = st.columns(5)
cols[0].metric("Coopérations au catalogue", fmt_int(len(coops)))
cols[1].metric("dont documentées", fmt_int(documented["n"].sum()))
cols[2].metric("dont registres nationaux", fmt_int(registers["n"].sum()))
cols[3].metric("Contrats de réciprocité", fmt_int((coops["type"] == "contrat_reciprocite").sum()))
cols[4].metric("EPCI engagés", fmt_int(catalogue.members.loc[catalogue.members["kind"] == "epci", "code"].nunique()))

titles = cache.sources()
lines = [
    f"- **{plural(int(documented['n'].sum()), 'coopération documentée', 'coopérations documentées')}**, "
    f"décrites par {plural(documented['source'].nunique(), 'document source', 'documents sources')} (atelier "
    "des agences d'urbanisme 2019, ANCT, ANPP, RNCT, article), chacune avec sa citation : les alliances "
    "elles-mêmes (contrats de réciprocité, ententes, conventions…), surtout dans l'Ouest."
]
publishers = registers["source"].map(lambda key: titles.get(key, key).split(" — ")[0])
for publisher, group in registers.groupby(publishers, sort=False):
    kinds = " · ".join(
        f"{markdown_text(r.type_libelle)} : {fmt_int(r.n)}"
        + (f" (dont {fmt_int(r.en_preparation)} en préfiguration)" if r.en_preparation else "")
        for r in group.itertuples()
    )
    vintages = dict.fromkeys(part for value in group["millesimes"] for part in value.replace(" ; ", ", ").split(", "))
    lines.append(f"- **{markdown_text(publisher)}** — {kinds} (millésimes : {markdown_text(', '.join(vintages))}).")
st.markdown(
    "**De quoi est fait le catalogue**\n\n"
    + "\n".join(lines)
    + "\n\nLes registres donnent les groupements institutionnels et leurs membres partout en France, sans thème "
    "(sauf celui qu'énonce un programme, comme l'industrie pour les Territoires d'industrie) ; chaque page dit sur "
    "quelles coopérations portent ses chiffres."
)

cols = st.columns(5)
cols[0].metric("Régions", fmt_int(len(geo.regions)))
cols[1].metric("Départements", fmt_int(len(geo.departements)))
cols[2].metric("EPCI à fiscalité propre", fmt_int(len(geo.epci)))
cols[3].metric("Métropoles", fmt_int(len(geo.metropoles)))
cols[4].metric("Communes", fmt_int(len(geo.communes)))
links = st.columns(3)
links[0].page_link("pages/statistiques.py", label="Voir les statistiques")
links[1].page_link("pages/alliances.py", label="Alliances ville–campagne d'une métropole")
links[2].page_link("pages/atelier.py", label="Résultats de l'atelier Loire-Bretagne 2019")

st.header("Les 22 métropoles dans la géographie de la France")
show_map(cache.home_map(), key="carte_accueil", height=620)
st.caption(
    "Survolez une métropole pour son nom, sa population et son nombre de communes. "
    "Le fond OpenStreetMap (en ligne) est facultatif : la carte fonctionne sans internet."
)

sources_footer()

"""Atelier Loire-Bretagne 2019: the workshop's own results and the national figures."""

from alliance.app.navigation import ensure_navigation

ensure_navigation()

import streamlit as st

from alliance.app import cache
from alliance.app.widgets import chart_block, sources_footer
from alliance.data.atelier import QUESTION_FAMILY, QUESTION_TITLE, THEME_VOTES, figure
from alliance.escaping import markdown_text
from alliance.fmt import fmt_int, fmt_pct

atelier = cache.atelier()
sources = cache.sources()
SEED = "000_11f73915c6da903e.txt"
PROFESSIONALS = "Professionnels d'autres horizons"


def cite(table) -> str:
    """Source line under a chart: document title and the verbatim citations it rests on."""
    quotes = " · ".join(f"« {markdown_text(c)} »" for c in dict.fromkeys(table["citation"]))
    return f"Source : {markdown_text(sources.get(table['source'].iloc[0], table['source'].iloc[0]))} — {quotes}"


st.title("Atelier « L'alliance des territoires au défi des transitions »")
st.markdown(
    "Colloque du Pôle métropolitain Loire-Bretagne, 18 juin 2019 — atelier animé par les cinq agences "
    "d'urbanisme (Audiar, Adeupa, Aura, Addrn, Auran) avec six familles de cartes : thème, finalité, "
    "portage, territoires, temporalité, intensité."
)

cols = st.columns(5)
for col, (label, modalite) in zip(
    cols,
    [
        ("Participants", "Participants à l'atelier"),
        ("Tables de travail", "Tables de travail"),
        ("Gommettes posées", "Gommettes posées"),
        ("Élus", "Élus de collectivités locales"),
        ("Techniciens", "Techniciens"),
    ],
):
    col.metric(label, fmt_int(figure(atelier, "participants", modalite)["valeur"]))
st.caption(
    f"Source : {markdown_text(sources[SEED])}. Également : "
    f"{fmt_int(figure(atelier, 'participants', 'Répondants au sondage préparatoire')['valeur'])} répondants "
    "au sondage préparatoire, "
    f"{fmt_int(figure(atelier, 'participants', 'Représentants des conseils de développement')['valeur'])} "
    "représentants des conseils de développement, "
    f"{fmt_int(figure(atelier, 'participants', 'Représentants des Pays')['valeur'])} des Pays, "
    f"{fmt_int(figure(atelier, 'participants', PROFESSIONALS)['valeur'])} "
    "professionnels d'autres horizons."
)

st.header("Les alliances actuellement à l'œuvre")
WORKSHOP = "Atelier du Pôle métropolitain Loire-Bretagne, 2019"


def percentage_chart(key: str, jeu: str, family: str, title: str, note: str) -> None:
    """A chart of shares cited by participants; pale bars mark uncertain label/value pairings."""
    spec, table = cache.workshop_chart(jeu, family, None, title, "%")
    chart_block(key, spec, table, note + " " + cite(table), selectable=False, subtitle=WORKSHOP)


left, right = st.columns(2)
with left:
    percentage_chart(
        "atelier_finalites",
        "finalites_alliances",
        "finalite",
        "Finalités citées (% des expressions)",
        "Barres pâles : appariement incertain (l'extraction du graphique a séparé libellés et "
        "valeurs). Cinq autres finalités (6, 6, 6, 4 et 4 %) n'ont pas pu être attribuées.",
    )
with right:
    percentage_chart(
        "atelier_themes",
        "themes_alliances",
        "theme",
        "Thèmes cités (% des expressions)",
        "Tous les appariements sont incertains : valeurs associées aux libellés dans l'ordre de la légende.",
    )

st.header("Les votes par thème")
for jeu, theme in THEME_VOTES.items():
    total = figure(atelier, jeu, "total", "Votes")["valeur"]
    st.subheader(f"{theme} ({fmt_int(total)} votes)")
    cols = st.columns(2) + st.columns(2)
    for col, (question, family) in zip(cols, QUESTION_FAMILY.items()):
        with col:
            spec, table = cache.workshop_chart(jeu, family, question, QUESTION_TITLE[question], "Votes")
            chart_block(
                f"{jeu}_{question}",
                spec,
                table,
                "Part : votes / votes du thème (plusieurs cartes par vote possibles). " + cite(table),
                selectable=False,
                subtitle=f"{WORKSHOP} — {theme}",
            )

st.header("Repères nationaux")
COOPERATIONS_2018 = "Coopérations métropoles – territoires environnants (fin 2018)"
TERRITOIRES_DE_PROJET = "Territoires de projet (Pays, PETR)"
NATIONAL_METRICS = [  # (label, question, modalité, shown as a percentage)
    ("Coopérations métropoles – territoires (fin 2018)", COOPERATIONS_2018, "recensées", False),
    ("dont actives", COOPERATIONS_2018, "active", True),
    ("dont en projet", COOPERATIONS_2018, "en_projet", True),
    ("Systèmes interurbains", "Systèmes interurbains", "nombre", False),
    ("Territoires de projet", TERRITOIRES_DE_PROJET, "nombre", False),
    ("Part du territoire national", TERRITOIRES_DE_PROJET, "part du territoire national", True),
    ("Part de la population", TERRITOIRES_DE_PROJET, "part de la population française", True),
    ("EPCI (vadémécum ANPP)", "Fragmentation institutionnelle", "EPCI", False),
]
for start in (0, 4):
    for col, (label, question, modalite, pct) in zip(st.columns(4), NATIONAL_METRICS[start : start + 4]):
        value = figure(atelier, "national", modalite, question)["valeur"]
        col.metric(label, fmt_pct(value, 0) if pct else fmt_int(value))
national = atelier[atelier["jeu"] == "national"]
st.caption(
    "Sources : "
    + " · ".join(
        f"{markdown_text(sources[s])} — « {markdown_text(c)} »"
        for s, c in dict.fromkeys(zip(national["source"], national["citation"]))
    )
)
sources_footer()

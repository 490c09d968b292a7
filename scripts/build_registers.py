"""Build the national layers of the catalogue from the official registers (data/registres/).

Inputs (see ../shared/raw/*/SOURCE.md):
  banatic/groupements-2022.sql          nature of every grouping (BANATIC, April 2022)
  banatic/groupement-adhesions.csv      member -> grouping pairs (BANATIC, about 2025)
  banatic/docurba-groupements-2026.json groupings with members (BANATIC via Docurba, June 2026)
  anct/crte-epci-groupements-2023.csv   CRTE with their EPCI and carrier (ANCT, 2023)
  anct/dispositifs-par-commune-cog2023.csv  ANCT programmes per commune (COG 2023)
  insee/table-appartenance-geo-communes-22.xlsx  zonages d'études per commune (INSEE, 2022)
  decoupage-administratif/{communes,epci}.json   today's codes (COG 2026)

Outputs (deterministic; the project's own derived tables, never copies of the inputs):
  data/registres/cooperations_registres.csv  PETR, pôles métropolitains, syndicats « Pays »,
      PNR (EPCI members only), CRTE signed by several EPCI, Territoires d'industrie, each with
      its members as today's EPCI (or communes) and its provenance (dataset, vintage, identifier)
  data/registres/desaccords.csv   every membership the sources disagree on, every code that no
      longer exists (reported, never guessed), every seed row matched to a register row
  geodata/perimetres_registres.geojson  the perimeter of each register row (union of its
      members in geodata/, simplified), so that the app never unions geometry at run time
  data/registres/crte_par_epci.csv  the CRTE of every EPCI (one-EPCI CRTE are context, not cooperations)
  geodata/zonages_communes.csv    per commune: aire d'attraction des villes (and the commune's
      category in it), zone d'emploi, bassin de vie
  geodata/aires_attraction.geojson  each aire d'attraction des villes as its pôle and its couronne
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PERIMETER_TOLERANCE = 0.01  # degrees (~1 km): perimeters are read at France or region zoom
GRID = 1e-3
NATURE_DATASET = ("BANATIC (DGCL), liste des groupements", "2022-04")
ADHESION_DATASET = ("BANATIC (DGCL), adhésions des groupements", "2025")
DOCURBA_DATASET = ("BANATIC via Docurba, groupements et membres", "2026-06")
CRTE_DATASET = ("ANCT, CRTE : EPCI et groupements porteurs", "2023")
TI_DATASET = ("ANCT, croisement des dispositifs par commune (Territoires d'industrie)", "COG 2023")
INSEE_DATASET = ("INSEE, table d'appartenance géographique des communes", "2022")
# A syndicat mixte carries a Pays when its name says so: « SM du Pays de… », « SM de développement
# du Pays… », « Syndicat du Pays Dunois », « SI du Pays de Maurienne », « SM du SCOT et du Pays du
# Vignoble Nantais », « SM Pays de Sancerre - Sologne », « SM ADEVA Pays Vitryat », « Assemblée du
# Pays Tarentaise Vanoise ». Names where « Pays » only says where a service works (« SMICTOM du
# Pays de… », « SM du SCOT du Pays de… ») are left out. Limits in data/registres/SOURCES.md.
PAYS_NAME = re.compile(
    r"^(?:(?:SM|SI|Syndicat(?: mixte)?)(?: de développement(?: local)?| développement| du SCOT et)? (?:du|des) pays\b"
    r"|SM (?:[A-Z]{3,} )?Pays\b|Assemblée du Pays\b)",
    re.I,
)
# Legal natures (BANATIC and ANCT codes) and what they say of a row's portage (vocabulary key).
NATURES = {
    "PETR": "PETR (établissement public soumis aux règles des syndicats mixtes fermés)",
    "POLEM": "pôle métropolitain (syndicat mixte)",
    "SMF": "syndicat mixte fermé",
    "SMO": "syndicat mixte ouvert",
    "ASSO": "association",
}
EPCI_NATURES = {"CC", "CA", "CU", "METRO", "MET69"}
# The one theme an instrument's official definition states (never a seed's theme).
INSTRUMENT_THEMES = {
    "territoire_industrie": (
        "economie",
        "définition du programme (ANCT) : Territoires d'industrie, reconquête industrielle des territoires",
    )
}
# A park's syndicat does not always say « naturel régional » (« SM du parc régional du Morvan »,
# « SM du parc naturel de la Brière »); « parc régional d'activités » are business parks.
PNR_NAME = re.compile(r"\bparc\s+naturel\b|\bparc\s+régional\b(?!\s+d'activit)|\bPNR\b", re.I)
# A syndicat that prepares a park (« de préfiguration ») carries no classified park yet.
PNR_IN_PREPARATION = re.compile(r"préfiguration", re.I)
COLUMNS = [
    "id",
    "nom",
    "type",
    "membres",
    "description",
    "source",
    "jeu_de_donnees",
    "millesime",
    "identifiant",
    "porteur",
    "portage",
    "portage_origine",
    "themes",
    "themes_origine",
    "membres_source",
    "membres_partiels",
    "region",
]


def read_json(path: Path):
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


class Codes:
    """Today's codes (COG 2026) and the way old codes map to them."""

    def __init__(self, raw: Path):
        base = raw / "decoupage-administratif"
        communes = [c for c in read_json(base / "communes.json") if c["type"] == "commune-actuelle"]
        self.commune = {c["code"]: c for c in communes}
        self.old_commune: dict[str, str] = {}
        for c in communes:
            for old in c.get("anciensCodes", []):
                self.old_commune.setdefault(old, c["code"])
        self.epci = {e["code"]: e for e in read_json(base / "epci.json")}
        self.epci_of_commune = {m["code"]: e["code"] for e in self.epci.values() for m in e["membres"]}
        self.population = {c["code"]: int(c.get("population") or 0) for c in communes}
        self.commune_by_siren = {c["siren"]: c["code"] for c in communes if c.get("siren")}

    def current_commune(self, code: str) -> str | None:
        if code in self.commune:
            return code
        return self.old_commune.get(code)


def read_natures(raw: Path) -> dict[str, dict]:
    text = (raw / "banatic" / "groupements-2022.sql").read_text(encoding="utf-8")
    rows = re.findall(r"\('(\d{9})', '((?:[^']|'')*)', '([^']*)', '([^']*)', '([^']*)', (\d+|null)\)", text)
    return {
        siren: {"nom": nom.replace("''", "'"), "region": reg, "departement": dep, "nature": nature}
        for siren, nom, reg, dep, nature, _pop in rows
    }


def read_adhesions(raw: Path) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    with (raw / "banatic" / "groupement-adhesions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            members[row["adhesion_siren"]].append(row["groupement_siren"])
    return members


def groupings(raw: Path, codes: Codes, report: list[dict]) -> list[dict]:
    """PETR, pôles métropolitains, syndicats « Pays » and PNR with their member EPCI."""
    natures = read_natures(raw)
    adhesions = read_adhesions(raw)
    docurba = {g["siren"]: g for g in read_json(raw / "banatic" / "docurba-groupements-2026.json")}
    kinds = {}
    for siren, info in natures.items():
        if info["nature"] == "PETR":
            kinds[siren] = "petr"
        elif info["nature"] == "POLEM":
            kinds[siren] = "pole_metropolitain"
        elif info["nature"] in ("SMF", "SMO") and PNR_NAME.search(info["nom"]):
            kinds[siren] = "pnr"
        elif info["nature"] in ("SMF", "SMO") and PAYS_NAME.match(info["nom"]):
            kinds[siren] = "pays"
    out = []
    for siren in sorted(kinds):
        info, kind = natures[siren], kinds[siren]
        members, dropped = [], []
        for member in adhesions.get(siren, []):
            if member in codes.epci:
                members.append(member)
            elif natures.get(member, {}).get("nature") in ("CC", "CA", "CU", "METRO"):
                report.append(
                    _issue(
                        "epci_disparu",
                        siren,
                        info["nom"],
                        f"membre {member} ({natures[member]['nom']}) : EPCI qui n'existe plus au COG 2026, ignoré",
                    )
                )
            else:
                dropped.append(member)
        source, dataset = "adhesions", ADHESION_DATASET
        newer = docurba.get(siren)
        if newer is not None:
            newer_epci = sorted(m for m in newer["membersId"] if len(m) == 9 and m in codes.epci)
            if newer_epci and set(newer_epci) != set(members):
                report.append(
                    _issue(
                        "desaccord_membres",
                        siren,
                        info["nom"],
                        f"Docurba 2026 : {len(newer_epci)} EPCI, adhésions 2025 : {len(members)} ; "
                        f"en plus dans Docurba : {', '.join(sorted(set(newer_epci) - set(members))) or '—'} ; "
                        f"en moins : {', '.join(sorted(set(members) - set(newer_epci))) or '—'} "
                        "(la liste la plus récente, Docurba 2026, est retenue)",
                    )
                )
                members, source, dataset = newer_epci, "docurba", DOCURBA_DATASET
        if not members:
            report.append(_issue("sans_membre", siren, info["nom"], "aucun EPCI membre dans les registres : non tracé"))
            continue
        if dropped and kind != "pnr":
            report.append(
                _issue(
                    "membres_non_epci",
                    siren,
                    info["nom"],
                    f"{len(dropped)} membre(s) qui ne sont pas des EPCI : "
                    + ", ".join(
                        f"{m} ({natures[m]['nom']}, {NATURES.get(natures[m]['nature'], natures[m]['nature'])})"
                        if m in natures
                        else f"{m} (nature inconnue : absent de la liste des groupements)"
                        for m in sorted(dropped)
                    )
                    + " ; non tracés",
                )
            )
        out.append(
            {
                "id": f"{kind.replace('_', '-')}-{siren}",
                "nom": info["nom"],
                "type": kind,
                "membres": ";".join(f"epci:{m}" for m in sorted(set(members))),
                "description": (
                    _description("pnr_preparation")
                    if kind == "pnr" and PNR_IN_PREPARATION.search(info["nom"])
                    else _description(kind)
                ),
                "source": "registre_banatic",
                "jeu_de_donnees": f"{NATURE_DATASET[0]} ; {dataset[0]}",
                "millesime": f"nature {NATURE_DATASET[1]}, membres {dataset[1]}",
                "identifiant": f"SIREN {siren}",
                "porteur": f"siren:{siren}",
                "portage": "structure_ad_hoc",
                "portage_origine": f"{NATURE_DATASET[0]} : nature juridique « {NATURES[info['nature']]} »",
                "membres_source": source,
                "membres_partiels": "oui" if kind == "pnr" else "",
                "region": info["region"],
            }
        )
    return without_pays_twins(out, report)


def without_pays_twins(rows: list[dict], report: list[dict]) -> list[dict]:
    """A syndicat « Pays » whose EPCI are exactly a PETR's carries the same territoire de projet
    (the PETR that succeeded it, e.g. the Pays de Guingamp): the PETR is kept, the twin reported."""
    petr = {frozenset(r["membres"].split(";")): r for r in rows if r["type"] == "petr"}
    kept = []
    for row in rows:
        twin = petr.get(frozenset(row["membres"].split(";"))) if row["type"] == "pays" else None
        if twin is None:
            kept.append(row)
            continue
        report.append(
            _issue(
                "pays_jumeau_petr",
                row["identifiant"].removeprefix("SIREN "),
                row["nom"],
                f"mêmes EPCI que {twin['nom']} ({twin['identifiant']}) : le PETR est retenu, le syndicat non tracé",
            )
        )
    return kept


def _description(kind: str) -> str:
    return {
        "petr": "Pôle d'équilibre territorial et rural inscrit au registre national des groupements (BANATIC).",
        "pole_metropolitain": "Pôle métropolitain inscrit au registre national des groupements (BANATIC).",
        "pays": "Syndicat mixte de Pays inscrit au registre national des groupements (BANATIC).",
        "pnr": "Syndicat mixte d'un parc naturel régional (BANATIC). Seuls les EPCI membres sont connus : "
        "les communes adhérant directement au parc ne figurent pas dans le registre.",
        "pnr_preparation": "Syndicat mixte de préfiguration d'un parc naturel régional (BANATIC) : le parc "
        "n'est pas encore classé. Seuls les EPCI membres sont connus.",
        "crte": "Contrat de relance et de transition écologique signé par plusieurs EPCI ou communes (ANCT).",
        "territoire_industrie": (
            "Territoire d'industrie du programme national (ANCT) ; le registre ne donne pas son nom."
        ),
    }[kind]


def _issue(kind: str, identifier: str, name: str, detail: str) -> dict:
    return {"categorie": kind, "identifiant": identifier, "nom": name, "detail": detail}


def crte(
    raw: Path, codes: Codes, natures: dict[str, dict], grouping_members: dict[str, set[str]], report: list[dict]
) -> tuple[list[dict], dict[str, tuple[str, ...]]]:
    """CRTE signed by several EPCI (cooperations) and, for every EPCI, its CRTE (context)."""
    by_crte: dict[str, list[dict]] = defaultdict(list)
    with (raw / "anct" / "crte-epci-groupements-2023.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_crte[row["id_crte"]].append(row)
    out, crte_of_epci = [], {}
    for cid in sorted(by_crte):
        rows = by_crte[cid]
        first = rows[0]
        members = []
        for row in rows:
            siren, nature = row["siren_groupement"], row["nature_juridique"]
            if siren in codes.epci:
                members.append(f"epci:{siren}")
                crte_of_epci[siren] = (cid, first["lib_crte"], first["type_grp_crte"])
            elif nature == "COM" and siren in codes.commune_by_siren:
                members.append(f"com:{codes.commune_by_siren[siren]}")  # a commune that signed on its own
            elif nature == "COM":
                report.append(
                    _issue(
                        "commune_disparue",
                        cid,
                        first["lib_crte"],
                        f"commune {siren} ({row['lib_groupement']}) absente du COG 2026 (fusionnée ?) : ignorée",
                    )
                )
            elif nature == "EPT":
                report.append(
                    _issue(
                        "ept_hors_epci",
                        cid,
                        first["lib_crte"],
                        f"{row['lib_groupement']} est un établissement public territorial (Grand Paris), "
                        "pas un EPCI à fiscalité propre : non tracé",
                    )
                )
            else:
                report.append(
                    _issue(
                        "epci_disparu",
                        cid,
                        first["lib_crte"],
                        f"EPCI {siren} ({row['lib_groupement']}) absent du COG 2026 : ignoré",
                    )
                )
        through_communes = epci_signed_through_communes(members, codes)
        for siren, (signed, total) in through_communes.items():
            members = [m for m in members if codes.epci_of_commune.get(m[4:]) != siren or m.startswith("epci:")]
            members.append(f"epci:{siren}")
            crte_of_epci[siren] = (cid, first["lib_crte"], first["type_grp_crte"], f"{signed} de ses {total} communes")
            report.append(
                _issue(
                    "crte_par_communes",
                    cid,
                    first["lib_crte"],
                    f"{signed} des {total} communes de {codes.epci[siren]['nom']} ({siren}) ont signé : "
                    "l'EPCI est compté dans le CRTE",
                )
            )
        epci_members = {m[5:] for m in members if m.startswith("epci:")}
        # A commune whose EPCI signed too is already inside the EPCI's perimeter.
        members = sorted(
            {m for m in members if m.startswith("epci:") or codes.epci_of_commune.get(m[4:]) not in epci_members}
        )
        if len(members) < 2:
            continue
        if first["type_grp_crte"] != "pluri":
            report.append(
                _issue(
                    "crte_type_incoherent",
                    cid,
                    first["lib_crte"],
                    f"marqué « {first['type_grp_crte']} » mais signé par {len(members)} collectivités : "
                    "traité comme un contrat entre plusieurs signataires",
                )
            )
        carrier = first["siren_grp_supra"]
        if carrier in grouping_members and grouping_members[carrier] != epci_members:
            report.append(
                _issue(
                    "crte_vs_porteur",
                    cid,
                    first["lib_crte"],
                    f"porté par {first['lib_grp_supra']} ({carrier}) dont les EPCI membres au registre "
                    f"BANATIC diffèrent : {len(epci_members)} EPCI au CRTE (2023), "
                    f"{len(grouping_members[carrier])} au registre (2025)",
                )
            )
        porteur = f"siren:{carrier}" if re.fullmatch(r"\d{9}", carrier or "") else ""
        portage, portage_origin = crte_portage(first, epci_members)
        out.append(
            {
                "id": cid.lower(),
                "nom": first["lib_crte"],
                "type": "crte",
                "membres": ";".join(members),
                "description": _description("crte")
                + (f" Porteur : {first['lib_grp_supra']}." if first["lib_grp_supra"] else "")
                + "".join(
                    f" {codes.epci[siren]['nom']} y figure par {signed} de ses {total} communes signataires."
                    for siren, (signed, total) in sorted(through_communes.items())
                ),
                "source": "registre_anct_crte",
                "jeu_de_donnees": CRTE_DATASET[0],
                "millesime": CRTE_DATASET[1],
                "identifiant": cid,
                "porteur": porteur,
                "portage": portage,
                "portage_origine": portage_origin,
                "membres_source": "crte",
                "membres_partiels": "",
                "region": first["insee_reg"],
            }
        )
    return out, crte_of_epci


COMMUNES_FOR_EPCI = 0.9  # share of an EPCI's communes whose signatures make the EPCI a signatory


def epci_signed_through_communes(members: list[str], codes: Codes) -> dict[str, tuple[int, int]]:
    """EPCI that did not sign a CRTE themselves but all or nearly all of whose communes did
    (issue 31: 18 of the 19 communes of CC du Pays d'Iroise signed the Brest CRTE): siren ->
    (communes that signed, communes of the EPCI)."""
    signed: dict[str, int] = defaultdict(int)
    for member in members:
        if member.startswith("com:") and (siren := codes.epci_of_commune.get(member[4:])):
            signed[siren] += 1
    found = {}
    for siren, count in signed.items():
        total = len(codes.epci[siren]["membres"])
        if f"epci:{siren}" not in members and total >= 2 and count >= COMMUNES_FOR_EPCI * total:
            found[siren] = (count, total)
    return found


def crte_portage(first: dict, epci_members: set[str]) -> tuple[str, str]:
    """(portage key, why) of a CRTE from its carrier in the ANCT file: a syndicat, PETR, pôle or
    association is a structure ad hoc; a member EPCI carrying for all is a chef de file;
    several EPCI named together carry it as EPCI. Anything else stays empty."""
    nature, carrier = first["nat_jur_grp_supra"].strip(), first["siren_grp_supra"].strip()
    why = f"{CRTE_DATASET[0]} : porteur « {first['lib_grp_supra']} » ({nature})"
    natures = [n.strip() for n in nature.split(";")]
    if nature in NATURES:
        return "structure_ad_hoc", why
    if len(natures) == 1 and nature in EPCI_NATURES and carrier in epci_members:
        return "chef_de_file", why + ", EPCI signataire"
    if len(natures) > 1 and set(natures) <= EPCI_NATURES:
        return "epci", why
    return "", ""


def territoires_industrie(raw: Path, codes: Codes, report: list[dict]) -> list[dict]:
    """Territoires d'industrie as groups of EPCI (wholly inside) and communes (the others)."""
    communes_of: dict[str, set[str]] = defaultdict(set)
    unresolved = 0
    with (raw / "anct" / "dispositifs-par-commune-cog2023.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        code_col = next(
            c
            for c in reader.fieldnames
            if c.lower() in ("insee_com", "code_insee", "com", "codgeo", "insee_com_2023", "code_commune")
        )
        for row in reader:
            ids = [v.strip() for v in (row.get("id_ti") or "").split(";") if v.strip()]
            if not ids:
                continue
            code = codes.current_commune(row[code_col].strip())
            if code is None:
                unresolved += 1
                continue
            for ti in ids:
                communes_of[ti].add(code)
    if unresolved:
        report.append(
            _issue(
                "commune_disparue",
                "TI",
                "Territoires d'industrie",
                f"{unresolved} commune(s) du COG 2023 sans correspondance au COG 2026 : ignorées",
            )
        )
    out = []
    for ti in sorted(communes_of, key=lambda t: (len(t), t)):
        communes = communes_of[ti]
        members = []
        by_epci: dict[str, set[str]] = defaultdict(set)
        for code in communes:
            by_epci[codes.epci_of_commune.get(code, "")].add(code)
        for siren, inside in sorted(by_epci.items()):
            all_communes = {m["code"] for m in codes.epci[siren]["membres"]} if siren else set()
            if siren and inside >= all_communes:
                members.append(f"epci:{siren}")
            else:
                members.extend(f"com:{c}" for c in sorted(inside))
        towns = sorted(communes, key=lambda c: (-codes.population.get(c, 0), c))[:2]
        names = ", ".join(codes.commune[c]["nom"] for c in towns) + ("…" if len(communes) > 2 else "")
        out.append(
            {
                "id": "ti-" + re.sub(r"^ti[-_]?", "", ti.lower()).replace("_", "-"),
                "nom": f"Territoire d'industrie — {names}",
                "type": "territoire_industrie",
                "membres": ";".join(members),
                "description": _description("territoire_industrie")
                + f" Nommé ici d'après ses communes les plus peuplées ; {len(communes)} communes.",
                "source": "registre_anct_ti",
                "jeu_de_donnees": TI_DATASET[0],
                "millesime": TI_DATASET[1],
                "identifiant": ti,
                "porteur": "",
                "themes": INSTRUMENT_THEMES["territoire_industrie"][0],
                "themes_origine": INSTRUMENT_THEMES["territoire_industrie"][1],
                "membres_source": "ti",
                "membres_partiels": "",
                "region": home_region(communes, codes),
            }
        )
    return out


def home_region(communes: set[str], codes: Codes) -> str:
    """The region where most of the communes' population lives (a grouping across regions is
    filed there; a region filter finds it wherever it has members)."""
    people: dict[str, int] = defaultdict(int)
    for code in communes:
        people[codes.commune[code]["region"]] += codes.population.get(code, 0)
    return max(sorted(people), key=lambda region: people[region]) if people else ""


def zonages(raw: Path, codes: Codes, report: list[dict]) -> list[dict]:
    """Per current commune: AAV (and category), zone d'emploi, bassin de vie (INSEE 2022)."""
    from python_calamine import CalamineWorkbook  # reads this 35 000-row sheet 7× faster than openpyxl

    book = CalamineWorkbook.from_path(raw / "insee" / "table-appartenance-geo-communes-22.xlsx")
    names: dict[tuple[str, str], str] = {}
    for row in book.get_sheet_by_name("Zones_supra_communales").to_python():
        if row and row[0] and row[1] is not None and row[2]:
            names[(str(row[0]), str(row[1]))] = str(row[2])
    rows = iter(book.get_sheet_by_name("COM").to_python())
    header = None
    for row in rows:
        if row and row[0] == "CODGEO":
            header = list(row)
            break
    col = {name: header.index(name) for name in ("CODGEO", "AAV2020", "CATEAAV2020", "ZE2020", "BV2012")}
    categories = {
        "11": "commune-centre du pôle",
        "12": "pôle principal",
        "13": "pôle secondaire",
        "20": "couronne",
        "30": "hors attraction des villes",
    }  # sheet Variables, CATEAAV2020
    out: dict[str, dict] = {}
    unresolved = []
    for row in rows:
        code = str(row[col["CODGEO"]] or "")
        if not code:
            continue
        current = codes.current_commune(code)
        if current is None:
            unresolved.append(code)
            continue
        if current in out:  # a commune nouvelle: the first (lowest) old code's zones are kept
            continue
        aav, ze, bv = (str(row[col[k]] or "") for k in ("AAV2020", "ZE2020", "BV2012"))
        out[current] = {
            "code": current,
            "aav": aav,
            "aav_nom": names.get(("AAV2020", aav), "") if aav != "000" else "",
            "aav_categorie": categories.get(str(row[col["CATEAAV2020"]] or ""), ""),
            "ze": ze,
            "ze_nom": names.get(("ZE2020", ze), ""),
            "bv": bv,
            "bv_nom": names.get(("BV2012", bv), ""),
        }
    missing = sorted(set(codes.commune) - set(out))
    if unresolved:
        report.append(
            _issue(
                "commune_disparue",
                "INSEE",
                "zonages 2022",
                f"{len(unresolved)} code(s) commune 2022 absents du COG 2026 : " + ", ".join(unresolved[:10]),
            )
        )
    if missing:
        report.append(
            _issue(
                "commune_sans_zonage",
                "INSEE",
                "zonages 2022",
                f"{len(missing)} commune(s) 2026 sans zonage 2022 : " + ", ".join(missing[:10]),
            )
        )
    return [out[c] for c in sorted(out)]


AAV_TOLERANCE = 0.005  # degrees: aires are read at region zoom


def aires_attraction(raw: Path, codes: Codes, zones: list[dict]) -> str:
    """GeoJSON of the aires d'attraction des villes: for each aire, its pôle and its couronne as
    two features (union of today's communes, from the IGN 2018 contours), with population."""
    import shapely

    sys.path.insert(0, str(ROOT / "scripts"))
    from build_geodata import load_polygons_2018, map_polygons_to_communes

    polygons, names = load_polygons_2018(raw)
    communes = list(codes.commune.values())
    parts, _recreated = map_polygons_to_communes(polygons, names, communes, codes.epci_of_commune)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for zone in zones:
        if zone["aav"] in ("", "000") or not zone["aav_categorie"] or zone["aav_categorie"].startswith("hors"):
            continue
        part = "couronne" if zone["aav_categorie"] == "couronne" else "pôle"
        groups[(zone["aav"], part)].append(zone["code"])
        labels[zone["aav"]] = zone["aav_nom"]
    features = []
    for (aav, part), members in sorted(groups.items()):
        shapes = [polygons[p] for code in members for p in parts.get(code, [])]
        if not shapes:
            continue
        geom = shapely.union_all(shapes).simplify(AAV_TOLERANCE, preserve_topology=True)
        geom = shapely.make_valid(shapely.set_precision(geom, GRID))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "aav": aav,
                    "nom": labels[aav],
                    "partie": part,
                    "communes": len(members),
                    "population": sum(codes.population.get(c, 0) for c in members),
                },
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    return (
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
        + "\n"
    )


def perimeters(rows: list[dict], root: Path) -> str:
    """GeoJSON of the union of each row's members (simplified), from the committed geodata."""
    import geopandas as gpd
    import shapely

    epci = gpd.read_file(root / "geodata" / "epci.geojson").set_index("siren")
    communes = {}
    with (root / "geodata" / "communes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            communes[row["code"]] = (float(row["lon"]), float(row["lat"]))
    features = []
    for row in rows:
        parts = []
        for ref in row["membres"].split(";"):
            kind, code = ref.split(":", 1)
            if kind == "epci" and code in epci.index:
                parts.append(epci.geometry.at[code])
            elif kind == "com" and code in communes:
                parts.append(shapely.Point(communes[code]).buffer(0.02, quad_segs=4))
        if not parts:
            continue
        geom = shapely.union_all(parts).simplify(PERIMETER_TOLERANCE, preserve_topology=True)
        geom = shapely.set_precision(geom, GRID)
        features.append(
            {"type": "Feature", "properties": {"id": row["id"]}, "geometry": json.loads(shapely.to_geojson(geom))}
        )
    return (
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
        + "\n"
    )


# A seed's « Pays » may be carried by a PETR (the legal form of most Pays since 2014): a documented
# Pays is matched against the registers' Pays and PETR alike (issue 31: the Pays du Centre Ouest
# Bretagne and the Pays de Morlaix, both BANATIC PETR, were shown twice).
MATCHED_TYPES = {"pays": ("pays", "petr")}


def match_seed_rows(rows: list[dict], root: Path, report: list[dict]) -> list[dict]:
    """Seed rows that ARE a register row: same kind (MATCHED_TYPES), and either most EPCI in
    common (Jaccard >= 0.5) or the seed's EPCI all in the register row under a near-identical
    name. The register row is dropped from the national layer, the seed row keeps its themes and
    citation, and both memberships stay visible (data/registres/correspondances.csv, on the card)."""
    from rapidfuzz import fuzz, utils

    seed = list(csv.DictReader((root / "data" / "cooperations.csv").open(encoding="utf-8")))
    matches: list[dict] = []
    by_type: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row)
    for s in seed:
        epci = {m for m in s["membres"].split(";") if m.startswith("epci:")}
        if not epci:
            continue
        best, best_score = None, 0.0
        for row in (r for kind in MATCHED_TYPES.get(s["type"], (s["type"],)) for r in by_type.get(kind, [])):
            theirs = set(row["membres"].split(";"))
            score = len(epci & theirs) / len(epci | theirs)
            if epci <= theirs and fuzz.token_set_ratio(s["nom"], row["nom"], processor=utils.default_process) >= 85:
                score = max(score, 0.99)
            if score > best_score:
                best, best_score = row, score
        if best is None or best_score < 0.5:
            continue
        theirs = set(best["membres"].split(";"))
        detail = (
            f"{s['id']} (catalogue documenté, {len(epci)} EPCI) = {best['id']} ({best['nom']}, "
            f"{len(theirs)} EPCI au registre)"
        )
        if theirs != epci:
            detail += (
                f" ; seulement au catalogue : {', '.join(sorted(epci - theirs)) or '—'} ; seulement au "
                f"registre : {', '.join(sorted(theirs - epci)) or '—'}"
            )
        report.append(_issue("correspondance_catalogue", best["identifiant"], s["nom"], detail))
        best["doublon_de"] = s["id"]
        matches.append(
            {
                "id_catalogue": s["id"],
                "id_registre": best["id"],
                "nom_registre": best["nom"],
                "identifiant": best["identifiant"],
                "jeu_de_donnees": best["jeu_de_donnees"],
                "millesime": best["millesime"],
                "membres_registre": best["membres"],
            }
        )
    return matches


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def build(raw: Path, root: Path = ROOT) -> dict[str, int]:
    codes = Codes(raw)
    report: list[dict] = []
    grouped = groupings(raw, codes, report)
    natures = read_natures(raw)
    members_of = {r["porteur"][6:]: {m[5:] for m in r["membres"].split(";")} for r in grouped}
    contracts, crte_of_epci = crte(raw, codes, natures, members_of, report)
    industry = territoires_industrie(raw, codes, report)
    rows = grouped + contracts + industry
    petr_of: dict[str, list[str]] = defaultdict(list)
    for row in grouped:
        if row["type"] == "petr":
            for member in row["membres"].split(";"):
                petr_of[member].append(row["nom"])
    for member, names in sorted(petr_of.items()):
        if len(names) > 1:
            report.append(
                _issue(
                    "epci_dans_plusieurs_petr",
                    member[5:],
                    codes.epci[member[5:]]["nom"],
                    "membre de " + " et de ".join(sorted(names)) + " d'après le registre",
                )
            )
    matches = match_seed_rows(rows, root, report)
    kept = [r for r in rows if not r.get("doublon_de")]
    out = root / "data" / "registres"
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "cooperations_registres.csv", kept, COLUMNS)
    from alliance.data.catalogue import MATCH_COLUMNS

    write_csv(out / "correspondances.csv", sorted(matches, key=lambda r: r["id_catalogue"]), MATCH_COLUMNS)
    write_csv(
        out / "crte_par_epci.csv",
        [
            {"siren": siren, "id_crte": c[0], "nom": c[1], "signataires": c[2], "par": (c[3:] or ("",))[0]}
            for siren, c in sorted(crte_of_epci.items())  # id_crte as ANCT writes it
        ],
        ["siren", "id_crte", "nom", "signataires", "par"],
    )
    (root / "geodata" / "perimetres_registres.geojson").write_text(perimeters(kept, root), encoding="utf-8")
    zones = zonages(raw, codes, report)
    write_csv(
        root / "geodata" / "zonages_communes.csv",
        zones,
        ["code", "aav", "aav_nom", "aav_categorie", "ze", "ze_nom", "bv", "bv_nom"],
    )
    (root / "geodata" / "aires_attraction.geojson").write_text(aires_attraction(raw, codes, zones), encoding="utf-8")
    write_csv(
        out / "desaccords.csv",
        sorted(report, key=lambda r: (r["categorie"], r["identifiant"], r["detail"])),
        ["categorie", "identifiant", "nom", "detail"],
    )
    counts: dict[str, int] = defaultdict(int)
    for row in kept:
        counts[row["type"]] += 1
    counts["desaccords"] = len(report)
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "raw")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.raw), ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

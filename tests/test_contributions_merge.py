"""Validated contributions appear on the pages (toggle on by default), marked, and escaped."""

import pandas as pd

from alliance.contributions.store import Store
from tests.apptests import app_on
from tests.rows import row, table

XSS = "<img src=x onerror=alert(1)>"


def contribution(cid="contribution-xss", nom=XSS):
    return table(row(cid, nom=nom, themes="mobilites", description=XSS))


def carte(monkeypatch, db, query=None):
    monkeypatch.setenv("ALLIANCE_DB_PATH", str(db))
    return app_on("carte", query)


def test_validated_contribution_is_merged_marked_and_escaped(monkeypatch, tmp_path, catalogue):
    db = tmp_path / "c.db"
    store = Store(f"sqlite:///{db}")
    store.save_import(contribution(), "éditeur")
    at = carte(monkeypatch, db).run()
    n_reference = len(catalogue.cooperations)
    assert next(m.value for m in at.metric if m.label == "Coopérations") == str(n_reference)  # only proposed
    # nothing validated yet: no idle "include the contributions" switch
    assert not [t for t in at.toggle if t.key == "inclure_contributions"]
    store.set_status("contribution-xss", "validee", "éditeur")
    at = carte(monkeypatch, db, {"coop": "contribution-xss"}).run()
    assert not at.exception
    assert next(m.value for m in at.metric if m.label == "Coopérations") == str(n_reference + 1)
    from alliance.escaping import markdown_text

    assert any(h.value == markdown_text(XSS) for h in at.subheader)  # Markdown-escaped: shown literally
    assert any("Contribution validée" in i.value for i in at.info)
    at.toggle(key="inclure_contributions").set_value(False).run()
    assert next(m.value for m in at.metric if m.label == "Coopérations") == str(n_reference)
    assert at.toggle(key="inclure_contributions").value is False  # still offered, to bring them back
    at.toggle(key="inclure_contributions").set_value(True).run()
    assert next(m.value for m in at.metric if m.label == "Coopérations") == str(n_reference + 1)


def test_popup_and_tooltip_escape_html(catalogue, geo, vocab):
    from alliance.data.catalogue import build_catalogue, read_catalogue_csv
    from alliance.maps.component import feature_group_js
    from alliance.maps.overlays import cooperation_groups, popup_html
    from alliance.paths import DATA_DIR

    merged = build_catalogue(
        pd.concat([read_catalogue_csv(DATA_DIR / "cooperations.csv"), contribution()], ignore_index=True), vocab, geo
    )
    assert XSS not in popup_html(merged, "contribution-xss")
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup_html(merged, "contribution-xss")
    js = feature_group_js(cooperation_groups(merged, geo, ["contribution-xss"])).groups
    assert "<img src=x" not in js

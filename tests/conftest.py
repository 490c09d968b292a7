"""Shared fixtures: committed geodata, the running app, headless Chromium with a network guard."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests (and the app servers they start) never touch a developer's contributions database.
os.environ["ALLIANCE_DB_PATH"] = str(Path(tempfile.mkdtemp(prefix="alliance-tests-")) / "contributions.db")
os.environ.pop("ALLIANCE_DATABASE_URL", None)
os.environ.pop("ALLIANCE_EDITOR_PASSWORD", None)
# Exceptions propagate (alliance.errors.guard_page): a test cannot pass over a crash.
os.environ["ALLIANCE_DEBUG"] = "1"

from alliance.data.geodata import load_geodata
from alliance.paths import ROOT

SHARED = ROOT.parent / "shared"
RAW = SHARED / "raw"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def geo():
    return load_geodata()


@pytest.fixture(scope="session")
def vocab():
    from alliance.data.vocab import load_vocabularies

    return load_vocabularies()


@pytest.fixture(scope="session")
def catalogue(geo, vocab):
    """The committed catalogue, built once for the whole run (read-only)."""
    from alliance.data.catalogue import load_catalogue

    return load_catalogue(geo, vocab)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not RAW.exists():
        pytest.fail(f"{RAW} is missing: the tests need ../shared beside the project")
    return RAW


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.exists():
        pytest.fail(f"{SEEDS} is missing: the tests need ../shared beside the project")
    return SEEDS


@pytest.fixture(scope="session")
def app_url():
    from tests.harness import running_app

    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.harness import launch_chromium

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium):
    """A fresh page; the test fails if any request tried to leave the machine."""
    from tests.harness import guard_network

    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    external: list[str] = []
    guard_network(context, external)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()
    assert external == [], f"requests left the machine: {external[:5]}"

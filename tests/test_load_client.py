"""The load benchmark's protocol client still drives the Carte as the browser does (map, then
controls once the map reports itself painted, search, card)."""

import asyncio

from benchmarks.load import ProtocolSession
from tests.harness import running_app


def test_protocol_session_opens_the_carte_searches_and_opens_a_card():
    with running_app() as base:
        done, idle = asyncio.Event(), asyncio.Event()
        idle.set()
        out = asyncio.run(ProtocolSession(base).visit(done, idle))
    assert "error" not in out, out.get("error")
    assert out["map_s"] > 0 and out["filter_s"] > 0 and out["card_s"] > 0
    assert out["bytes"] > 100_000  # the map's payload came through

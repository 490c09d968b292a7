"""The load benchmark's protocol client still drives the Carte as the browser does (map, then
controls once the map reports itself painted, search, card)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from benchmarks.load import ProtocolSession
from tests.harness import running_app


def test_protocol_session_opens_the_carte_searches_and_opens_a_card():

    async def visit(base: str) -> dict:
        done, idle = asyncio.Event(), asyncio.Event()
        idle.set()
        return await ProtocolSession(base).visit(done, idle)

    with running_app() as base, ThreadPoolExecutor(1) as pool:  # its own event loop (playwright runs one here)
        out = pool.submit(asyncio.run, visit(base)).result(timeout=300)
    assert "error" not in out, out.get("error")
    assert out["map_s"] > 0 and out["filter_s"] > 0 and out["card_s"] > 0
    assert out["bytes"] > 100_000  # the map's payload came through

"""The anonymous upload flood of issue 29, measured: one session that never touches an uploader
PUTs N files of 9 MB straight to Streamlit's upload endpoint, directly on one server and through
the project's nginx (deploy/nginx/alliance.conf). Prints ONE JSON object.

    python benchmarks/upload_flood.py [--files 30] [--size-mb 9]

Per set-up: the HTTP statuses (204 stored, 429 refused by nginx's rate, 503 refused by the
server's bound, 0 cut), the bytes the server's uploaded-file manager holds at the end of the
flood (Streamlit's metrics endpoint), and the server's RSS before (once the app's warm-up after
the first visit has settled) and after the flood, and 30 s after the socket closed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import rss_mb  # noqa: E402
from tests.harness import free_port, running_app, running_nginx  # noqa: E402
from tests.upload_flood import flood, open_session  # noqa: E402


def settled_rss(pid: int, quiet_s: float = 5.0, timeout_s: float = 90.0) -> float:
    """The RSS once it has not moved by 2 MB for `quiet_s` (the app warms its caches after a
    first visit, in the background)."""
    deadline = time.monotonic() + timeout_s
    last, since = rss_mb(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = rss_mb(pid)
        if abs(now - last) > 2:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
    return rss_mb(pid)


async def warm_up(base: str) -> None:
    ws, _ = await open_session(base)
    await ws.close()


def one_setup(base: str, pid: int, files: int, size: int) -> dict:
    asyncio.run(warm_up(base))
    before = settled_rss(pid)
    out = asyncio.run(flood(base, files, size))
    out["held_mb"] = round(out.pop("held_bytes") / 2**20, 1)
    out["rss_before_mb"] = round(before, 1)
    out["rss_after_mb"] = round(rss_mb(pid), 1)
    time.sleep(30)
    out["rss_30s_after_close_mb"] = round(rss_mb(pid), 1)
    out["rss_growth_mb"] = round(out["rss_after_mb"] - before, 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--size-mb", type=float, default=9)
    args = parser.parse_args()
    size = int(args.size_mb * 2**20)
    results: dict = {"files": args.files, "size_mb": args.size_mb}
    with running_app() as base:
        results["direct"] = one_setup(base, base.pid, args.files, size)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        port = free_port()
        app = stack.enter_context(running_app(port, env={"FORWARDED_ALLOW_IPS": "127.0.0.1"}))
        proxy = stack.enter_context(running_nginx(Path(folder), [port]))
        results["nginx"] = one_setup(proxy, app.pid, args.files, size)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The anonymous upload flood of issue 29, as an attacker runs it: open a session over Streamlit's
own WebSocket protocol, never touch a file uploader, and PUT files straight to the upload
endpoint under that session. Used by the security tests and `benchmarks/upload_flood.py`."""

from __future__ import annotations

import asyncio
import http.client
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

XSRF_COOKIE = "_streamlit_xsrf"


async def open_session(base: str) -> tuple[websockets.ClientConnection, str]:
    """A session of the app at `base` whose Données page has run once: the socket and its id."""
    ws = await websockets.connect(
        base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None
    )
    msg = BackMsg()
    msg.rerun_script.page_name = "donnees"
    await ws.send(msg.SerializeToString())
    session_id = ""
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
        if fwd.WhichOneof("type") == "new_session":
            session_id = fwd.new_session.initialize.session_id
        elif fwd.WhichOneof("type") == "script_finished" and session_id:
            break
    try:  # the page may run again by itself (st.rerun): until the session falls silent
        while True:
            await asyncio.wait_for(ws.recv(), 3)
    except TimeoutError:
        return ws, session_id


def put_file(base: str, session_id: str, size: int, cookie: str = "") -> int:
    """PUT one file of `size` bytes under `session_id`, as the uploader widget would; the status.
    The XSRF check compares a header with a cookie, both chosen by the client."""
    token = generate_xsrf_token_string()
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"a" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.request(
            "PUT",
            f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": token,
                "Cookie": f"{XSRF_COOKIE}={token}; {cookie}".rstrip("; "),
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    except (ConnectionError, http.client.HTTPException):
        return 0  # the server or the proxy cut the transfer
    finally:
        conn.close()


def held_upload_bytes(base: str) -> int:
    """Bytes the server's uploaded-file manager holds, from Streamlit's own metrics endpoint."""
    conn = http.client.HTTPConnection(urlparse(base).hostname, urlparse(base).port, timeout=30)
    try:
        conn.request("GET", "/_stcore/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    found = re.search(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text)
    return int(found.group(1)) if found else 0


async def flood(base: str, files: int, size: int, cookie: str = "") -> dict:
    """One session, `files` uploads of `size` bytes: statuses, seconds, and the bytes the server
    holds at the end, while the session is still connected. The socket is closed after it."""
    ws, session_id = await open_session(base)
    start = time.perf_counter()
    try:
        statuses = [await asyncio.to_thread(put_file, base, session_id, size, cookie) for _ in range(files)]
        seconds = time.perf_counter() - start
        await asyncio.sleep(0.5)  # the metrics endpoint reads the manager's counters
        held = await asyncio.to_thread(held_upload_bytes, base)
    finally:
        await ws.close()
    return {"statuses": dict(Counter(statuses)), "seconds": round(seconds, 2), "held_bytes": held}


def run_flood(base: str, files: int, size: int) -> dict:
    """`flood` from synchronous code, in a thread of its own (playwright's sync API keeps an event
    loop running in the tests' thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, flood(base, files, size)).result()

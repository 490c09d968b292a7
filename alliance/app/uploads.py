"""Bounds on what uploads may hold in the server's memory.

Streamlit keeps every file PUT to `/_stcore/upload_file/<session>/<id>` in memory until the
session ends, for any session and any id, whether or not a file uploader asked for it: one
anonymous session could park hundreds of megabytes (issue 29). The app has two uploaders (the
editor's import, the scenes file), each holding one file at a time, so:

- a session keeps its `MAX_FILES_PER_SESSION` latest files; an older one is dropped when a
  newer arrives (the uploader a user is using always holds the latest);
- files of sessions no longer connected are dropped at the next upload (a user who reconnects
  uploads again);
- past `MAX_HELD_BYTES` for the whole server, an upload is refused (HTTP 503) until room is made.

Per-address rates are nginx's job (deploy/nginx/alliance.conf). The bounds are installed on
Streamlit's uploaded-file manager class by `python -m alliance.app.serve` before the server starts,
and again (idempotently) by dashboard.py for a plain `streamlit run`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

MAX_FILES_PER_SESSION = 2
MAX_HELD_BYTES = 100 * 1024 * 1024  # ten full uploads (server.maxUploadSize = 10 MB)

_ORIGINAL_ADD_FILE = MemoryUploadedFileManager.add_file


def _connected(session_id: str) -> bool:
    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def make_room(
    manager: MemoryUploadedFileManager,
    session_id: str,
    file: UploadedFileRec,
    connected: Callable[[str], bool] = _connected,
) -> None:
    """Drop what `file` makes superfluous in `manager`; raise HTTP 503 if it still does not fit."""
    for other in [sid for sid in list(manager.file_storage) if sid != session_id and not connected(sid)]:
        manager.remove_session_files(other)
    held = manager.file_storage.get(session_id, {})
    older = [fid for fid in list(held) if fid != file.file_id]
    for file_id in older[: max(0, len(older) - MAX_FILES_PER_SESSION + 1)]:
        manager.remove_file(session_id, file_id)  # dicts keep insertion order: oldest first
    replaced = held.get(file.file_id)
    total = sum(len(rec.data) for files in list(manager.file_storage.values()) for rec in list(files.values()))
    if total - (len(replaced.data) if replaced else 0) + len(file.data) > MAX_HELD_BYTES:
        raise HTTPException(status_code=503, detail="Upload space is full, try again later")


def _bounded_add_file(self: MemoryUploadedFileManager, session_id: str, file: UploadedFileRec) -> None:
    make_room(self, session_id, file)
    _ORIGINAL_ADD_FILE(self, session_id, file)


def bound_uploads() -> None:
    """Install the bounds on Streamlit's uploaded-file manager (every instance, idempotent)."""
    MemoryUploadedFileManager.add_file = _bounded_add_file  # type: ignore[method-assign]

"""Bounds on what uploads hold in the server's memory (issue 29, item 3): the policy on a real
Streamlit uploaded-file manager, then the flood itself against the running app."""

from __future__ import annotations

import pytest
from starlette.exceptions import HTTPException
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from alliance.app import uploads
from alliance.app.uploads import MAX_FILES_PER_SESSION, make_room


def rec(file_id: str, size: int = 10) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name=f"{file_id}.csv", type="text/csv", data=b"x" * size)


def add(manager: MemoryUploadedFileManager, session: str, file: UploadedFileRec, connected=lambda sid: True) -> None:
    make_room(manager, session, file, connected)
    manager.add_file(session, file)


def held(manager: MemoryUploadedFileManager) -> dict[str, list[str]]:
    return {sid: list(files) for sid, files in manager.file_storage.items() if files}


def test_a_session_keeps_its_latest_files_only():
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    for i in range(6):
        add(manager, "s1", rec(f"f{i}"))
    assert held(manager) == {"s1": [f"f{i}" for i in range(6 - MAX_FILES_PER_SESSION, 6)]}
    assert manager.get_stats()["cache_memory_bytes"][0].byte_length == 10 * MAX_FILES_PER_SESSION


def test_the_same_file_sent_again_replaces_itself():
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    add(manager, "s1", rec("a"))
    add(manager, "s1", rec("b"))
    add(manager, "s1", rec("b", 20))
    assert held(manager) == {"s1": ["a", "b"]}


def test_files_of_disconnected_sessions_go_at_the_next_upload():
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    add(manager, "gone", rec("a"))
    add(manager, "here", rec("b"))
    add(manager, "s1", rec("c"), connected=lambda sid: sid != "gone")
    assert held(manager) == {"here": ["b"], "s1": ["c"]}


def test_past_the_server_budget_an_upload_is_refused_and_nothing_is_lost(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_HELD_BYTES", 50)
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    for sid in ("s1", "s2"):
        add(manager, sid, rec("a", 20))
    with pytest.raises(HTTPException) as refused:
        add(manager, "s3", rec("a", 20))
    assert refused.value.status_code == 503
    assert held(manager) == {"s1": ["a"], "s2": ["a"]}
    add(manager, "s1", rec("b", 10))  # room enough still for this one


def test_the_flood_of_one_session_holds_two_files_in_the_running_app(app_url):
    """The audit's attack, scaled down: one session that never touched an uploader PUTs 8 files.
    On d023a06 the server held all 8 (and 30 × 9 MB = 270 MB in benchmarks/upload_flood.py)."""
    from tests.upload_flood import run_flood

    size = 2 * 2**20
    out = run_flood(app_url, 8, size)
    assert out["statuses"] == {204: 8}, out
    assert out["held_bytes"] <= MAX_FILES_PER_SESSION * size, out

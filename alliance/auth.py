"""Editor login: a password set by the deployment (environment variable ALLIANCE_EDITOR_PASSWORD
or Streamlit secret `editor_password`), never stored in the repository."""
from __future__ import annotations

import hmac
import os

import streamlit as st

SESSION_KEY = "editeur_connecte"


def editor_password() -> str | None:
    password = os.environ.get("ALLIANCE_EDITOR_PASSWORD")
    if password:
        return password
    try:
        return st.secrets.get("editor_password")
    except Exception:  # noqa: BLE001 - no secrets file configured
        return None


def check_password(candidate: str) -> bool:
    expected = editor_password()
    return bool(expected) and hmac.compare_digest(candidate.encode(), expected.encode())


def is_editor() -> bool:
    return bool(st.session_state.get(SESSION_KEY)) and editor_password() is not None

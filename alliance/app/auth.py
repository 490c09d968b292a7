"""Editor login (form, check, throttling): a password set by the deployment (environment
variable ALLIANCE_EDITOR_PASSWORD or Streamlit secret `editor_password`), never stored in the
repository.

Failed attempts are throttled per session and per client address: after FREE_ATTEMPTS
failures, each new attempt must wait a delay that doubles with every failure (up to
MAX_DELAY_S); failures are logged with the client address, never the password.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

SESSION_KEY = "editeur_connecte"
FREE_ATTEMPTS = 3
BASE_DELAY_S = 2.0
MAX_DELAY_S = 300.0
logger = logging.getLogger("alliance.auth")


def editor_password() -> str | None:
    """The editor password: ALLIANCE_EDITOR_PASSWORD, a file named by ALLIANCE_EDITOR_PASSWORD_FILE
    (a container secret), or the Streamlit secret `editor_password`."""
    password = os.environ.get("ALLIANCE_EDITOR_PASSWORD")
    if password:
        return password
    path = os.environ.get("ALLIANCE_EDITOR_PASSWORD_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as secret:
                return secret.read().strip() or None
        except OSError:
            logger.error("ALLIANCE_EDITOR_PASSWORD_FILE is not readable: editing disabled")
            return None
    try:
        return st.secrets.get("editor_password")
    except Exception:  # noqa: BLE001 - no secrets file configured
        return None


def check_password(candidate: str) -> bool:
    expected = editor_password()
    return bool(expected) and hmac.compare_digest(str(candidate).encode(), str(expected).encode())


def is_editor() -> bool:
    return bool(st.session_state.get(SESSION_KEY)) and editor_password() is not None


@dataclass
class LoginThrottle:
    """Failures per key (a session id, a client address) and the wait they impose."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delay(self, failures: int) -> float:
        if failures < FREE_ATTEMPTS:
            return 0.0
        return min(BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)

    def wait_s(self, *keys: str) -> float:
        """Seconds before any of `keys` may try again (0 when allowed now)."""
        now = self.clock()
        with self._lock:
            waits = [self.delay(n) - (now - last) for n, last in (self._failures.get(k, (0, 0.0)) for k in keys)]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, now)
            if len(self._failures) > 10_000:  # bounded memory: forget the oldest
                for key in sorted(self._failures, key=lambda k: self._failures[k][1])[:5_000]:
                    del self._failures[key]

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@st.cache_resource(show_spinner=False)
def login_throttle() -> LoginThrottle:
    """One throttle per server process, shared by every session."""
    return LoginThrottle()


def client_keys() -> tuple[str, ...]:
    """Throttle keys of this request: the session and the client address (first forwarded
    address behind a reverse proxy)."""
    ctx = st.context
    forwarded = (ctx.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    address = forwarded or (getattr(ctx, "ip_address", None) or "inconnue")
    session = st.session_state.setdefault("_session_login_key", os.urandom(8).hex())
    return (f"session:{session}", f"client:{address}")


def try_login(candidate: str) -> str | None:
    """Log the session in if `candidate` is right and no wait is pending; return a French
    refusal message otherwise."""
    throttle, keys = login_throttle(), client_keys()
    wait = throttle.wait_s(*keys)
    if wait > 0:
        return f"Trop de tentatives : réessayez dans {max(1, round(wait))} s."
    if check_password(candidate):
        throttle.succeeded(*keys)
        st.session_state[SESSION_KEY] = True
        return None
    throttle.failed(*keys)
    logger.warning("editor login failed (%s)", keys[1])
    st.session_state[SESSION_KEY] = False
    return "Mot de passe incorrect."


def _login() -> None:
    """Callback of « Se connecter »: check, throttle, and clear the password field."""
    st.session_state["connexion_refusee"] = try_login(st.session_state.get("mot_de_passe") or "")
    st.session_state["mot_de_passe"] = ""
    st.session_state["editeur_nom"] = (st.session_state.get("nom_editeur") or "éditeur").strip()[:100]


def login_form() -> None:
    """The editor's login (or why there is none on this server), in French."""
    if editor_password() is None:
        st.info(
            "Consultation seule : l'import et la validation demandent un compte éditeur. Pour les activer, "
            "définissez la variable d'environnement ALLIANCE_EDITOR_PASSWORD (ou `editor_password` dans "
            ".streamlit/secrets.toml) sur le serveur."
        )
        return
    if is_editor():
        return
    st.text_input("Votre nom (inscrit dans l'historique)", key="nom_editeur", max_chars=100)
    st.text_input("Mot de passe éditeur", type="password", key="mot_de_passe", max_chars=200)
    st.button("Se connecter", key="connexion", on_click=_login)
    refusal = st.session_state.pop("connexion_refusee", None)
    if refusal:
        st.error(refusal)

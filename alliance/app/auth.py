"""Editor login (form, check, throttling): a password set by the deployment (environment
variable ALLIANCE_EDITOR_PASSWORD or Streamlit secret `editor_password`), never stored in the
repository.

Failed attempts are throttled per client address (never per session, which a client renews at
will, nor per forwarded header, which it writes): after FREE_ATTEMPTS failures, each new attempt
must wait a delay that doubles with every failure (up to MAX_DELAY_S). The budget is kept in the
contributions database, shared by every replica; attempts are logged with the client address,
never the password.
"""

from __future__ import annotations

import hmac
import logging
import os
import time

import streamlit as st

from alliance.app.cache import open_store
from alliance.contributions.store import StoreError
from alliance.errors import DataError

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


def login_delay(failures: int) -> float:
    """Seconds a client must wait after `failures` failed attempts in a row."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)


def client_address() -> str:
    """The address a login budget is kept for: the connection's peer as the server sees it.

    The app never reads X-Forwarded-For itself: the client writes it. Behind a reverse proxy
    whose address is listed in FORWARDED_ALLOW_IPS (uvicorn's setting, which Streamlit's server
    applies), the server replaces the peer with the forwarded address; deploy/nginx sets that
    header to the address nginx sees, overwriting whatever the client sent. Loopback and
    sessions without a connection (tests) share the key « local »."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


def try_login(candidate: str) -> str | None:
    """Log the session in if `candidate` is right and the client's budget allows an attempt now;
    return a French refusal message otherwise. The budget is kept in the contributions database,
    where every replica sees it; a database that cannot be reached refuses the login."""
    address = client_address()
    key = f"client:{address}"
    try:
        db = open_store()
        wait = db.reserve_login_attempt(key, time.time(), login_delay)
    except (DataError, StoreError) as exc:
        logger.error("editor login impossible, login budget unavailable (client %s): %s", address, exc)
        return "Connexion impossible pour le moment : la base des contributions est inaccessible. Réessayez plus tard."
    if wait > 0:
        logger.warning("editor login refused, too many failures (client %s)", address)
        return f"Trop de tentatives : réessayez dans {max(1, round(wait))} s."
    if check_password(candidate):
        try:
            db.forget_login_failures(key)
        except StoreError as exc:
            logger.error("editor login budget not reset (client %s): %s", address, exc)
        logger.info("editor logged in (client %s)", address)
        st.session_state[SESSION_KEY] = True
        return None
    logger.warning("editor login failed (client %s)", address)
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
        # Server settings belong in the README, not in front of visitors.
        st.info(
            "Consultation seule : l'import et la validation des contributions sont réservés aux éditeurs, "
            "et ne sont pas ouverts sur ce serveur. Les modèles et l'export du catalogue restent disponibles."
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

"""What a user sees when something goes wrong: a French message, never a traceback.

`DataError` carries a French sentence meant for users (a missing or corrupt data file, an
unreachable database). `guard_page` runs a page and turns any exception left into a French
error box with a short reference, the traceback going to the server log only. With
ALLIANCE_DEBUG=1 (set by the test suite) exceptions propagate, so tests cannot pass over them.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable

logger = logging.getLogger("alliance")
UNEXPECTED_MESSAGE = "Cette page n'a pas pu s'afficher à cause d'une erreur inattendue"


class DataError(RuntimeError):
    """A failure with a French explanation for users (nothing was written)."""


def debug_mode() -> bool:
    return os.environ.get("ALLIANCE_DEBUG") == "1"


def guard_page(run: Callable[[], None]) -> None:
    """Run a page; show a French message instead of a traceback if it raises.

    Streamlit's own control flow (st.rerun, st.stop) derives from BaseException and passes."""
    import streamlit as st

    try:
        run()
    except DataError as exc:
        logger.error("data error: %s", exc)
        if debug_mode():
            raise
        st.error(str(exc), icon="⛔")
    except Exception:  # noqa: BLE001 - last resort: the user gets French, the log the details
        reference = secrets.token_hex(3)
        logger.exception("unexpected error (reference %s)", reference)
        if debug_mode():
            raise
        st.error(
            f"{UNEXPECTED_MESSAGE} (référence {reference}). Rechargez la page ; si l'erreur revient, "
            "signalez-la avec cette référence.",
            icon="⛔",
        )

"""French number formats for the UI: 12 345, 3,5 %."""

from __future__ import annotations

NBSP = "\u00a0"


def fmt_int(value: float | int) -> str:
    """Format an integer the French way: 12 345 (non-breaking space as thousands separator)."""
    return f"{round(value):,}".replace(",", NBSP)


def fmt_dec(value: float, digits: int = 1) -> str:
    """Format a decimal number the French way: 3,5 ; 12 345,6."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", NBSP)


def fmt_pct(value: float, digits: int = 1) -> str:
    """Format a share given in percent: 3,5 % (non-breaking space before %)."""
    return f"{fmt_dec(value, digits)}{NBSP}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 coopération', '12 coopérations', '0 coopération' (French rule: 0 and 1 are singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{fmt_int(count)}{NBSP}{word}"


def french_key(text: str) -> tuple[str, str]:
    """Sort key of French words as in a dictionary: accents and case only break ties, so
    « Écouen » sorts before « Uzès » (code points would put every É after U)."""
    import unicodedata

    lowered = str(text).lower().replace("œ", "oe").replace("æ", "ae")
    base = "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))
    return base, str(text)

"""Output encoding: text from the catalogue, contributions, files or the URL made inert for
each context where it reaches the browser.

- HTML of map tooltips and popups travels as JSON strings in the layers' data
  (`geojson_layer.FeatureLayer`) and is set as HTML by Leaflet: `html_text` encodes `<`, `>`,
  `&` and quotes — and also a backtick, `${` and a backslash, so that the same text stays inert
  if it ever reaches a JavaScript template literal (as folium's own tooltips would write it).
- Streamlit renders labels, headings, messages and button texts as Markdown: `markdown_text`
  escapes every active punctuation character and breaks bare URLs with an invisible word
  joiner, so that no link, image, autolink, HTML, LaTeX or emphasis can come out of user text.
"""

from __future__ import annotations

import html
import re

# Characters that are harmless in HTML but active inside a JavaScript template literal.
_TEMPLATE_LITERAL_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})
# Every ASCII punctuation character with a meaning in CommonMark, GFM (tables, strikethrough,
# autolinks www. / http:// / user@host) or Streamlit (LaTeX $, :colour[...] and :emoji:);
# apostrophes, quotes, commas and the like stay as they are.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|<>~$:/@&^")


def html_text(value: object) -> str:
    """Text safe in HTML content, in a quoted attribute and inside a JS template literal."""
    text = html.escape("" if value is None else str(value), quote=True)
    return text.translate(_TEMPLATE_LITERAL_ENTITIES)


WORD_JOINER = "\u2060"
# GFM turns bare http(s)://…, www.… and user@host into links *after* parsing, whatever the
# escapes: an invisible word joiner inside each of those patterns keeps them plain text.
_AUTOLINKS = re.compile(r"(?i)(https?(?=:)|\bwww(?=\.)|@)")


def markdown_text(value: object) -> str:
    """Text shown literally by Streamlit's Markdown (no link, image, HTML or formatting)."""
    text = _AUTOLINKS.sub(lambda m: m.group(0) + WORD_JOINER, "" if value is None else str(value))
    out = []
    for ch in text:
        if ch in _MARKDOWN_PUNCTUATION:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")  # keep the line break, never a new block (list, quote, table)
        else:
            out.append(ch)
    return "".join(out)


# Control characters other than tab and line breaks: XLSX cannot hold them (openpyxl refuses the
# whole workbook) and no screen shows them. Imports refuse them; exports drop any that a stored
# row still holds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(cell: object) -> object:
    """A text cell without control characters (other cells as they are)."""
    return CONTROL_CHARACTERS.sub("", cell) if isinstance(cell, str) else cell

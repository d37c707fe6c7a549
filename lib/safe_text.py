"""Text that came from someone's file, made safe where it is shown or exported.

Names and other text fields can come from the committee's own files (issue 10), so none of it is
trusted: wherever it reaches HTML (map tooltips and labels, chart labels) it is escaped with
:func:`escape_html`, and the JSON inside a map's scripts with :func:`script_json`; wherever it
reaches Markdown (Streamlit's markdown, captions, button labels, static tables) with
:func:`escape_markdown`; and every CSV a reader can download goes through
:func:`neutralise_formulas`, so that a spreadsheet opening it runs no formula.
"""

from __future__ import annotations

import html
import re

import pandas as pd

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): = + - @, and a tab
# or carriage return, which some spreadsheets skip before reading the rest as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number written as text ("-12", "+3.5", "1e-3"): a spreadsheet reads it as a number, never a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
# Characters that mean something to Markdown anywhere in a line (CommonMark's emphasis, code, links
# and HTML; GitHub's tables and strike-through; Streamlit's math), and what means something only at
# the start of a line (a heading, quote, list item or numbered item).
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~$])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*\d*)((?<=\d)[.)]|(?<!\d)[-+=])")


def escape_html(value) -> str:
    """``value`` as text that HTML shows literally: ``<``, ``>``, ``&`` and quotes as entities.

    Plotly reads these entities back into the characters, so the same function serves its labels.
    """
    return html.escape(str(value))


def script_json(text: str) -> str:
    """JSON text that can stand inside a ``<script>`` element: ``<``, ``>`` and ``&`` written as
    JSON's ``\\u`` escapes, which mean the same characters to JavaScript but nothing to the HTML
    parser, so no value can close the script or open a tag (``</script><img onerror=...>``)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def escape_markdown(value) -> str:
    """``value`` as Markdown that shows it literally, on one line: every character Markdown gives
    a meaning (emphasis, code, links, HTML, tables, a list item's or heading's mark at the start)
    preceded by a backslash, line breaks as spaces."""
    text = " ".join(str(value).splitlines())
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def neutralise_cell(value):
    """One cell as a spreadsheet should open it: text that begins like a formula gets a leading
    single quote (shown as text, never evaluated); numbers, numbers written as text and
    everything else are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas (:func:`neutralise_cell`).

    Only columns that can hold text are touched: numeric, boolean and date columns keep their
    type, so a negative number stays a number. Column names are text too and are neutralised.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out

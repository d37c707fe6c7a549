"""Languages: Azerbaijani (default), English and Russian.

Every word on screen is a message in the gettext catalogues ``locales/<lang>/LC_MESSAGES/messages.po``
(read with Babel), keyed by a stable id such as ``kpi.families_returned``; numbers and dates are
formatted for the language by Babel. Counted things are gettext plural messages (``msgid_plural``)
chosen by the catalogue's ``Plural-Forms`` rule: Russian has three forms ("1 строка, 2 строки,
5 строк"), Azerbaijani and English two. ``tests/test_i18n.py`` fails when a message or a plural
form is missing or empty in any language, or when code uses an id that no catalogue has.
"""

from __future__ import annotations

import gettext
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from lib.config import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
LANGUAGES = {"az": "Azərbaycanca", "en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "az"
# How a date is typed into a date field (Streamlit's formats): day first with dots, as Azerbaijani
# and Russian write them; ISO in English, which no reader misreads.
DATE_FORMATS = {"az": "DD.MM.YYYY", "en": "YYYY-MM-DD", "ru": "DD.MM.YYYY"}


class MissingMessage(KeyError):
    """A message id that the catalogue of a language does not have."""


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language: plain ones, plural ones (every form), and the rule that
    picks a plural form for a count (the catalogue's ``Plural-Forms`` header)."""

    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    plural_count: int
    plural_form: Callable[[int], int]

    def __contains__(self, message_id: str) -> bool:
        return message_id in self.messages or message_id in self.plurals

    @property
    def ids(self) -> set[str]:
        return set(self.messages) | set(self.plurals)


@cache
def catalogue(language: str) -> Catalogue:
    """The catalogue of one language, read once."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        read = read_po(po, locale=language)
    messages, plurals = {}, {}
    for message in read:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            plurals[message.id[0]] = tuple(message.string)
        else:
            messages[message.id] = message.string
    # gettext's own compiler of the C expression in Plural-Forms (the standard, safely parsed)
    return Catalogue(messages, plurals, read.num_plurals, gettext.c2py(read.plural_expr))


@dataclass(frozen=True)
class Translator:
    """Words, numbers and dates in one language."""

    language: str = DEFAULT_LANGUAGE

    def __call__(self, message_id: str, **values) -> str:
        try:
            text = catalogue(self.language).messages[message_id]
        except KeyError:
            raise MissingMessage(f"no message {message_id!r} in the {self.language} catalogue") from None
        return text.format(**values) if values else text

    def plural(self, message_id: str, count: float, **values) -> str:
        """The form of a plural message for ``count`` (``{count}`` is the number, formatted)."""
        found = catalogue(self.language)
        try:
            forms = found.plurals[message_id]
        except KeyError:
            raise MissingMessage(f"no plural message {message_id!r} in the {self.language} catalogue") from None
        form = forms[min(found.plural_form(int(abs(round(count)))), len(forms) - 1)]
        return form.format(count=self.number(count), **values)

    def term(self, group: str, value: str) -> str:
        """A vocabulary value (status, category, region, ...) in this language."""
        return self(f"{group}.{value}")

    def number(self, value: float, decimals: int = 0) -> str:
        value = round(value, decimals)
        # -0.0 is the same cache key as 0, but Babel writes it "-0"
        return _number(self.language, value, decimals, bool(value == 0 and math.copysign(1, value) < 0))

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.language)

    def day(self, value) -> str:
        return format_date(pd.Timestamp(value).date(), format="medium", locale=self.language)

    def month(self, value) -> str:
        return format_date(pd.Timestamp(value).date(), format="LLL y", locale=self.language)

    @property
    def name_column(self) -> str:
        """The column holding place names in this language."""
        return f"name_{self.language}"


@lru_cache(maxsize=20_000)
def _number(language: str, value: float, decimals: int, negative_zero: bool) -> str:
    """A number as the language writes it, formatted once per distinct value: Babel takes a tenth
    of a millisecond a number, and a map's tooltips and a chart's labels repeat most of theirs
    (every 0, every count of families) on every run."""
    return format_decimal(value, locale=language, format=f"#,##0.{'0' * decimals}" if decimals else None)


def place_names(frame: pd.DataFrame, t: Translator) -> pd.Series:
    """Place names in the chosen language, falling back to Azerbaijani then English where unknown."""
    names = frame[t.name_column] if t.name_column in frame.columns else pd.Series(None, index=frame.index)
    for fallback in ("name_az", "name_en"):
        if fallback in frame.columns:
            names = names.fillna(frame[fallback])
    return names

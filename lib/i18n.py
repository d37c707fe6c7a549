"""Languages: Azerbaijani (default), English and Russian.

Every word on screen is a message in the gettext catalogues ``locales/<lang>/LC_MESSAGES/messages.po``
(read with Babel), keyed by a stable id such as ``kpi.families_returned``; numbers and dates are
formatted for the language by Babel. ``tests/test_i18n.py`` fails when a message is missing or
empty in any language, or when code uses an id that no catalogue has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from lib.config import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
LANGUAGES = {"az": "Azərbaycanca", "en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "az"


class MissingMessage(KeyError):
    """A message id that the catalogue of a language does not have."""


@cache
def catalogue(language: str) -> dict[str, str]:
    """Message id → translated text for one language."""
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {message.id: message.string for message in read_po(po, locale=language) if message.id}


@dataclass(frozen=True)
class Translator:
    """Words, numbers and dates in one language."""

    language: str = DEFAULT_LANGUAGE

    def __call__(self, message_id: str, **values) -> str:
        try:
            text = catalogue(self.language)[message_id]
        except KeyError:
            raise MissingMessage(f"no message {message_id!r} in the {self.language} catalogue") from None
        return text.format(**values) if values else text

    def has(self, message_id: str) -> bool:
        return message_id in catalogue(self.language)

    def term(self, group: str, value: str) -> str:
        """A vocabulary value (status, category, region, ...) in this language."""
        return self(f"{group}.{value}")

    def number(self, value: float, decimals: int = 0) -> str:
        return format_decimal(
            round(value, decimals), locale=self.language, format=f"#,##0.{'0' * decimals}" if decimals else None
        )

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.language)

    def day(self, value) -> str:
        return format_date(pd.Timestamp(value).date(), format="medium", locale=self.language)

    def month(self, value) -> str:
        return format_date(pd.Timestamp(value).date(), format="MMM y", locale=self.language)

    @property
    def name_column(self) -> str:
        """The column holding place names in this language."""
        return f"name_{self.language}"


def place_names(frame: pd.DataFrame, t: Translator) -> pd.Series:
    """Place names in the chosen language, falling back to Azerbaijani then English where unknown."""
    names = frame[t.name_column] if t.name_column in frame.columns else pd.Series(None, index=frame.index)
    for fallback in ("name_az", "name_en"):
        if fallback in frame.columns:
            names = names.fillna(frame[fallback])
    return names

"""Words and number formats shown on screen (the single place a translation catalogue will plug into)."""

from __future__ import annotations

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from lib.metrics import Headline

LOCALE = "en"
HEADLINE_LABELS = {
    "families_returned": "Families returned",
    "persons_returned": "Persons returned",
    "dwelling_units_completed": "Houses and flats completed",
    "hectares_released": "Hectares released from mines",
    "jobs_created": "Jobs created",
}


def number(value: float, locale: str = LOCALE) -> str:
    """A whole number with the locale's grouping (3,721 in English, 3 721 in Azerbaijani)."""
    return format_decimal(round(value), locale=locale)


def day(value, locale: str = LOCALE) -> str:
    """A date in the locale's medium format."""
    return format_date(pd.Timestamp(value).date(), format="medium", locale=locale)


def first_url(source: str) -> str:
    return source.split(" | ")[0].strip()


def headline_caption(headline: Headline, locale: str = LOCALE) -> str:
    """Markdown saying where a headline figure comes from and what was last reported."""
    caption = f"**{'Demonstration data' if headline.demonstration else 'Reported'}**: {headline.basis}."
    if headline.reported_value is not None:
        caption += (
            f" Latest reported: {number(headline.reported_value, locale)} {headline.unit} on "
            f"{day(headline.reported_date, locale)} ([source]({first_url(headline.reported_source)}))."
        )
    return caption


def sources_table(metadata: dict) -> pd.DataFrame:
    """The data sources recorded in the store's metadata, as a table for display."""
    return pd.DataFrame(metadata.get("sources", []), columns=["layer", "source", "licence"])

"""The shared filters, and their round trip through the URL's query parameters.

A view is a link: ``?lang=en&districts=AZ-LAC&as_of=2025-06-30&since=2024-12-31``. Parameters
that equal their default are left out of the URL, so the plain address opens the default view.
Values that cannot be used (an unknown district, a malformed date) are dropped and reported, so
the page can say what in the link was ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES

FILTER_PARAMS = ("lang", "districts", "as_of", "since")


@dataclass(frozen=True)
class Filters:
    """What every page is filtered by."""

    districts: tuple[str, ...]
    as_of: date
    since: date
    language: str = DEFAULT_LANGUAGE
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def district_ids(self) -> list[str]:
        return list(self.districts)


def default_filters(return_districts: list[str], data_date: date) -> Filters:
    """All return-area districts, as of the data's last day, compared with a year before."""
    return Filters(
        districts=tuple(sorted(return_districts)),
        as_of=data_date,
        since=(pd.Timestamp(data_date) - pd.DateOffset(years=1)).date(),
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def filters_from_query(params: dict[str, str], defaults: Filters, known_districts: set[str]) -> Filters:
    """Filters from URL query parameters, falling back to the defaults for what is absent or unusable."""
    ignored: list[str] = []
    filters = defaults
    if "lang" in params:
        if params["lang"] in LANGUAGES:
            filters = replace(filters, language=params["lang"])
        else:
            ignored.append(f"lang={params['lang']}")
    if "districts" in params:
        asked = [d for d in params["districts"].split(",") if d]
        unknown = [d for d in asked if d not in known_districts]
        ignored += [f"districts={d}" for d in unknown]
        kept = tuple(sorted(d for d in asked if d in known_districts))
        filters = replace(filters, districts=kept if kept or not asked else defaults.districts)
    for key in ("as_of", "since"):
        if key in params:
            parsed = _date(params[key])
            if parsed is None:
                ignored.append(f"{key}={params[key]}")
            else:
                filters = replace(filters, **{key: parsed})
    return replace(filters, ignored=tuple(ignored))


def filters_to_query(filters: Filters, defaults: Filters) -> dict[str, str]:
    """The query parameters of a view (only those that differ from the defaults)."""
    params = {}
    if filters.language != defaults.language:
        params["lang"] = filters.language
    if filters.districts != defaults.districts:
        params["districts"] = ",".join(filters.districts)
    for key in ("as_of", "since"):
        if getattr(filters, key) != getattr(defaults, key):
            params[key] = getattr(filters, key).isoformat()
    return params

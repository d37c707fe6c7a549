"""The shared filters, and their round trip through the URL's query parameters.

A view is a link: ``?lang=en&districts=AZ-LAC&as_of=2025-06-30&since=2024-12-31``. Parameters
that equal their default are left out of the URL, so the plain address opens the default view.
Values that cannot be used (an unknown district, a malformed date) are dropped and reported, so
the page can say what in the link was ignored; dates outside what the data covers (after its last
day, before the programme) or in the wrong order are moved to the nearest usable day, and that is
reported too (:class:`LinkNote`). Pages read their own parameters (the profile's district, the
explorer's layers) through :func:`choice_from_link` and :func:`choices_from_link`, which report the
same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from lib.safe_text import escape_markdown

FILTER_PARAMS = ("lang", "districts", "as_of", "since")
# The trilateral ceasefire statement of 10 November 2020: clearance, reconstruction and every other
# record the dashboard counts start after it, so an earlier day can only show zeros.
EARLIEST_DAY = date(2020, 11, 10)


@dataclass(frozen=True)
class LinkNote:
    """A value of a link that was changed or ignored: the message that words it and its values
    (``key`` and ``asked`` as in the link; ``used``, a day, when another one was shown)."""

    message_id: str
    key: str
    asked: str
    used: date | None = None


@dataclass(frozen=True)
class Filters:
    """What every page is filtered by."""

    districts: tuple[str, ...]
    as_of: date
    since: date
    language: str = DEFAULT_LANGUAGE
    notes: tuple[LinkNote, ...] = field(default=(), compare=False)

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


def _usable_day(key: str, asked: date, latest: date, later_instead: date) -> tuple[date, LinkNote | None]:
    if asked > latest:
        return later_instead, LinkNote("link.after_data_date", key, asked.isoformat(), later_instead)
    if asked < EARLIEST_DAY:
        return EARLIEST_DAY, LinkNote("link.before_programme", key, asked.isoformat(), EARLIEST_DAY)
    return asked, None


def filters_from_query(params: dict[str, str], defaults: Filters, known_districts: set[str]) -> Filters:
    """Filters from URL query parameters, falling back to the defaults for what is absent or unusable.

    The defaults' ``as_of`` is the data's last day: no later day can be shown. Every value
    not used as written is reported in ``notes``.
    """
    notes: list[LinkNote] = []
    filters = defaults
    if "lang" in params:
        if params["lang"] in LANGUAGES:
            filters = replace(filters, language=params["lang"])
        else:
            notes.append(LinkNote("link.ignored", "lang", params["lang"]))
    if "districts" in params:
        asked = [d for d in params["districts"].split(",") if d]
        notes += [LinkNote("link.ignored", "districts", d) for d in asked if d not in known_districts]
        kept = tuple(sorted(d for d in asked if d in known_districts))
        filters = replace(filters, districts=kept if kept or not asked else defaults.districts)
    for key in ("as_of", "since"):
        if key in params:
            parsed = _date(params[key])
            if parsed is None:
                notes.append(LinkNote("link.ignored", key, params[key]))
                continue
            # a later day is the data's last day; a later comparison day the default one, a year before
            day, note = _usable_day(key, parsed, defaults.as_of, getattr(defaults, key))
            notes += [note] if note else []
            filters = replace(filters, **{key: day})
    if filters.since > filters.as_of:
        # changes are measured from an earlier day; said only when the link named that day
        earlier = earlier_comparison_day(filters.as_of)
        if "since" in params:
            notes.append(LinkNote("link.since_after_as_of", "since", filters.since.isoformat(), earlier))
        filters = replace(filters, since=earlier)
    return replace(filters, notes=tuple(notes))


def earlier_comparison_day(as_of: date) -> date:
    """The day changes are measured from when the one asked for is not before ``as_of``: a year
    before it, not before the programme."""
    return max(EARLIEST_DAY, (pd.Timestamp(as_of) - pd.DateOffset(years=1)).date())


def choice_from_link(params: dict[str, str], key: str, allowed) -> tuple[str | None, list[LinkNote]]:
    """A page's own single-valued link parameter: its value when allowed, else None and a note."""
    if key not in params or params[key] == "":
        return None, []
    if params[key] in allowed:
        return params[key], []
    return None, [LinkNote("link.ignored", key, params[key])]


def choices_from_link(params: dict[str, str], key: str, allowed, default) -> tuple[list[str], list[LinkNote]]:
    """A page's own comma-separated link parameter: the allowed values in it (an empty list when it
    is empty), ``default`` when it is absent, and a note for each value that is not allowed."""
    if key not in params:
        return list(default), []
    asked = [value for value in params[key].split(",") if value]
    return [v for v in asked if v in allowed], [LinkNote("link.ignored", key, v) for v in asked if v not in allowed]


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


def link_warning(notes, t: Translator) -> str | None:
    """Markdown naming every value of a link that was changed or ignored (None when there is none)."""
    if not notes:
        return None
    lines = [
        # what the link asked for, whatever someone put in it, shown as written (keys are our own)
        t(
            note.message_id,
            key=note.key,
            asked=escape_markdown(note.asked),
            **({"used": t.day(note.used)} if note.used else {}),
        )
        for note in notes
    ]
    return t("link.title") + "\n" + "\n".join(f"- {line}" for line in lines)

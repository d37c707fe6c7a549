"""Small counts kept from the public: no family can be singled out from what the public view shows.

The public view (:attr:`lib.access.Scope.suppressed`) shows counts of families and persons; a
count below the threshold ``T`` (setting ``suppression_threshold``, 5) could point at a few
families, so it is shown as "<T". The method, in three layers, each with its reason:

1. **Over time: stepped series.** The public chooses any "as of" and "since" day, so the same
   figure on two days would show every convoy by the difference. Every public count (a
   settlement, a district, the chosen districts together, on a KPI card, a map, a table or a
   chart) is therefore read from its own *stepped* cumulative series (:func:`stepped`): it moves
   only when the change since its last move reaches ``T``; a smaller change is held back and
   added to the next one. Any difference between two days of one figure is then 0 or at least
   ``T``: total(as of) − total(since), a chart's step, or two days picked in the sidebar never
   show a convoy of fewer than ``T`` families. The "as of" totals come from the same series as
   the charts and the changes (a chart ends on the card's value). The price: a public figure may
   lag the exact one by up to ``T − 1`` (leadership and coordinators see exact figures).
2. **Primary suppression.** A count shown between 1 and ``T − 1``, or a 0 while families have in
   fact returned (the first step held back), is suppressed and shown as "<T" (:func:`below`).
   A true zero stays 0: it says nothing about a family.
3. **Secondary suppression.** Where a total is shown beside its parts (the settlements of a
   district, the districts of the chosen ones), total − shown parts must not give a suppressed
   part away. The public knows a "<T" part lies in 1…T−1 and a hidden one is at least ``T``;
   while any suppressed part of a group is pinned to one value by those bounds and the residual
   (one suppressed part alone, or two parts of 1 and 1), the smallest non-zero part still shown
   is hidden too (:data:`HIDDEN`, worded "hidden"); when no part is left to hide, the group's
   total is hidden (:func:`protect`). Persons are hidden wherever the families of the same place
   are suppressed (a place's persons would tell the size of its few families), then protected
   the same way; ratios built on families (jobs per 10 families) are worked out from the public
   families and hidden with them.

Limits: the secondary suppression is exact for one table on one day; figures of different
tables (a district's own figure, and the same district inside another choice of districts) are
kept apart only by the stepping, each series lagging by its own amount, not by a proof.

Representation: a public frame keeps its count columns numeric with NaN for a suppressed cell,
and beside each a column ``<column>_shown`` (:func:`shown_column`) holding the text shown
instead (:func:`below`: "<5", or :data:`HIDDEN`), None where the number is shown. A key figure carries the same
mark (:attr:`lib.kpi.Kpi.shown`). Formatters word a cell with :func:`cell_text`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lib.daily_totals import DailyTotals

COUNTS = ("families_returned", "persons_returned")
FAMILIES, PERSONS = COUNTS
# Key figures that count households too: a home is occupied by one family
KPI_COUNTS = (*COUNTS, "units_occupied")
HIDDEN = "hidden"  # secondary suppression: worded by the message ``disclosure.hidden``
SHOWN_SUFFIX = "_shown"


def below(threshold: int) -> str:
    """What a small count shows: "<5" for a threshold of 5."""
    return f"<{int(threshold)}"


def shown_column(column: str) -> str:
    """The column holding what a public frame shows instead of ``column``'s number."""
    return f"{column}{SHOWN_SUFFIX}"


def cell_text(value, mark, t, decimals: int = 0) -> str:
    """A count as the reader sees it: its number, or the suppression mark in its place."""
    if isinstance(mark, str) and mark:
        return t("disclosure.hidden") if mark == HIDDEN else mark
    return t.number(value, decimals)


def column_texts(frame: pd.DataFrame, column: str, t, decimals: int = 0) -> list[str]:
    """Every cell of ``column`` as :func:`cell_text` words it (the marks of a public frame)."""
    marks = frame[shown_column(column)] if shown_column(column) in frame.columns else [None] * len(frame)
    return [cell_text(v, m, t, decimals) for v, m in zip(frame[column].tolist(), list(marks))]


def drawn(frame: pd.DataFrame, column: str, threshold: int | None) -> pd.Series:
    """The values to draw (circle sizes, bar lengths, colours) for ``column``: a suppressed cell
    is drawn as the threshold, which says no more than its mark."""
    values = frame[column]
    return values if threshold is None else values.fillna(threshold)


# --- 1. Over time ---------------------------------------------------------------------------


def stepped(values, threshold: int) -> np.ndarray:
    """The public series of a cumulative series (days first; one column per figure): it keeps its
    value until the exact one has moved by ``threshold`` or more from it, then takes the exact value.

    A value under ``threshold`` is shown as 0 (held back, like a small change). So any two of its
    values differ by 0 or at least ``threshold``, every value is 0 or at least ``threshold``, and
    it is never more than ``threshold − 1`` from the exact series (while that only grows). Worked on the rows where anything changes only.
    """
    exact = np.round(np.asarray(values, dtype="float64"))
    if not len(exact):
        return exact.copy()
    flat = exact.reshape(len(exact), -1)
    changes = np.flatnonzero((flat[1:] != flat[:-1]).any(axis=1)) + 1
    rows = np.concatenate([[0], changes])
    public = np.empty((len(rows), flat.shape[1]))
    shown = np.zeros(flat.shape[1])
    for i, row in enumerate(rows):
        shown = np.where(np.abs(flat[row] - shown) >= threshold, flat[row], shown)
        shown = np.where(shown < threshold, 0.0, shown)  # a public count is 0 or at least the threshold
        public[i] = shown
    return public[np.searchsorted(rows, np.arange(len(flat)), side="right") - 1].reshape(exact.shape)


def stepped_totals(totals: DailyTotals, threshold: int, measures=COUNTS) -> DailyTotals:
    """``totals`` with ``measures`` (families and persons) of every group stepped (:func:`stepped`)."""
    values = dict(totals.values)
    for measure in measures:
        values[measure] = stepped(values[measure], threshold)
    return DailyTotals(totals.first_day, totals.groups, values)


def public_counts(exact: DailyTotals, threshold: int) -> DailyTotals:
    """Each place's families, persons and occupied homes (:data:`KPI_COUNTS`) as the public sees
    them every day: stepped (:func:`stepped`), and the persons of a place whose families are held
    back (0) held back too (its few families' size would show). Only these measures are kept.

    Every figure of the public view above a place (a district, the chosen districts) is a sum of
    these (:func:`summed`, :func:`combined`): a total is then always the sum of its shown parts."""
    measures = [m for m in KPI_COUNTS if m in exact.values]
    values = stepped_totals(exact, threshold, measures).values
    values = {m: values[m] for m in measures}
    values[PERSONS] = np.where(values[FAMILIES] > 0, values[PERSONS], 0.0)
    return DailyTotals(exact.first_day, exact.groups, values)


def summed(places: DailyTotals, owner: pd.Series) -> DailyTotals:
    """The places' figures summed per owner (``owner``: place id -> group id, e.g. a settlement's
    district), every day; groups in sorted order, places without an owner left out."""
    owners = owner.reindex(places.groups)
    groups = pd.Index(sorted(owners.dropna().unique()), name=owner.name)
    codes = groups.get_indexer(owners.to_numpy())
    matrix = np.zeros((len(places.groups), len(groups)))
    known = codes >= 0
    matrix[np.flatnonzero(known), codes[known]] = 1.0
    return DailyTotals(places.first_day, groups, {m: v @ matrix for m, v in places.values.items()})


def combined(totals: DailyTotals, groups: Iterable[str], name: str = "all") -> DailyTotals:
    """The families, persons and occupied homes (:data:`KPI_COUNTS`) of ``groups`` summed into one
    group (``name``), every day, so that the sum can be stepped as a figure of its own."""
    columns = totals.groups.get_indexer(list(groups))
    columns = columns[columns >= 0]
    values = {m: totals.values[m][:, columns].sum(axis=1, keepdims=True) for m in KPI_COUNTS if m in totals.values}
    return DailyTotals(totals.first_day, pd.Index([name], name=totals.groups.name), values)


# --- 2. Primary suppression ---------------------------------------------------------------------


def primary(shown, exact, threshold: int) -> np.ndarray:
    """Which counts are suppressed: shown between 1 and ``threshold − 1``, or shown 0 while the
    exact count is not (a true zero stays)."""
    shown, exact = np.asarray(shown, dtype="float64"), np.asarray(exact, dtype="float64")
    return ((shown > 0) & (shown < threshold)) | ((shown == 0) & (exact > 0))


def suppress(shown: pd.DataFrame, exact: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The public version of a table of places: families and persons (:data:`COUNTS`) suppressed.

    Parameters
    ----------
    shown : the figures the public sees (:func:`public_counts`), one row per place, both counts.
    exact : the exact counts, same rows (a shown 0 over an exact 1 is suppressed).
    threshold : the suppression threshold.

    Returns
    -------
    The frame with suppressed cells NaN and the marks in ``<column>_shown``: "<T" for a small
    count, :data:`HIDDEN` for the persons of a place whose families are suppressed.
    """
    out = shown.copy()
    families = shown[FAMILIES].to_numpy(dtype="float64")
    marks = [mark_of(s, e, threshold) for s, e in zip(families, exact[FAMILIES].to_numpy(dtype="float64"))]
    # No second cell needs hiding: a total shown beside these parts is the sum of their public
    # values (public_counts, summed), and a suppressed part's public value is 0, so the total less
    # the parts shown is 0 and tells nothing of any part's exact count.
    family_marks = marks
    persons = shown[PERSONS].to_numpy(dtype="float64")
    known = exact[PERSONS].to_numpy(dtype="float64")
    person_marks = [mark_of(s, e, threshold, hidden=bool(f)) for s, e, f in zip(persons, known, family_marks)]
    for column, column_marks in ((FAMILIES, family_marks), (PERSONS, person_marks)):
        suppressed = np.array([bool(m) for m in column_marks], dtype=bool)
        out[column] = out[column].astype("float64").mask(suppressed)
        out[shown_column(column)] = pd.Series(column_marks, index=out.index, dtype="object")
    return out


def mark_of(shown: float, exact: float, threshold: int, hidden: bool = False) -> str | None:
    """The mark of one figure: "<T" when small; :data:`HIDDEN` when held back although not small
    (a sum of places each held back: 3 + 3 families show 0) or asked to be hidden; None when shown."""
    if primary([shown], [exact], threshold)[0]:
        return below(threshold) if exact < threshold else HIDDEN
    return HIDDEN if hidden else None


def hide_ratio(frame: pd.DataFrame, column: str, numerator: str, per: float) -> pd.DataFrame:
    """``column`` worked out again as ``per`` × ``numerator`` / public families (zero families:
    NaN), hidden where the families are (a ratio over exact families would give them away)."""
    out = frame.copy()
    families = out[FAMILIES]
    out[column] = per * out[numerator] / families.where(families > 0)
    marks = out[shown_column(FAMILIES)]
    out[shown_column(column)] = marks.where(marks.isna(), HIDDEN)
    return out


def public_series(exact: DailyTotals, public: DailyTotals, days, threshold: int, hidden: bool = False) -> pd.DataFrame:
    """One figure over time as the public sees it: ``exact`` and ``public`` (:func:`stepped_totals`)
    hold it as their only group; one row per day of ``days`` with both counts and their marks.

    A point is marked as the figure would be on its own day (:func:`mark_of`); when the figure is
    hidden (``hidden``: its parts gave it away), every point but a true zero is hidden."""
    days = pd.DatetimeIndex(days)
    columns: dict[str, list] = {name: [] for name in (*COUNTS, *map(shown_column, COUNTS))}
    for day in days:
        shown, known = public.total(day), exact.total(day)
        for measure in COUNTS:
            mark = mark_of(shown[measure], known[measure], threshold, hidden and known[measure] > 0)
            columns[measure].append(np.nan if mark else shown[measure])
            columns[shown_column(measure)].append(mark)
    return pd.DataFrame(
        {
            "date": days,
            **{
                name: pd.Series(values, index=range(len(days)), dtype="float64" if name in COUNTS else "object")
                for name, values in columns.items()
            },
        }
    )


def public_kpi(kpi, value: float, previous: float, exact: float, threshold: int, hidden: bool = False):
    """A key figure of families or persons (lib.kpi.Kpi) as the public sees it: its ``value`` and
    ``previous`` from the stepped series, marked as :func:`mark_of` says (``exact``: the exact
    value); a change of less than the threshold, or of a suppressed value, is marked too."""
    from dataclasses import replace

    value, previous = float(value), float(previous)
    mark = mark_of(value, exact, threshold, hidden and exact > 0)
    change = value - previous
    change_mark = mark or (below(threshold) if 0 < abs(change) < threshold else None)
    return replace(
        kpi,
        value=np.nan if mark else value,
        previous=np.nan if change_mark else previous,
        shown=mark,
        change_shown=change_mark,
    )


# --- The public view's figures ----------------------------------------------------------------


def public_places(places: pd.DataFrame, id_column: str, exact: DailyTotals, public: DailyTotals, day, threshold: int):
    """Settlements' or districts' families and persons on ``day`` as the public sees them.

    ``places``: one row per place (lib.metrics.settlement_summary, lib.progress.district_progress);
    ``exact``/``public``: their daily totals exact and public (:func:`public_counts`, or
    :func:`summed` for districts). Returns the frame (:func:`suppress`).
    """
    ids = places[id_column].tolist()
    shown = places.copy()
    public_values = public.on(day, ids)
    for measure in COUNTS:
        shown[measure] = public_values[measure].round().to_numpy()
    known = exact.on(day, ids)[list(COUNTS)].round().reset_index(drop=True)
    out = suppress(shown.reset_index(drop=True), known, threshold)
    out.index = places.index
    return out


def public_key_figures(
    kpis, exact: DailyTotals, day, since, threshold: int, hidden: bool = False, public: DailyTotals | None = None
) -> list:
    """Key figures (lib.kpi.Kpi) as the public sees them: families, persons and occupied homes
    (:data:`KPI_COUNTS`) read from ``public``, the sum of the public places' figures (one group,
    :func:`combined` of :func:`public_counts`; default: ``exact`` stepped as one figure), and
    marked (:func:`public_kpi`) against ``exact``'s only group; persons are hidden with the
    families of the same place. Other figures are left as they are."""
    measures = [m for m in KPI_COUNTS if m in exact.values]
    public = public if public is not None else stepped_totals(exact, threshold, measures)
    on_day, on_since, known = public.total(day), public.total(since), exact.total(day)
    out, families_mark = [], None
    for kpi in sorted(kpis, key=lambda k: k.key != FAMILIES):  # families first: persons follow them
        if kpi.key in measures:
            hide = hidden or (kpi.key == PERSONS and families_mark is not None)
            kpi = public_kpi(kpi, on_day[kpi.key], on_since[kpi.key], known[kpi.key], threshold, hide)
            families_mark = kpi.shown if kpi.key == FAMILIES else families_mark
        out.append(kpi)
    order = {kpi.key: i for i, kpi in enumerate(kpis)}
    return sorted(out, key=lambda k: order[k.key])


def public_returns(
    series: pd.DataFrame, exact: DailyTotals, threshold: int, hidden: bool = False, public: DailyTotals | None = None
) -> pd.DataFrame:
    """Returns over time (lib.progress.returns_over_time: date, families, persons) as the public
    sees them, from ``public`` (as in :func:`public_key_figures`): each point as the key figure
    would be on its day (:func:`public_series`)."""
    public = public if public is not None else stepped_totals(exact, threshold)
    public = public_series(exact, public, series["date"], threshold, hidden)
    names = {FAMILIES: "families", PERSONS: "persons"}
    return public.rename(columns={**names, **{shown_column(m): shown_column(n) for m, n in names.items()}})

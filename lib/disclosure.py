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

from collections.abc import Iterable, Sequence

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

    So any two of its values differ by 0 or at least ``threshold``, and it is never more than
    ``threshold − 1`` from the exact series. Worked on the rows where anything changes only.
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
        public[i] = shown
    return public[np.searchsorted(rows, np.arange(len(flat)), side="right") - 1].reshape(exact.shape)


def stepped_totals(totals: DailyTotals, threshold: int, measures=COUNTS) -> DailyTotals:
    """``totals`` with ``measures`` (families and persons) of every group stepped (:func:`stepped`)."""
    values = dict(totals.values)
    for measure in measures:
        values[measure] = stepped(values[measure], threshold)
    return DailyTotals(totals.first_day, totals.groups, values)


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


# --- 3. Secondary suppression -----------------------------------------------------------------


def _bounds(mark: str, threshold: int) -> tuple[float, float]:
    """What the public knows of a suppressed count from its mark."""
    return (float(threshold), np.inf) if mark == HIDDEN else (1.0, float(threshold - 1))


def pinned(values: Sequence[float], marks: Sequence[str | None], threshold: int) -> list[int]:
    """Positions of the suppressed parts of one group whose value the group's total, the parts
    shown and the marks' bounds pin to a single value."""
    suppressed = [i for i, m in enumerate(marks) if m]
    residual = float(sum(values[i] for i in suppressed))
    bounds = {i: _bounds(marks[i], threshold) for i in suppressed}
    found = []
    for i in suppressed:
        others_low = sum(bounds[j][0] for j in suppressed if j != i)
        others_high = sum(bounds[j][1] for j in suppressed if j != i)
        low, high = max(bounds[i][0], residual - others_high), min(bounds[i][1], residual - others_low)
        if low >= high:
            found.append(i)
    return found


def protect(values: Sequence[float], marks: Sequence[str | None], threshold: int) -> tuple[list[str | None], bool]:
    """Secondary suppression in one group of parts whose total is shown: while a suppressed part
    is pinned (:func:`pinned`), hide the smallest non-zero part still shown (the first of equals).

    Returns the parts' marks and whether the total must be hidden too (nothing was left to hide).
    """
    marks = list(marks)
    while pinned(values, marks, threshold):
        candidates = [i for i, m in enumerate(marks) if not m and values[i] > 0]
        if not candidates:
            return marks, True
        marks[min(candidates, key=lambda i: (values[i], i))] = HIDDEN
    return marks, False


def _protect_groups(values: pd.Series, marks: list, groups: pd.Series | None, threshold: int):
    marks = list(marks)
    hidden_totals = []
    keys = pd.Series("", index=values.index) if groups is None else groups
    numbers = values.to_numpy(dtype="float64")
    for key, positions in pd.Series(np.arange(len(values)), index=values.index).groupby(keys.to_numpy()):
        where = positions.to_numpy()
        if not any(marks[i] for i in where):
            continue
        protected, total_hidden = protect(numbers[where], [marks[i] for i in where], threshold)
        for i, mark in zip(where, protected):
            marks[i] = mark
        if total_hidden:
            hidden_totals.append(key)
    return marks, hidden_totals


def suppress(
    shown: pd.DataFrame,
    exact: pd.DataFrame,
    threshold: int,
    groups: pd.Series | None = None,
    hidden: Iterable[bool] | None = None,
) -> tuple[pd.DataFrame, list]:
    """The public version of a table of parts: families and persons (:data:`COUNTS`) suppressed.

    Parameters
    ----------
    shown : the figures the public would see (stepped), one row per part, with both count columns.
    exact : the exact counts, same rows (a shown 0 over an exact 1 is suppressed too).
    threshold : the suppression threshold.
    groups : the group of each row whose total is shown (e.g. its district); None: one group.
    hidden : rows to hide whatever their value (their own parts gave them away, see the result).

    Returns
    -------
    The frame with suppressed cells NaN and the marks in ``<column>_shown``; and the groups whose
    total must be hidden (a suppressed part that nothing else could protect).
    """
    out = shown.copy()
    families = shown[FAMILIES].to_numpy(dtype="float64")
    marks = [below(threshold) if s else None for s in primary(families, exact[FAMILIES], threshold)]
    if hidden is not None:
        marks = [m or (HIDDEN if h else None) for m, h in zip(marks, hidden)]
    family_marks, hidden_totals = _protect_groups(shown[FAMILIES], marks, groups, threshold)
    persons = shown[PERSONS].to_numpy(dtype="float64")
    small = primary(persons, exact[PERSONS], threshold)
    person_marks = [below(threshold) if s else (HIDDEN if f else None) for s, f in zip(small, family_marks)]
    person_marks, more = _protect_groups(shown[PERSONS], person_marks, groups, threshold)
    for column, column_marks in ((FAMILIES, family_marks), (PERSONS, person_marks)):
        suppressed = np.array([bool(m) for m in column_marks], dtype=bool)
        out[column] = out[column].astype("float64").mask(suppressed)
        out[shown_column(column)] = pd.Series(column_marks, index=out.index, dtype="object")
    return out, sorted(set(hidden_totals) | set(more), key=str)


def mark_of(shown: float, exact: float, threshold: int, hidden: bool = False) -> str | None:
    """The mark of one figure on its own (a total): "<T" when small, :data:`HIDDEN` when its parts
    gave it away, None when shown."""
    if primary([shown], [exact], threshold)[0]:
        return below(threshold)
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


def public_places(
    places: pd.DataFrame,
    id_column: str,
    exact: DailyTotals,
    public: DailyTotals,
    day,
    threshold: int,
    group_column: str | None = None,
    hidden: Iterable[str] = (),
) -> tuple[pd.DataFrame, list]:
    """Settlements' or districts' families and persons on ``day`` as the public sees them.

    ``places``: one row per place (lib.metrics.settlement_summary, lib.progress.district_progress);
    ``exact``/``public``: their daily totals exact and stepped (:func:`stepped_totals`); each group
    of ``group_column`` (None: all rows) has its total shown; ``hidden``: ids to hide whatever
    their figures. Returns the frame (:func:`suppress`) and the groups whose total must be hidden.
    """
    ids = places[id_column].tolist()
    shown = places.copy()
    stepped_values = public.on(day, ids)
    for measure in COUNTS:
        shown[measure] = stepped_values[measure].round().to_numpy()
    known = exact.on(day, ids)[list(COUNTS)].round().reset_index(drop=True)
    groups = None if group_column is None else places[group_column].reset_index(drop=True)
    hidden_rows = places[id_column].isin(list(hidden)).tolist()
    out, hidden_totals = suppress(shown.reset_index(drop=True), known, threshold, groups, hidden_rows)
    out.index = places.index
    return out, hidden_totals


def public_key_figures(kpis, exact: DailyTotals, day, since, threshold: int, hidden: bool = False) -> list:
    """Key figures (lib.kpi.Kpi) as the public sees them: families, persons and occupied homes
    (:data:`KPI_COUNTS`) read from the stepped series of ``exact``'s only group (:func:`combined`)
    and marked (:func:`public_kpi`); persons are hidden with the families of the same place.
    Other figures are left as they are."""
    measures = [m for m in KPI_COUNTS if m in exact.values]
    public = stepped_totals(exact, threshold, measures)
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


def public_returns(series: pd.DataFrame, exact: DailyTotals, threshold: int, hidden: bool = False) -> pd.DataFrame:
    """Returns over time (lib.progress.returns_over_time: date, families, persons) as the public
    sees them, from the stepped series of ``exact``'s only group: each point as the key figure
    would be on its day (:func:`public_series`)."""
    public = public_series(exact, stepped_totals(exact, threshold), series["date"], threshold, hidden)
    names = {FAMILIES: "families", PERSONS: "persons"}
    return public.rename(columns={**names, **{shown_column(m): shown_column(n) for m, n in names.items()}})

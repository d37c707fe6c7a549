"""Relocation convoys: the reported ones as they are, and generated ones that fill the gaps.

Reported convoys are far fewer than the returns that officials total up, so the generator adds
convoys until the running totals meet each reported figure: first per settlement (a settlement's
reported cumulative families and persons on a date), then for all return areas (the national
totals), then per month (monthly totals). Generated convoys are placed between the previous
reported figure and the one they make up for, so earlier figures stay met; national gaps go to
settlements whose own reported series has ended, so settlement figures stay met as well.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.schema import DEMO_SOURCE_PREFIX

PERSONS_PER_FAMILY = 3.95  # 13,745 persons / 3,464 families, State Committee, 1 May 2025
CONVOY_FAMILIES = (12, 45)  # the size range of reported convoys
RETURN_METRICS = {"families_returned": "families", "persons_returned": "persons"}


def _split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """``total`` split into ``parts`` positive integers of random sizes."""
    if parts <= 1:
        return np.array([total])
    weights = rng.uniform(0.6, 1.4, parts)
    shares = np.floor(weights / weights.sum() * total).astype(int)
    shares[: total - shares.sum()] += 1
    return shares


def convoys_for_gap(
    settlement_id: str,
    families: int,
    persons: int,
    window: tuple[pd.Timestamp, pd.Timestamp],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Convoys carrying ``families`` and ``persons`` to one settlement, dated within ``window``."""
    families = max(int(families), 0)
    if families == 0:
        return pd.DataFrame(columns=["date", "settlement_id", "families", "persons"])
    persons = max(int(persons), families)
    parts = max(1, round(families / rng.integers(*CONVOY_FAMILIES)))
    family_counts = _split(families, parts, rng)
    person_counts = family_counts + _split(persons - families, parts, rng)
    start, end = window
    span = max((end - start).days, 1)
    days = np.sort(rng.integers(0, span, parts)) + 1
    return pd.DataFrame(
        {
            "date": [min(start + pd.Timedelta(days=int(d)), end) for d in days],
            "settlement_id": settlement_id,
            "families": family_counts,
            "persons": person_counts,
        }
    )


def _series(figures: pd.DataFrame) -> pd.DataFrame:
    """Reported cumulative families/persons as one row per (settlement, date)."""
    returns = figures[figures["metric"].isin(list(RETURN_METRICS))]
    wide = returns.pivot_table(
        index=["settlement_id", "date"], columns="metric", values="value", aggfunc="max", dropna=False
    ).rename(columns=RETURN_METRICS)
    wide = wide.dropna(how="all").reset_index()
    for column in RETURN_METRICS.values():
        if column not in wide.columns:
            wide[column] = np.nan
    return wide.sort_values(["settlement_id", "date"])


class _Ledger:
    """Real and generated convoys so far, with running totals."""

    def __init__(self, real: pd.DataFrame):
        self.frames = [real[["date", "settlement_id", "families", "persons"]]]

    @property
    def all(self) -> pd.DataFrame:
        return pd.concat(self.frames, ignore_index=True)

    def totals(self, day, settlement_ids=None, since=None) -> tuple[int, int]:
        convoys = self.all
        mask = convoys["date"] <= day
        if since is not None:
            mask &= convoys["date"] > since
        if settlement_ids is not None:
            mask &= convoys["settlement_id"].isin(settlement_ids)
        return int(convoys.loc[mask, "families"].sum()), int(convoys.loc[mask, "persons"].sum())

    def add(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self.frames.append(frame)


def _fill(ledger, settlement_id, need_families, need_persons, window, rng) -> None:
    if need_families <= 0:
        return
    if not need_persons or need_persons < need_families:
        need_persons = round(need_families * PERSONS_PER_FAMILY)
    ledger.add(convoys_for_gap(settlement_id, need_families, need_persons, window, rng))


def _spread(ledger, eligible: pd.Series, need_families, need_persons, window, rng) -> None:
    """Split a gap across settlements in proportion to their weights."""
    if need_families <= 0 or eligible.empty:
        return
    if not need_persons or need_persons < need_families:
        need_persons = round(need_families * PERSONS_PER_FAMILY)
    shares = eligible / eligible.sum()
    families = np.floor(shares * need_families).astype(int)
    families.iloc[: need_families - families.sum()] += 1
    persons = np.floor(shares * need_persons).astype(int)
    persons.iloc[: need_persons - persons.sum()] += 1
    for settlement_id in eligible.index:
        window_start = max(window[0], eligible_start(ledger, settlement_id, window[0]))
        _fill(ledger, settlement_id, families[settlement_id], persons[settlement_id], (window_start, window[1]), rng)


def eligible_start(ledger, settlement_id, default):
    convoys = ledger.all
    dates = convoys.loc[convoys["settlement_id"] == settlement_id, "date"]
    return dates.min() - pd.Timedelta(days=1) if len(dates) else default


def calibrate_returns(
    reported_convoys: pd.DataFrame,
    reported_figures: pd.DataFrame,
    settlement_weights: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """All convoys: reported ones unchanged plus generated ones meeting the reported totals.

    Parameters
    ----------
    reported_convoys : event_id, date, settlement_id, families, persons, source.
    reported_figures : the curated figures (metrics families_returned, persons_returned and
        their ``_in_month`` variants; settlement_id empty for all return areas).
    settlement_weights : how many returns each settlement can take (e.g. its planned
        households), indexed by settlement_id; settlements absent here receive no generated convoys.
    """
    ledger = _Ledger(reported_convoys)
    figures = reported_figures[reported_figures["qualifier"] != "more_than"]
    local = _series(figures[figures["settlement_id"].notna()])
    last_local = local.groupby("settlement_id")["date"].max()

    for settlement_id, series in local.groupby("settlement_id"):
        previous = series["date"].min() - pd.Timedelta(days=150)
        for row in series.itertuples():
            families, persons = ledger.totals(row.date, [settlement_id])
            need_f = 0 if pd.isna(row.families) else int(row.families) - families
            need_p = 0 if pd.isna(row.persons) else int(row.persons) - persons
            _fill(ledger, settlement_id, need_f, need_p if need_p > 0 else None, (previous, row.date), rng)
            previous = row.date

    national = _series(figures[figures["settlement_id"].isna()].fillna({"settlement_id": "*"}))
    previous = national["date"].min() - pd.Timedelta(days=120)
    for row in national.itertuples():
        families, persons = ledger.totals(row.date)
        need_f = 0 if pd.isna(row.families) else int(row.families) - families
        need_p = 0 if pd.isna(row.persons) else int(row.persons) - persons
        if need_f <= 0 and need_p > 0.05 * persons:
            need_f = round(need_p / PERSONS_PER_FAMILY)
        started = set(ledger.all.loc[ledger.all["date"] <= row.date, "settlement_id"])
        free = [s for s in settlement_weights.index if s in started and last_local.get(s, previous) <= previous]
        _spread(ledger, settlement_weights[free], need_f, need_p if need_p > 0 else None, (previous, row.date), rng)
        previous = row.date

    monthly = reported_figures[reported_figures["metric"].str.endswith("_in_month")]
    for month_end, month in monthly.groupby("date"):
        month_start = month_end - pd.offsets.MonthBegin(1) - pd.Timedelta(days=1)
        values = dict(zip(month["metric"], month["value"]))
        families, persons = ledger.totals(month_end, since=month_start)
        need_f = int(values.get("families_returned_in_month", 0)) - families
        need_p = int(values.get("persons_returned_in_month", 0)) - persons
        started = set(ledger.all.loc[ledger.all["date"] <= month_start, "settlement_id"])
        free = [s for s in settlement_weights.index if s in started and last_local.get(s, month_start) <= month_start]
        _spread(ledger, settlement_weights[free], need_f, need_p if need_p > 0 else None, (month_start, month_end), rng)

    generated = pd.concat(ledger.frames[1:], ignore_index=True) if len(ledger.frames) > 1 else None
    if generated is None or generated.empty:
        return reported_convoys.copy()
    generated = generated.sort_values(["date", "settlement_id"], kind="stable").reset_index(drop=True)
    generated["event_id"] = [f"demo-convoy-{i + 1:05d}" for i in range(len(generated))]
    generated["source"] = f"{DEMO_SOURCE_PREFIX}: convoy generated to meet reported totals"
    return pd.concat([reported_convoys, generated], ignore_index=True).sort_values(
        ["date", "event_id"], kind="stable", ignore_index=True
    )


def convoys_for_listed_settlements(returns: pd.DataFrame, listed: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """One generated convoy for each settlement that an official list names as having received
    returns by a date (``listed``: date by settlement_id) but that has no convoy by then."""
    reached = set(returns["settlement_id"])
    frames = []
    for settlement_id, listed_date in listed.dropna().sort_index().items():
        if (
            settlement_id in reached
            and returns.loc[returns["settlement_id"] == settlement_id, "date"].min() <= listed_date
        ):
            continue
        families = int(rng.integers(*CONVOY_FAMILIES))
        window = (listed_date - pd.Timedelta(days=150), listed_date)
        frames.append(convoys_for_gap(settlement_id, families, round(families * PERSONS_PER_FAMILY), window, rng))
    if not frames:
        return returns
    added = pd.concat(frames, ignore_index=True)
    added["event_id"] = [f"demo-listed-{i + 1:04d}" for i in range(len(added))]
    added["source"] = f"{DEMO_SOURCE_PREFIX}: convoy generated for a settlement on the official list of returns"
    return pd.concat([returns, added], ignore_index=True).sort_values(
        ["date", "event_id"], kind="stable", ignore_index=True
    )

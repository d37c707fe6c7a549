"""Mine action as of a day, in the terms of IMAS 07.11 (land release) and GICHD's minimum data
requirements: hazard areas by status and device category, land released by method (cancelled by
non-technical survey, reduced by technical survey, cleared), hectares remaining, items found,
mine-risk education, and the nationally reported figures beside the data.

Land counts as released once its polygon's release is recorded (``released_date`` on or before
the day): IMAS counts land released when the release is complete, so the partial progress of a
polygon still in clearance is not released land yet. Pure functions over the layers' frames; the
work that does not depend on the day (:func:`release_series`) is done once per data version.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import proximity
from lib.as_of import reached
from lib.kpi import Base, Kpi, Reported
from lib.schema import DEVICE_CATEGORIES, HAZARD_STATUSES, LAYERS, MRE_AUDIENCES, RELEASE_METHODS

# What a polygon is on the map and in the tables: its status, or how it was released.
HAZARD_CLASSES = ("suspected", "confirmed", "in_clearance", *RELEASE_METHODS)
NOT_RECORDED = -1  # a polygon not recorded yet on the day
REPORTED_METRICS = ("hectares_cleared", "mine_victims")


def prepared(hazards: pd.DataFrame) -> pd.DataFrame:
    """The hazard polygons' attributes as the day's figures read them, without the geometry and
    with the district, device category and release method as categories: built once per data
    version, it spares every change of day the passes over 200,000 strings (at 100x the data)."""
    columns = [c for c in hazards.columns if c != "geometry"]
    table = pd.DataFrame(hazards[columns]).reset_index(drop=True)
    numbers = {c: table[c].to_numpy(dtype="float64", na_value=0.0) for c in ("area_ha", "released_ha", "items_found")}
    return table.assign(
        **numbers,
        district_id=table["district_id"].astype("category"),
        device_category=pd.Categorical(table["device_category"], categories=DEVICE_CATEGORIES),
        release_method=pd.Categorical(table["release_method"], categories=RELEASE_METHODS),
    )


def _codes(values: pd.Series, categories) -> np.ndarray:
    """Each value's position in ``categories`` (-1 for none of them)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and tuple(values.cat.categories) == tuple(categories):
        return values.cat.codes.to_numpy()
    return pd.Categorical(values, categories=categories).codes


def status_codes(hazards: pd.DataFrame, day) -> np.ndarray:
    """Each polygon's status on ``day`` as its position in :data:`lib.schema.HAZARD_STATUSES`
    (:data:`NOT_RECORDED` before it was recorded as suspected)."""
    codes = np.full(len(hazards), NOT_RECORDED)
    for position, column in enumerate(LAYERS["hazard_areas"].status_dates.values()):
        codes = np.where(reached(hazards, column, day), position, codes)
    return codes


def class_codes(hazards: pd.DataFrame, day) -> np.ndarray:
    """Each polygon's class on ``day`` as its position in :data:`HAZARD_CLASSES` (its status, or
    its release method once released; :data:`NOT_RECORDED` before it was recorded)."""
    codes = status_codes(hazards, day)
    released = codes == HAZARD_STATUSES.index("released")
    method = _codes(hazards["release_method"], RELEASE_METHODS)
    # a released polygon without a method (an imported record may lack it) reads as released by clearance
    method = np.where(method < 0, RELEASE_METHODS.index("cleared"), method)
    return np.where(released, HAZARD_STATUSES.index("released") + method, codes)


def hazard_classes(hazards: pd.DataFrame, day) -> np.ndarray:
    """Each polygon's class on ``day`` by name (:func:`class_codes`; None before it was recorded)."""
    return np.array([None, *HAZARD_CLASSES], dtype=object)[class_codes(hazards, day) + 1]


def _released_ha(hazards: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    released = codes == HAZARD_STATUSES.index("released")
    return np.where(released, hazards["released_ha"].to_numpy(dtype="float64", na_value=0.0), 0.0)


def status_by_device(hazards: pd.DataFrame, day, codes: np.ndarray | None = None) -> pd.DataFrame:
    """Polygons recorded by ``day`` per status and device category: ``status``,
    ``device_category``, ``polygons`` and ``area_ha``, every pair listed (zeros included) in the
    order of the schema's vocabularies."""
    codes = status_codes(hazards, day) if codes is None else codes
    known = codes != NOT_RECORDED
    device = _codes(hazards["device_category"], DEVICE_CATEGORIES)[known]
    cell = codes[known] * len(DEVICE_CATEGORIES) + device
    size = len(HAZARD_STATUSES) * len(DEVICE_CATEGORIES)
    area = hazards["area_ha"].to_numpy(dtype="float64")[known]
    valid = device >= 0
    return pd.DataFrame(
        {
            "status": np.repeat(HAZARD_STATUSES, len(DEVICE_CATEGORIES)),
            "device_category": np.tile(DEVICE_CATEGORIES, len(HAZARD_STATUSES)),
            "polygons": np.bincount(cell[valid], minlength=size),
            "area_ha": np.bincount(cell[valid], weights=area[valid], minlength=size),
        }
    )


def land_by_district(hazards: pd.DataFrame, day, codes: np.ndarray | None = None) -> pd.DataFrame:
    """Per district, the hazard area recorded by ``day`` (``area_ha``), released (``released_ha``)
    and remaining (``remaining_ha``), and the ``share_released`` (0..1), most remaining first."""
    columns = ["district_id", "area_ha", "released_ha", "remaining_ha", "share_released"]
    codes = status_codes(hazards, day) if codes is None else codes
    known = codes != NOT_RECORDED
    if not known.any():
        return pd.DataFrame(columns=columns)
    district = hazards["district_id"].astype("category")  # a no-op on a prepared table
    code = district.cat.codes.to_numpy()[known]
    size = len(district.cat.categories)
    area = np.bincount(code, weights=hazards["area_ha"].to_numpy(dtype="float64")[known], minlength=size)
    released = np.bincount(code, weights=_released_ha(hazards, codes)[known], minlength=size)
    present = np.bincount(code, minlength=size) > 0
    table = pd.DataFrame(
        {
            "district_id": np.asarray(district.cat.categories)[present],
            "area_ha": area[present],
            "released_ha": released[present],
        }
    )
    table["remaining_ha"] = (table["area_ha"] - table["released_ha"]).clip(lower=0)
    table["share_released"] = table["released_ha"] / table["area_ha"].where(table["area_ha"] > 0)
    return table.sort_values(["remaining_ha", "district_id"], ascending=[False, True], ignore_index=True)[columns]


def items_found(hazards: pd.DataFrame, day, codes: np.ndarray | None = None) -> pd.DataFrame:
    """Mines and explosive items found in the polygons released by ``day``, per main device
    category: ``device_category``, ``items_found``, ``polygons`` (released polygons), in the
    schema's order. An item is counted with its polygon's release (the records give one total
    per polygon, not the day each item was found)."""
    codes = status_codes(hazards, day) if codes is None else codes
    released = codes == HAZARD_STATUSES.index("released")
    device = _codes(hazards["device_category"], DEVICE_CATEGORIES)[released]
    items = hazards["items_found"].to_numpy(dtype="float64", na_value=0.0)[released]
    valid = device >= 0
    return pd.DataFrame(
        {
            "device_category": list(DEVICE_CATEGORIES),
            "items_found": np.bincount(device[valid], weights=items[valid], minlength=len(DEVICE_CATEGORIES)).astype(
                "int64"
            ),
            "polygons": np.bincount(device[valid], minlength=len(DEVICE_CATEGORIES)),
        }
    )


def release_series(hazards: pd.DataFrame) -> pd.DataFrame:
    """Hectares released by each method, cumulative, on every day from the first release to the
    last (index: day; columns: :data:`lib.schema.RELEASE_METHODS`). It does not depend on the day
    shown, so it is built once per data version and cut with :func:`released_over_time`."""
    released = hazards[hazards["released_date"].notna() & hazards["release_method"].notna()]
    if released.empty:
        return pd.DataFrame(columns=list(RELEASE_METHODS), index=pd.DatetimeIndex([], name="date"), dtype="float64")
    daily = (
        released.assign(date=pd.to_datetime(released["released_date"]).dt.normalize())
        .pivot_table(index="date", columns="release_method", values="released_ha", aggfunc="sum", observed=True)
        .reindex(columns=list(RELEASE_METHODS), fill_value=0.0)
        .fillna(0.0)
    )
    days = pd.date_range(daily.index.min(), daily.index.max(), freq="D", name="date")
    return daily.reindex(days, fill_value=0.0).cumsum()


def released_on(series: pd.DataFrame, day) -> pd.Series:
    """Hectares released by each method by ``day`` (a row of :func:`release_series`; zeros before
    the first release)."""
    day = pd.Timestamp(day).normalize()  # the series is by day (and a time of day cannot be cast to its unit)
    if series.empty or day < series.index[0]:
        return pd.Series(0.0, index=list(RELEASE_METHODS))
    return series.iloc[series.index.searchsorted(day, side="right") - 1]


def released_over_time(series: pd.DataFrame, day) -> pd.DataFrame:
    """Cumulative hectares released by method at each month's end up to ``day``, and on ``day``:
    ``date`` and one column per method (:data:`lib.schema.RELEASE_METHODS`)."""
    day = pd.Timestamp(day).normalize()
    if series.empty or day < series.index[0]:
        return pd.DataFrame(columns=["date", *RELEASE_METHODS])
    month_ends = pd.date_range(series.index[0], day, freq="ME")
    dates = month_ends.append(pd.DatetimeIndex([day])).unique()
    rows = series.reindex(series.index.union(dates)).ffill().reindex(dates)
    return rows.rename_axis("date").reset_index()


def education_on(sessions: pd.DataFrame, day) -> pd.DataFrame:
    """The mine-risk education sessions held by ``day``."""
    return sessions[reached(sessions, "date", day)]


def education_over_time(sessions: pd.DataFrame, day) -> pd.DataFrame:
    """People reached by mine-risk education each month up to ``day``, per audience: ``date``
    (the month's end, or ``day`` for the last month), ``audience``, ``sessions``,
    ``people_reached`` and ``cumulative`` (people reached since the first session)."""
    columns = ["date", "audience", "sessions", "people_reached", "cumulative"]
    held = education_on(sessions, day)
    if held.empty:
        return pd.DataFrame(columns=columns)
    month = pd.to_datetime(held["date"]).dt.to_period("M").dt.to_timestamp(how="end").dt.normalize()
    month = month.where(month <= pd.Timestamp(day), pd.Timestamp(day))
    grouped = (
        held.assign(date=month, audience=pd.Categorical(held["audience"], categories=MRE_AUDIENCES))
        .groupby(["date", "audience"], observed=False)
        .agg(sessions=("session_id", "size"), people_reached=("people_reached", "sum"))
        .reset_index()
    )
    grouped["cumulative"] = grouped.groupby("audience", observed=False)["people_reached"].cumsum()
    grouped["audience"] = grouped["audience"].astype(str)
    return grouped[columns]


def education_by_district(sessions: pd.DataFrame, settlements: pd.DataFrame, day) -> pd.DataFrame:
    """Sessions and people reached by ``day`` per district and audience: ``district_id``,
    ``audience``, ``sessions``, ``people_reached`` (pairs with a session only)."""
    held = education_on(sessions, day)
    district_of = settlements.set_index("settlement_id")["district_id"]
    frame = held.assign(district_id=held["settlement_id"].map(district_of).to_numpy())
    return (
        frame.groupby(["district_id", "audience"])
        .agg(sessions=("session_id", "size"), people_reached=("people_reached", "sum"))
        .reset_index()
        .astype({"sessions": "int64", "people_reached": "int64"})
    )


def reported_beside_data(
    figures: pd.DataFrame, series: pd.DataFrame, day, every_return_area: bool = True
) -> pd.DataFrame:
    """The latest nationally reported figure of each of :data:`REPORTED_METRICS` on or before
    ``day`` (all return areas), with what the data say on the same date where they can say it:
    ``metric``, ``date``, ``value``, ``qualifier``, ``source`` (the first URL) and ``data_value``
    (hectares released by every method on that date; NaN for mine victims, which the data do not
    record, and for every figure unless ``every_return_area``: ``series`` of some districts only is not
    comparable with a national report). A metric with no report by ``day`` is left out."""
    day = pd.Timestamp(day)
    national = figures[
        figures["metric"].isin(REPORTED_METRICS) & figures["district_id"].isna() & (figures["date"] <= day)
    ]
    latest = national.sort_values(["date", "value"]).groupby("metric").tail(1)
    rows = []
    for metric in REPORTED_METRICS:
        row = latest[latest["metric"] == metric]
        if row.empty:
            continue
        row = row.iloc[0]
        comparable = every_return_area and metric == "hectares_cleared"
        data_value = float(released_on(series, row["date"]).sum()) if comparable else np.nan
        rows.append(
            {
                "metric": metric,
                "date": row["date"],
                "value": float(row["value"]),
                "qualifier": row["qualifier"],
                "source": str(row["source"]).split(" | ")[0].strip(),
                "data_value": data_value,
            }
        )
    return pd.DataFrame(rows, columns=["metric", "date", "value", "qualifier", "source", "data_value"])


def reported_series(figures: pd.DataFrame, day, metric: str = "hectares_cleared") -> pd.DataFrame:
    """Every national report of ``metric`` up to ``day`` (``date``, ``value``, ``qualifier``,
    ``source``), oldest first, for charts that show the reports beside the data."""
    rows = figures[
        (figures["metric"] == metric) & figures["district_id"].isna() & (figures["date"] <= pd.Timestamp(day))
    ]
    return rows.sort_values("date")[["date", "value", "qualifier", "source"]].reset_index(drop=True)


def headline(
    hazards: pd.DataFrame, series: pd.DataFrame, sessions: pd.DataFrame, day, codes: np.ndarray | None = None
) -> dict[str, float]:
    """The page's key figures on ``day``: ``released_ha`` (every method), ``cleared_ha``,
    ``remaining_ha``, ``recorded_ha``, ``unreleased_polygons``, ``items_found``, ``mre_sessions``
    and ``mre_people_reached``. ``codes``: :func:`status_codes` on ``day``, when already worked out
    (as for every function here that takes them)."""
    codes = status_codes(hazards, day) if codes is None else codes
    known = codes != NOT_RECORDED
    released = codes == HAZARD_STATUSES.index("released")
    recorded_ha = float(hazards["area_ha"].to_numpy(dtype="float64")[known].sum())
    released_ha = float(_released_ha(hazards, codes).sum())
    held = education_on(sessions, day)
    return {
        "released_ha": released_ha,
        "cleared_ha": float(released_on(series, day).get("cleared", 0.0)),
        "recorded_ha": recorded_ha,
        "remaining_ha": max(recorded_ha - released_ha, 0.0),
        "unreleased_polygons": int((known & ~released).sum()),
        "items_found": int(hazards["items_found"].to_numpy(dtype="float64", na_value=0.0)[released].sum()),
        "mre_sessions": len(held),
        "mre_people_reached": int(held["people_reached"].sum()),
    }


def _latest_report(figures: pd.DataFrame, metric: str, day, label: str = "kpi.latest_reported") -> Reported | None:
    reports = reported_series(figures, day, metric)
    if reports.empty:
        return None
    last = reports.iloc[-1]
    return Reported(float(last["value"]), last["date"], str(last["source"]), label)


def key_figures(
    hazards: pd.DataFrame,
    series: pd.DataFrame,
    sessions: pd.DataFrame,
    figures: pd.DataFrame,
    day,
    since,
    codes: np.ndarray | None = None,
    before: dict[str, float] | None = None,
) -> list[Kpi]:
    """The page's cards on ``day`` with their change since ``since``: hectares released (beside the
    latest national report of hectares cleared), hectares remaining, items found, people reached by
    mine-risk education, and the latest reported number of mine victims (when one is reported).
    ``before``: :func:`headline` on ``since``, when already worked out."""
    now = headline(hazards, series, sessions, day, codes)
    before = headline(hazards, series, sessions, since) if before is None else before
    area = Base("hazard_area", now["recorded_ha"])

    def card(key, measure, unit, base=None, reported=None):
        return Kpi(key, now[measure], unit, True, before[measure], pd.Timestamp(since), base, reported)

    # the national reports' "hectares cleared" count land released by every method (the demonstration
    # data's release is calibrated to them), so the card says so rather than "cleared"
    cleared = _latest_report(figures, "hectares_cleared", day, "mine_action.reported_cleared_card")
    cards = [
        card("hectares_released", "released_ha", "ha", area, cleared),
        card("hazard_remaining", "remaining_ha", "ha", area),
        card("items_found", "items_found", "items"),
        card("mre_people_reached", "mre_people_reached", "persons"),
    ]
    victims = _latest_report(figures, "mine_victims", day, "mine_action.reported_national")
    if victims is not None:
        earlier = _latest_report(figures, "mine_victims", since)
        cards.append(
            Kpi(
                "mine_victims",
                victims.value,
                "persons",
                False,
                earlier.value if earlier else 0.0,
                pd.Timestamp(since),
                reported=victims,
            )
        )
    return cards


def near_on(periods: pd.DataFrame, day) -> np.ndarray:
    """Which periods near hazardous land (:func:`lib.proximity.near_intervals`) hold ``day``, as a
    boolean mask (what :func:`lib.proximity.unreleased_on` keeps, without copying the rows)."""
    return reached(periods, "near_from", day) & ~reached(periods, "near_until", day)


def nearest_on(periods: pd.DataFrame, day, rows: int) -> pd.DataFrame:
    """The ``rows`` periods holding ``day`` whose feature is nearest to a hazard polygon, nearest
    first: at 100x the data a day has some 250,000 houses near one, too many to list or copy."""
    kept = np.flatnonzero(near_on(periods, day))
    distance = periods["nearest_m"].to_numpy(dtype="float64")[kept]
    if len(kept) > rows:
        first = np.argpartition(distance, rows - 1)[:rows]
        kept, distance = kept[first], distance[first]
    return periods.iloc[kept[np.argsort(distance, kind="stable")]].reset_index(drop=True)


@dataclass(frozen=True)
class NearCounts:
    """How many features (houses or assets) of each settlement are near hazardous land on any
    day, from their periods near it (:func:`lib.proximity.near_intervals`) sorted once per data
    version: a day's count is then two binary searches per settlement, where grouping the 600,000
    periods of the houses at 100x the data on every change of day cost tens of milliseconds."""

    settlement_ids: tuple[str, ...]
    starts: tuple[np.ndarray, ...]  # each settlement's periods' first days, sorted
    ends: tuple[np.ndarray, ...]  # their last days (the release of the last polygon), sorted; none while open

    @classmethod
    def of(cls, periods: pd.DataFrame) -> NearCounts:
        ids = periods["settlement_id"].astype(str).to_numpy()
        starts = periods["near_from"].to_numpy(dtype="datetime64[ns]")
        ends = periods["near_until"].to_numpy(dtype="datetime64[ns]")
        names = tuple(sorted(set(ids)))
        return cls(
            names,
            tuple(np.sort(starts[ids == name]) for name in names),
            tuple(np.sort(ends[(ids == name) & ~np.isnat(ends)]) for name in names),
        )

    def on(self, day) -> pd.Series:
        """Features near hazardous land on ``day`` per settlement_id (those with any)."""
        day = np.datetime64(pd.Timestamp(day), "ns")
        counts = np.array(
            [
                np.searchsorted(s, day, "right") - np.searchsorted(e, day, "right")
                for s, e in zip(self.starts, self.ends)
            ],
            dtype="int64",
        )
        series = pd.Series(counts, index=pd.Index(self.settlement_ids, name="settlement_id"), dtype="int64")
        return series[series > 0]


def near_per_settlement(settlement_pairs: pd.DataFrame, houses: NearCounts, assets: NearCounts, day) -> pd.DataFrame:
    """:func:`lib.proximity.near_per_settlement` with the houses and assets counted by
    :class:`NearCounts` (the same table, at a fraction of the cost of a change of day)."""
    near = proximity.near_per_settlement(settlement_pairs, None, None, day).set_index("settlement_id")
    counts = pd.DataFrame({"houses_near": houses.on(day), "assets_near": assets.on(day)})
    near = near.drop(columns=["houses_near", "assets_near"]).join(counts, how="outer")
    columns = ["hazard_count", "houses_near", "assets_near"]
    near[columns] = near[columns].fillna(0).astype("int64")
    near["hazard_ha"] = near["hazard_ha"].fillna(0.0)
    return near.rename_axis("settlement_id").reset_index()[proximity.NEAR_COLUMNS]

"""The curated tables of real records: typed, sourced, joined on ids."""

import pandas as pd
import pytest

from lib.config import GEODATA_DIR
from lib.validation import validate_layer

DISTRICT_SEATS = {
    "AZ-XA",
    "AZ-AGC",
    "AZ-AGM",
    "AZ-BAR",
    "AZ-FUZ",
    "AZ-XCI",
    "AZ-XVD",
    "AZ-SUS",
    "AZ-TAR",
    "AZ-CAB",
    "AZ-KAL",
    "AZ-QBI",
    "AZ-LAC",
    "AZ-ZAN",
}
# Points the simplified geoBoundaries polygons put in Khojaly (geodata/SETTLEMENTS.md)
KNOWN_OUTSIDE_POLYGON = {"AZ-XA-khankendi-city", "AZ-XA-karkijahan", "AZ-SUS-shusha-city"}


def test_every_row_of_every_curated_table_has_a_source():
    for table in ("settlements", "reported_convoys", "reported_figures", "targets"):
        frame = pd.read_csv(GEODATA_DIR / f"{table}.csv", dtype=str)
        assert frame["source"].notna().all() and frame["source"].str.contains("http").all(), table


def test_curated_tables_are_valid_layers(real):
    assert validate_layer("returns", real.convoys) == []
    assert validate_layer("reported_figures", real.figures) == []
    assert validate_layer("targets", real.targets) == []


def test_every_convoy_goes_to_a_curated_settlement(real):
    assert set(real.convoys["settlement_id"]) <= set(real.settlements["settlement_id"])
    assert len(real.convoys) == 61  # 63 reported rows: one undated, one that repeats two others


def test_each_return_area_district_has_its_seat(real):
    seats = real.settlements[real.settlements["kind"] == "city"]
    assert set(seats["district_id"]) >= DISTRICT_SEATS


def test_points_lie_in_their_district_except_the_documented_ones(real):
    districts = real.districts.set_index("district_id").geometry
    settlements = real.settlements.set_index("settlement_id")
    inside = settlements.geometry.within(districts.reindex(settlements["district_id"]).set_axis(settlements.index))
    assert set(inside[~inside].index) == KNOWN_OUTSIDE_POLYGON


def test_unknown_locations_are_told_apart_and_marked(real):
    unknown = real.settlements[real.settlements["coord_quality"] == "district_seat"]
    assert len(unknown) and unknown.geometry.is_unique
    assert not real.settlements.geometry.duplicated().any()


@pytest.mark.parametrize(("metric", "value"), [("families", 34500), ("persons", 140000), ("houses", 34500)])
def test_programme_targets_for_2026_are_the_published_ones(real, metric, value):
    target = real.targets[
        (real.targets["metric"] == metric)
        & real.targets["district_id"].isna()
        & (real.targets["target_date"] == pd.Timestamp("2026-12-31"))
    ]
    assert target["value"].tolist() == [value]

"""District boundaries: obtained per the settings, names normalised to ISO codes, gaps reported."""

from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Polygon

from lib.boundaries import (
    BoundariesUnavailable,
    boundaries_path,
    match_district_names,
    normalise_districts,
    read_boundaries,
)
from lib.config import Settings

KARABAKH = {"AZ-XA", "AZ-AGC", "AZ-AGM", "AZ-BAR", "AZ-FUZ", "AZ-XCI", "AZ-XVD", "AZ-SUS", "AZ-TAR"}
EAST_ZANGEZUR = {"AZ-CAB", "AZ-KAL", "AZ-QBI", "AZ-LAC", "AZ-ZAN"}


@pytest.fixture(scope="module")
def districts_and_matches(settings):
    return normalise_districts(read_boundaries(boundaries_path(settings)))


def test_all_79_features_match_a_district_code_exactly(settings, districts_and_matches):
    raw = read_boundaries(boundaries_path(settings))
    _, matches = districts_and_matches
    assert len(raw) == 79
    assert {m.match for m in matches} == {"exact"}


def test_features_of_one_district_are_merged(settings, districts_and_matches):
    districts, _ = districts_and_matches
    raw = read_boundaries(boundaries_path(settings))
    assert (raw["shapeName"] == "Lankaran District").sum() == 2
    assert districts["district_id"].is_unique
    assert len(districts) == 77  # 79 features: Lankaran District twice, Shusha City within Shusha
    lankaran = districts.set_index("district_id").geometry["AZ-LAN"]
    pieces = raw.loc[raw["shapeName"] == "Lankaran District"].geometry.union_all()
    assert lankaran.symmetric_difference(pieces).area < 1e-9


def test_return_areas_are_marked_by_economic_region(districts_and_matches):
    districts, _ = districts_and_matches
    regions = districts.groupby("economic_region")["district_id"].apply(set).to_dict()
    assert regions == {"Karabakh": KARABAKH, "East Zangezur": EAST_ZANGEZUR}
    assert districts.crs.to_epsg() == 4326 and districts.is_valid.all()


def test_names_that_differ_are_matched_loosely_and_reported_as_such():
    lookup = pd.DataFrame(
        {
            "geoboundaries_name": ["Qubadli District"],
            "district_id": ["AZ-QBI"],
            "name_en": ["Gubadli"],
            "name_az": ["Qubadlı"],
        }
    )
    matches = match_district_names(pd.Series(["Qubadli District", "QUBADLI", "Qubadlı Rayon", "Atlantis"]), lookup)
    assert [(m.district_id, m.match) for m in matches] == [
        ("AZ-QBI", "exact"),
        ("AZ-QBI", "normalised"),
        ("AZ-QBI", "normalised"),
        (None, "unmatched"),
    ]


def test_unmatched_names_are_left_out_of_the_layer_and_reported():
    raw = gpd.GeoDataFrame(
        {"shapeName": ["Lachin District", "Atlantis District"]},
        geometry=[Polygon([(46, 39), (47, 39), (47, 40)]), Polygon([(0, 0), (1, 0), (1, 1)])],
        crs="EPSG:4326",
    )
    districts, matches = normalise_districts(raw)
    assert list(districts["district_id"]) == ["AZ-LAC"]
    assert [m.name for m in matches if m.match == "unmatched"] == ["Atlantis District"]


def test_missing_local_copy_says_what_to_do(tmp_path):
    settings = Settings(boundaries_file=tmp_path / "nothing.geojson", cache_dir=tmp_path)
    with pytest.raises(BoundariesUnavailable) as raised:
        boundaries_path(settings)
    message = str(raised.value)
    assert "does not exist" in message and "GREAT_RETURN_BOUNDARIES_FILE" in message
    assert settings.boundaries_url in message


def test_failed_download_says_what_to_do(tmp_path):
    # port 9 (discard) on loopback: refused at once, no traffic leaves the machine
    settings = Settings(boundaries_file=None, boundaries_url="http://127.0.0.1:9/aze.geojson", cache_dir=tmp_path)
    with pytest.raises(BoundariesUnavailable) as raised:
        boundaries_path(settings)
    assert "Could not download" in str(raised.value) and "GREAT_RETURN_BOUNDARIES_FILE" in str(raised.value)


def test_download_happens_once_and_is_kept_in_the_cache_folder(tmp_path, boundaries_server, monkeypatch):
    url, requests = boundaries_server
    monkeypatch.delenv("GREAT_RETURN_BOUNDARIES_FILE", raising=False)
    monkeypatch.setenv("GREAT_RETURN_BOUNDARIES_URL", url)
    monkeypatch.setenv("GREAT_RETURN_CACHE_DIR", str(tmp_path / "cache"))
    first = boundaries_path(Settings())
    again = boundaries_path(Settings())
    assert first == again == tmp_path / "cache" / "geoboundaries" / Path(url).name
    assert len(requests) == 1
    assert len(read_boundaries(first)) == 79


def test_the_default_download_is_the_pinned_geoboundaries_release():
    url = Settings.model_fields["boundaries_url"].default
    assert url.startswith("https://github.com/wmgeolab/geoBoundaries/raw/9469f09/")
    assert Path(url).name == "geoBoundaries-AZE-ADM2_simplified.geojson"


def test_a_file_that_is_not_geojson_is_refused_in_plain_words(tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(BoundariesUnavailable, match="not a readable GeoJSON"):
        read_boundaries(broken)

"""The mine-risk education layer: its schema, the demonstration sessions' scale, importing a file
of sessions, and a store written before the layer existed, on both engines."""

from datetime import date

import pandas as pd
import pytest

from lib.importing import IMPORTABLE_LAYERS, commit_import, prepare_import
from lib.schema import LAYERS, is_demonstration
from tests.fixtures import tiny_layers
from tests.store_engines import ENGINES, make_store

# The State Committee's statements (trainings for over 1,500, then over 5,000 returnees) guided
# the generator's scale; no curated source gives the figures, so they bound it loosely.
STATED_RETURNEES_REACHED = 5_000


def test_the_layer_is_a_table_of_sessions_with_an_audience_vocabulary_and_a_settlement_reference():
    spec = LAYERS["mine_risk_education"]
    assert not spec.has_geometry and spec.id_field == "session_id"
    assert spec.field("audience").allowed == ("returnees", "schoolchildren", "workers")
    assert spec.field("audience").terms == "mre_audience"
    assert spec.field("settlement_id").references == "settlements.settlement_id"
    assert spec.field("people_reached").min_value == 0 and spec.field("date").required


def test_demonstration_sessions_are_labelled_and_held_in_known_settlements_by_the_data_date(real, demo_layers):
    sessions = demo_layers["mine_risk_education"]
    assert len(sessions) > 100 and sessions["source"].map(is_demonstration).all()
    assert set(sessions["settlement_id"]) <= set(demo_layers["settlements"]["settlement_id"])
    assert sessions["date"].max() <= real.data_date
    assert set(sessions["audience"]) == set(LAYERS["mine_risk_education"].field("audience").allowed)


def test_returnees_reached_pass_the_committees_stated_scale_but_not_the_persons_returned(demo_layers):
    sessions = demo_layers["mine_risk_education"]
    returnees = sessions.loc[sessions["audience"] == "returnees", "people_reached"].sum()
    assert STATED_RETURNEES_REACHED < returnees < demo_layers["returns"]["persons"].sum()


def test_every_convoy_is_briefed_before_it_leaves(demo_layers):
    briefings = demo_layers["mine_risk_education"].query("audience == 'returnees'")
    convoys = demo_layers["returns"]
    assert len(briefings) == len(convoys)
    first_briefing = briefings.groupby("settlement_id")["date"].min()
    first_convoy = convoys.groupby("settlement_id")["date"].min()
    assert (first_briefing.reindex(first_convoy.index) < first_convoy).all()


@pytest.fixture(params=ENGINES)
def store_before_the_layer(request, tmp_path):
    """A store whose one version was written without the layer, as by the dashboard before it."""
    store = make_store(request.param, request, tmp_path)
    store.write_layers(tiny_layers(), note="before mine-risk education", author="tester")
    if request.param == "postgis":  # created with every layer: take this one out again
        with store._engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE mine_risk_education, mine_risk_education_history")
    return store


SESSIONS = pd.DataFrame(
    {
        "session_id": ["s-1", "s-2"],
        "date": pd.to_datetime(["2024-03-01", "2024-04-01"]),
        "settlement_id": ["AZ-LAC-a", "AZ-ZAN-b"],
        "audience": ["returnees", "schoolchildren"],
        "people_reached": [40, 25],
        "source": ["demonstration data: test", "demonstration data: test"],
    }
)


def test_a_store_written_before_the_layer_reads_it_as_empty_and_takes_it_on_the_next_write(store_before_the_layer):
    store = store_before_the_layer
    empty = store.read_layer("mine_risk_education", district_ids=["AZ-LAC"])
    assert empty.empty and list(empty.columns) == LAYERS["mine_risk_education"].field_names
    version = store.write_layers({"mine_risk_education": SESSIONS}, note="sessions", author="tester")
    lachin = store.read_layer("mine_risk_education", district_ids=["AZ-LAC"])
    assert list(lachin["session_id"]) == ["s-1"] and lachin["people_reached"].tolist() == [40]
    assert store.read_layer("mine_risk_education", version=version - 1).empty
    assert len(store.read_layer("housing")) == len(tiny_layers()["housing"])


def test_a_coordinators_file_of_sessions_imports_as_one_version(tmp_path):
    from lib.store_gpkg import GeoPackageStore

    assert "mine_risk_education" in IMPORTABLE_LAYERS
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(tiny_layers(), note="first", author="tester")
    data = (
        b"session_id,date,settlement_id,audience,people_reached\n"
        b"m-1,2025-03-01,AZ-LAC-a,returnees,35\n"
        b"m-2,2025-03-02,AZ-LAC-a,schoolchildren,18\n"
    )
    preview = prepare_import(store, "mine_risk_education", data, "sessions.csv", today=date(2025, 6, 1))
    assert preview.problems == [] and preview.counts() == {"added": 2, "changed": 0, "removed": 0}
    commit_import(store, preview, author="aysel")
    sessions = store.read_layer("mine_risk_education").set_index("session_id")
    assert sessions.loc["m-2", "audience"] == "schoolchildren" and sessions.loc["m-1", "people_reached"] == 35


def test_a_session_for_an_unknown_audience_is_refused_naming_the_row_and_field(tmp_path):
    from lib.store_gpkg import GeoPackageStore

    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(tiny_layers(), note="first", author="tester")
    data = b"session_id,date,settlement_id,audience,people_reached\nm-1,2025-03-01,AZ-LAC-a,tourists,35\n"
    preview = prepare_import(store, "mine_risk_education", data, "sessions.csv", today=date(2025, 6, 1))
    assert [(p.field, p.row, p.code) for p in preview.problems] == [("audience", 2, "not_allowed")]

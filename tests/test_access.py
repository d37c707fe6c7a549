"""Who may see and change what (lib/access.py), enforced where data is read and written: the
store on both engines, the import engine and the caches — not only the pages' widgets."""

from datetime import date

import pandas as pd
import pytest

from lib import access, cache
from lib.access import ADMIN, COORDINATOR, LEADERSHIP, AccessDenied, Actor
from lib.importing import commit_import, prepare_import
from tests.fixtures import tiny_layers
from tests.store_engines import ENGINES, make_store

LACHIN = Actor("aysel", COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
LEADER = Actor("rauf", LEADERSHIP)
ADMINISTRATOR = Actor("nigar", ADMIN)
PUBLIC_ACTOR = access.PUBLIC_ACTOR
TODAY = date(2025, 6, 1)


def two_district_layers() -> dict[str, pd.DataFrame]:
    """The tiny store with a house in each district (Lachin and Zangilan)."""
    layers = tiny_layers()
    layers["housing"] = pd.concat([layers["housing"], _house(layers, "h-zan", "AZ-ZAN-b")], ignore_index=True)
    return layers


def _house(layers, house_id: str, settlement_id: str) -> pd.DataFrame:
    """A house like the first stored one, in ``settlement_id`` and placed at it."""
    settlement = layers["settlements"].set_index("settlement_id").loc[settlement_id]
    house = layers["housing"].iloc[[0]].assign(house_id=house_id, settlement_id=settlement_id)
    return house.set_geometry([settlement.geometry], crs=house.crs)


@pytest.fixture(params=ENGINES)
def store(request, tmp_path):
    store = make_store(request.param, request, tmp_path)
    store.write_layers(two_district_layers(), note="first version", author="builder")
    return store


# -- the policy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "action", "districts", "allowed"),
    [
        (PUBLIC_ACTOR, access.READ_AGGREGATES, None, True),
        (PUBLIC_ACTOR, access.READ_RECORDS, None, False),
        (PUBLIC_ACTOR, access.IMPORT, ("AZ-LAC",), False),
        (PUBLIC_ACTOR, access.READ_HISTORY, None, False),
        (LEADER, access.READ_RECORDS, None, True),
        (LEADER, access.READ_HISTORY, None, True),
        (LEADER, access.IMPORT, ("AZ-LAC",), False),
        (LEADER, access.RESTORE, None, False),
        (LACHIN, access.READ_RECORDS, ("AZ-LAC",), True),
        (LACHIN, access.READ_RECORDS, ("AZ-AGM",), False),
        (LACHIN, access.READ_RECORDS, ("AZ-LAC", "AZ-AGM"), False),
        (LACHIN, access.READ_RECORDS, None, False),
        (LACHIN, access.IMPORT, ("AZ-LAC",), True),
        (LACHIN, access.IMPORT, ("AZ-AGM",), False),
        (LACHIN, access.RESTORE, None, False),
        (LACHIN, access.MANAGE_ACCOUNTS, None, False),
        (ADMINISTRATOR, access.IMPORT, ("AZ-AGM",), True),
        (ADMINISTRATOR, access.RESTORE, None, True),
        (ADMINISTRATOR, access.MANAGE_ACCOUNTS, None, True),
    ],
)
def test_the_policy_answers_each_role_and_action(actor, action, districts, allowed):
    assert access.may(actor, action, districts) is allowed


def test_the_public_reads_the_published_layers_but_no_records():
    assert access.may(PUBLIC_ACTOR, access.READ_RECORDS, layer="settlements")
    assert access.may(PUBLIC_ACTOR, access.READ_RECORDS, layer="reported_figures")
    assert not access.may(PUBLIC_ACTOR, access.READ_RECORDS, layer="housing")
    assert not access.may(PUBLIC_ACTOR, access.READ_RECORDS, layer="returns")


def test_a_coordinator_needs_districts_and_their_codes_are_normalised():
    with pytest.raises(ValueError, match="district"):
        Actor("x", COORDINATOR, ())
    assert Actor("x", COORDINATOR, ("az-lac", "AZ-LAC")).districts == ("AZ-LAC",)
    assert Actor("x", LEADERSHIP, ("AZ-LAC",)).districts is None  # only coordinators are bound
    with pytest.raises(ValueError, match="role"):
        Actor("x", "superuser")


def test_roles_reading_the_same_rows_share_a_cache_scope_and_the_others_do_not():
    assert access.record_scope(LEADER.scope, "housing") == access.record_scope(ADMINISTRATOR.scope, "housing")
    assert access.record_scope(LACHIN.scope, "housing") != access.record_scope(LEADER.scope, "housing")
    assert access.record_scope(PUBLIC_ACTOR.scope, "housing") != access.record_scope(LEADER.scope, "housing")
    # the published layers are the same rows for everyone
    assert access.record_scope(LACHIN.scope, "districts") == access.record_scope(PUBLIC_ACTOR.scope, "districts")


# -- reads through the store -----------------------------------------------------------------


def test_a_lachin_coordinator_reads_only_lachin_records_even_when_asking_for_every_district(store):
    housing = store.read_layer("housing", actor=LACHIN)
    assert len(housing) and set(housing["settlement_id"]) == {"AZ-LAC-a"}
    assert set(store.read_layer("infrastructure", actor=LACHIN)["settlement_id"].dropna()) <= {"AZ-LAC-a"}


@pytest.mark.parametrize("asked", [["AZ-ZAN"], ["AZ-LAC", "AZ-ZAN"]])
def test_a_lachin_coordinator_cannot_read_another_districts_records(store, asked):
    with pytest.raises(AccessDenied, match="AZ-ZAN"):
        store.read_layer("housing", actor=LACHIN, district_ids=asked)


@pytest.mark.parametrize("layer", ["housing", "returns", "hazard_areas", "infrastructure", "employment_projects"])
def test_the_public_cannot_read_records(store, layer):
    with pytest.raises(AccessDenied):
        store.read_layer(layer, actor=PUBLIC_ACTOR)


def test_the_public_reads_district_boundaries_and_places(store):
    assert len(store.read_layer("districts", actor=PUBLIC_ACTOR)) == 2
    assert len(store.read_layer("settlements", actor=PUBLIC_ACTOR)) == 2


def test_leadership_reads_every_district(store):
    assert set(store.read_layer("housing", actor=LEADER)["settlement_id"]) == {"AZ-LAC-a", "AZ-ZAN-b"}


def test_the_history_and_audit_log_are_not_for_the_public(store):
    with pytest.raises(AccessDenied):
        store.audit_log(PUBLIC_ACTOR)
    with pytest.raises(AccessDenied):
        store.history(PUBLIC_ACTOR)
    assert len(store.history(LEADER)) == 1 and len(store.audit_log(LEADER)) == 1
    assert store.audit_log(LACHIN).empty  # the builder's write is not hers


# -- writes through the store ----------------------------------------------------------------


def test_a_coordinators_write_in_their_district_is_recorded_under_their_name(store):
    layers = tiny_layers()
    version = store.write_layers(
        {"housing": _house(layers, "h-new", "AZ-LAC-a")}, note="one house", mode="upsert", actor=LACHIN
    )
    assert "h-new" in set(store.read_layer("housing")["house_id"])
    entry = store.audit_log().iloc[-1]
    assert (entry["actor"], entry["outcome"], entry["version"]) == ("aysel", "written", version)


@pytest.mark.parametrize(
    "change",
    ["a new house in Zangilan", "a Zangilan house moved into Lachin", "replacing the whole layer"],
)
def test_a_lachin_coordinator_cannot_write_outside_lachin_and_nothing_is_written(store, change):
    layers = two_district_layers()
    before = store.data_version()
    housing_before = store.read_layer("housing")
    mode = "upsert"
    if change == "a new house in Zangilan":
        frame = _house(layers, "h-new", "AZ-ZAN-b")
    elif change == "a Zangilan house moved into Lachin":
        frame = _house(layers, "h-zan", "AZ-LAC-a")
    else:
        frame, mode = _house(layers, "h-new", "AZ-LAC-a"), "replace"
    with pytest.raises(AccessDenied, match="AZ-ZAN"):
        store.write_layers({"housing": frame}, note="not mine", mode=mode, actor=LACHIN)
    assert store.data_version() == before
    assert len(store.read_layer("housing")) == len(housing_before)
    entry = store.audit_log().iloc[-1]
    assert (entry["actor"], entry["outcome"]) == ("aysel", "refused: not permitted")


def test_leadership_can_change_nothing(store):
    before = store.data_version()
    with pytest.raises(AccessDenied):
        store.write_layers(
            {"housing": _house(tiny_layers(), "h-new", "AZ-LAC-a")}, note="x", mode="upsert", actor=LEADER
        )
    with pytest.raises(AccessDenied):
        store.restore(1, actor=LEADER)
    assert store.data_version() == before


def test_only_the_data_admin_restores_and_the_audit_log_names_them(store):
    store.write_layers({"housing": _house(tiny_layers(), "h-new", "AZ-LAC-a")}, note="x", mode="upsert", actor=LACHIN)
    with pytest.raises(AccessDenied):
        store.restore(1, actor=LACHIN)
    version = store.restore(1, actor=ADMINISTRATOR)
    assert "h-new" not in set(store.read_layer("housing")["house_id"])
    log = store.audit_log()
    assert log.iloc[-2]["outcome"] == "refused: not permitted" and log.iloc[-2]["actor"] == "aysel"
    assert (log.iloc[-1]["actor"], log.iloc[-1]["action"], log.iloc[-1]["version"]) == ("nigar", "restore", version)


# -- the import engine -----------------------------------------------------------------------

HEADER = "event_id;date;settlement_id;families;persons\r\n"


def _convoys(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\r\n" for row in rows)).encode("utf-8")


def test_a_lachin_coordinators_file_with_a_zangilan_row_names_that_row_and_cannot_be_committed(store):
    data = _convoys("c-1;15.03.2025;AZ-LAC-a;6;21", "c-2;16.03.2025;AZ-ZAN-b;6;21")
    preview = prepare_import(store, "returns", data, "convoys.csv", today=TODAY, actor=LACHIN)
    assert [(p.code, p.row) for p in preview.problems] == [("not_your_district", 3)]
    with pytest.raises(ValueError):
        commit_import(store, preview, actor=LACHIN)
    assert "c-1" not in set(store.read_layer("returns")["event_id"])


def test_a_lachin_coordinator_imports_lachin_convoys_under_their_name(store):
    preview = prepare_import(
        store, "returns", _convoys("c-1;15.03.2025;AZ-LAC-a;6;21"), "convoys.csv", today=TODAY, actor=LACHIN
    )
    assert preview.problems == []
    commit_import(store, preview, actor=LACHIN)
    assert store.audit_log().iloc[-1][["actor", "action"]].tolist() == ["aysel", "import"]


def test_replacing_another_districts_records_is_refused_before_reading_the_rows(store):
    preview = prepare_import(
        store,
        "returns",
        _convoys("c-1;15.03.2025;AZ-LAC-a;6;21"),
        "convoys.csv",
        today=TODAY,
        actor=LACHIN,
        mode="replace",
        districts=("AZ-ZAN",),
    )
    assert [p.code for p in preview.problems] == ["replace_not_your_district"]


def test_leadership_cannot_prepare_an_import(store):
    preview = prepare_import(
        store, "returns", _convoys("c-1;15.03.2025;AZ-LAC-a;6;21"), "convoys.csv", today=TODAY, actor=LEADER
    )
    assert [p.code for p in preview.problems] == ["import_not_permitted"]


# -- the caches ------------------------------------------------------------------------------


@pytest.fixture
def snapshot(tmp_path):
    from lib.store_gpkg import GeoPackageStore

    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(two_district_layers(), note="first version")
    snapshot = cache.Snapshot.of(store)
    cache.forget_other_versions(snapshot)
    yield snapshot
    for cached in cache.CACHED_BY_VERSION:
        cached.clear()


def test_a_cached_layer_read_for_one_scope_never_serves_another(snapshot):
    lachin = cache.load_layers(snapshot.seen_by(LACHIN), ["housing"])["housing"]
    everyone = cache.load_layers(snapshot.seen_by(LEADER), ["housing"])["housing"]
    assert set(lachin["settlement_id"]) == {"AZ-LAC-a"}
    assert set(everyone["settlement_id"]) == {"AZ-LAC-a", "AZ-ZAN-b"}
    assert set(cache.load_layers(snapshot.seen_by(LACHIN), ["housing"])["housing"]["settlement_id"]) == {"AZ-LAC-a"}
    with pytest.raises(AccessDenied):
        cache.load_layers(snapshot.seen_by(LACHIN), ["housing"], ["AZ-ZAN"])
    with pytest.raises(AccessDenied):
        cache.load_layers(snapshot.seen_by(PUBLIC_ACTOR), ["housing"])


def test_the_history_cache_refuses_the_public(snapshot):
    with pytest.raises(AccessDenied):
        cache.version_history(snapshot.key, snapshot.version, "en", PUBLIC_ACTOR.scope)
    history, audit = cache.version_history(snapshot.key, snapshot.version, "en", LEADER.scope)
    assert len(history) == 1 and len(audit) == 1


def test_a_coordinator_cannot_get_another_districts_figures_from_the_figure_caches(snapshot):
    with pytest.raises(AccessDenied, match="AZ-ZAN"):
        cache.overview_figures(
            snapshot.key, snapshot.version, ("AZ-ZAN",), TODAY, TODAY, "2025-06-01", False, LACHIN.scope, 5
        )
    with pytest.raises(AccessDenied, match="AZ-ZAN"):
        cache.profile_figures(
            snapshot.key, snapshot.version, "AZ-ZAN", None, TODAY, TODAY, "2025-06-01", LACHIN.scope, 5
        )
    with pytest.raises(AccessDenied, match="AZ-ZAN"):
        cache.return_areas_figures(snapshot.key, snapshot.version, ("AZ-ZAN",), TODAY, "2025-06-01", LACHIN.scope, 5)
    figures = cache.profile_figures(
        snapshot.key, snapshot.version, "AZ-LAC", None, TODAY, TODAY, "2025-06-01", LACHIN.scope, 5
    )
    assert figures["kpis"]


def test_the_history_names_the_signed_in_account_by_its_display_name(tmp_path):
    from lib.i18n import Translator
    from lib.store_gpkg import GeoPackageStore

    store = GeoPackageStore(tmp_path / "named.gpkg")
    store.write_layers(two_district_layers(), note="first version", author="builder")
    store.write_layers({"housing": _house(tiny_layers(), "h-new", "AZ-LAC-a")}, note="x", mode="upsert", actor=LACHIN)
    snapshot = cache.Snapshot.of(store)
    history, audit = cache.version_history(snapshot.key, snapshot.version, "en", LEADER.scope)
    who = Translator("en")("history.who")
    # the tests' accounts file (tests/conftest.py) gives aysel her name
    assert audit[who].tolist() == ["Aysel Məmmədova (aysel)", "builder"]  # newest first
    assert history[who].tolist() == ["Aysel Məmmədova (aysel)", "builder"]
    cache.version_history.clear()


def test_a_coordinator_reads_only_their_own_entries_of_the_history_and_audit_log(store):
    store.write_layers({"housing": _house(tiny_layers(), "h-new", "AZ-LAC-a")}, note="x", mode="upsert", actor=LACHIN)
    assert store.audit_log(LACHIN)["actor"].tolist() == ["aysel"]
    assert store.history(LACHIN)["created_by"].tolist() == ["aysel"]
    assert store.audit_log(LEADER)["actor"].tolist() == ["builder", "aysel"]  # leadership reads all

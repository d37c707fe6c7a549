"""`python -m lib.cli history` and `restore`: a write made in error is undone from the command line."""

import pytest

from lib.cli import main
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers


@pytest.fixture
def store_with_a_mistake(tmp_path):
    store = GeoPackageStore(tmp_path / "store.gpkg")
    layers = tiny_layers()
    store.write_layers(layers, note="first version", author="builder")
    store.write_layers({"housing": layers["housing"].iloc[:1]}, note="import that lost houses", author="aysel")
    return store


def test_history_lists_each_version_newest_first_with_who_why_and_rows(store_with_a_mistake, capsys):
    assert main(["history", "--store", str(store_with_a_mistake.path)]) == 0
    out = capsys.readouterr().out
    removed = len(tiny_layers()["housing"]) - 1
    assert out.index("import that lost houses") < out.index("first version")
    assert "aysel  write: import that lost houses" in out
    assert f"housing +0 ~0 -{removed}" in out


def test_restore_undoes_a_write_made_in_error_as_a_new_version(store_with_a_mistake, capsys):
    path = str(store_with_a_mistake.path)
    assert main(["restore", "1", "--store", path, "--note", "undo the lost houses"]) == 0
    assert "Restored version 1 as the new version 3" in capsys.readouterr().out
    store = GeoPackageStore(path)
    assert len(store.read_layer("housing")) == len(tiny_layers()["housing"])
    assert len(store.read_layer("housing", version=2)) == 1  # the mistake stays in the history
    main(["history", "--store", path])
    assert "restore (restored version 1): undo the lost houses" in capsys.readouterr().out


def test_restoring_a_version_that_does_not_exist_fails_and_says_which_exist(store_with_a_mistake, capsys):
    assert main(["restore", "9", "--store", str(store_with_a_mistake.path)]) == 2
    assert "no data version 9" in capsys.readouterr().err and store_with_a_mistake.data_version() == 2


def test_restoring_the_current_state_writes_nothing(store_with_a_mistake, capsys):
    assert main(["restore", "2", "--store", str(store_with_a_mistake.path)]) == 0
    assert "nothing to restore" in capsys.readouterr().out and store_with_a_mistake.data_version() == 2


def test_db_load_of_a_file_that_is_not_a_geopackage_loads_nothing_and_says_so(tmp_path, capsys, monkeypatch):
    from lib.config import get_settings

    monkeypatch.setenv("GREAT_RETURN_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    not_a_geopackage = tmp_path / "houses.csv"
    not_a_geopackage.write_text("house_id;units\nh1;3\n", encoding="utf-8")
    try:
        assert main(["db-load", str(not_a_geopackage)]) == 2
    finally:
        get_settings.cache_clear()
    assert "is not a GeoPackage" in capsys.readouterr().err


def test_an_unreachable_database_is_named_with_what_to_check_and_no_traceback(capsys, monkeypatch):
    from lib.config import get_settings

    monkeypatch.setenv("GREAT_RETURN_DATABASE_URL", "postgresql+psycopg://someone:secret@127.0.0.1:1/great_return")
    get_settings.cache_clear()
    try:
        assert main(["history"]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "Cannot reach the database" in err and "percent" not in err and "%40" in err
    assert "secret" not in err and "Traceback" not in err

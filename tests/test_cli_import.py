"""`python -m lib.cli import FILE --layer L [--commit]`: the page's engine on the command line."""

import pandas as pd
import pytest

from lib.cli import main
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers
from tests.test_importing import excel_csv


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(tiny_layers(), note="first version", author="builder")
    return store


def run(store, path, *args):
    return main(["import", str(path), "--layer", "returns", "--store", str(store.path), *args])


def test_without_commit_a_valid_file_is_previewed_exits_0_and_nothing_is_written(store, tmp_path, capsys):
    path = tmp_path / "convoys.csv"
    path.write_bytes(excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15", "e1;01.02.2023;AZ-LAC-a;5;8"))
    assert run(store, path, "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Into “Convoys”: 1 added, 1 changed, 0 removed" in out or "1 added, 1 changed, 0 removed" in out
    assert "e1 · Families: 2 → 5" in out
    assert "--commit" in out
    assert store.data_version() == 1


def test_with_commit_a_valid_file_is_written_as_a_new_version(store, tmp_path, capsys):
    path = tmp_path / "convoys.csv"
    path.write_bytes(excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15"))
    assert run(store, path, "--commit", "--author", "aysel", "--lang", "en") == 0
    assert "Written as data version 2." in capsys.readouterr().out
    assert "c-1" in set(store.read_layer("returns")["event_id"])
    assert store.audit_log().iloc[-1]["actor"] == "aysel"


def test_problems_name_the_row_excel_shows_and_the_field_in_azerbaijani_by_default(store, tmp_path, capsys):
    path = tmp_path / "convoys.csv"
    path.write_bytes(excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15", "c-2;15.03.2025;AZ-LAC-a;-4;15"))
    problems = tmp_path / "problems.csv"
    assert run(store, path, "--commit", "--problems-csv", str(problems)) == 1
    err = capsys.readouterr().err
    assert "Heç nə yazılmayıb." in err
    assert "3" in err and "-4" in err
    table = pd.read_csv(problems, dtype=str)
    assert len(table) == 1 and "3" in table.iloc[0].tolist()
    assert store.data_version() == 1


def test_an_unknown_layer_is_said_plainly(store, tmp_path, capsys):
    path = tmp_path / "convoys.csv"
    path.write_bytes(excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15"))
    assert main(["import", str(path), "--layer", "retuns", "--store", str(store.path), "--lang", "en"]) == 2
    assert "“retuns” is not a layer that can be imported" in capsys.readouterr().err


def test_a_missing_file_is_said_plainly(store, tmp_path, capsys):
    assert run(store, tmp_path / "nowhere.csv", "--lang", "en") == 2
    assert "nowhere.csv does not exist." in capsys.readouterr().err

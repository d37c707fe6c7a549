"""`python -m lib.cli export briefing|map`: files for slides and reports, or a plain error and no file."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from lib.cli import main


@pytest.fixture
def store(built_store):
    return str(built_store.path)


def test_export_map_writes_a_1920_by_1080_png_of_a_district(store, tmp_path, capsys):
    out = tmp_path / "lachin.png"
    assert main(["export", "map", "--district", "AZ-LAC", "--lang", "ru", "--out", str(out), "--store", store]) == 0
    assert Image.open(out).size == (1920, 1080)
    assert "Wrote" in capsys.readouterr().out


def test_export_briefing_writes_the_programme_pdf_as_of_a_day(store, tmp_path):
    out = tmp_path / "programme.pdf"
    args = ["export", "briefing", "--lang", "en", "--as-of", "2025-06-30", "--out", str(out), "--store", store]
    assert main(args) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "The Great Return: briefing" in text and "As of Jun 30, 2025" in text


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--district", "AZ-NOPE", ["'AZ-NOPE'", "AZ-LAC (Lachin)", "AZ-ZAN"]),
        ("--lang", "de", ["'de'", "az, en, ru"]),
        ("--as-of", "2025-13-45", ["'2025-13-45'", "YYYY-MM-DD"]),
        # 1 February to a reader of az or ru, 2 January to a US reader: only ISO is taken
        ("--as-of", "01/02/2025", ["'01/02/2025'", "YYYY-MM-DD"]),
    ],
)
@pytest.mark.parametrize("what", ["briefing", "map"])
def test_an_unknown_value_is_a_plain_error_naming_it_and_no_file_is_written(
    store, tmp_path, capsys, what, option, value, named
):
    out = tmp_path / f"export.{'pdf' if what == 'briefing' else 'png'}"
    assert main(["export", what, option, value, "--out", str(out), "--store", store]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Cannot export:") and all(name in error for name in named)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["map", "--out", "{tmp}/map.pdf"], ["'{tmp}/map.pdf'", "PNG", "*.png"]),
        (["briefing", "--out", "{tmp}/no/such/folder/b.pdf"], ["does not exist", "{tmp}/no/such/folder"]),
        (["briefing", "--as-of", "2019-01-01", "--out", "{tmp}/b.pdf"], ["2019-01-01", "2020-11-10"]),
        (["map", "--width", "10", "--height", "10", "--out", "{tmp}/m.png"], ["--width 10", "640x360"]),
    ],
)
def test_a_wrong_file_folder_day_or_size_is_a_plain_error_and_no_file_is_written(store, tmp_path, capsys, args, named):
    args = [arg.format(tmp=tmp_path) for arg in args]
    assert main(["export", *args, "--store", store]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Cannot export:") and all(name.format(tmp=tmp_path) in error for name in named)
    assert not list(tmp_path.rglob("*.*"))


def test_a_day_after_the_data_is_shown_as_the_data_date_and_said_so(store, tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["export", "map", "--as-of", "2030-01-01", "--out", str(out), "--store", store]) == 0
    said = capsys.readouterr().out
    assert "Note: the data end on" in said and "not 2030-01-01" in said

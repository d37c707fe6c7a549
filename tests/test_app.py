"""Streamlit AppTest: the app starts, builds its data on first start, and the page shows figures."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import PROJECT_ROOT, get_settings
from lib.labels import HEADLINE_LABELS

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(scope="module")
def app(settings):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def test_return_areas_page_runs_without_exception(app):
    assert not app.exception, [e.message for e in app.exception]
    assert get_settings().store_path.exists()


def test_headline_figures_are_shown_each_with_its_basis(app):
    labels = [m.label for m in app.metric]
    assert labels == list(HEADLINE_LABELS.values())
    assert all(int(m.value.replace(",", "")) > 0 for m in app.metric)
    captions = [c.value for c in app.caption]
    assert sum("Demonstration data" in c or "Reported" in c for c in captions) == len(HEADLINE_LABELS)
    assert any("Latest reported" in c and "(source](http" not in c and "[source](http" in c for c in captions)


def test_an_earlier_as_of_date_shows_smaller_figures(app):
    before = int(app.metric[0].value.replace(",", ""))
    app.date_input(key="as_of").set_value("2023-12-31").run()
    assert not app.exception
    assert int(app.metric[0].value.replace(",", "")) == 1186  # reported by PM Asadov for the end of 2023
    assert before > 1186


def test_missing_boundaries_give_instructions_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("GREAT_RETURN_STORE_PATH", str(tmp_path / "store.gpkg"))
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert "district boundaries are not available" in at.error[0].value
    assert "GREAT_RETURN_BOUNDARIES_FILE" in at.code[0].value

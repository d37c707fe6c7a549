"""The same pages with the same figures on PostGIS as on the GeoPackage: the store is loaded with
`db-init` and `db-load` as a deployment would, then every page is opened on each engine."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.access import ADMIN, Actor
from lib.cli import main
from lib.config import PROJECT_ROOT, get_settings

PAGES = ["pages/overview.py", "pages/explorer.py", "pages/profile.py", "pages/return_areas.py"]


@pytest.fixture(scope="module")
def engines(built_store, settings, postgis_server):
    """Environment variables opening the built GeoPackage, and a PostGIS database loaded from it."""
    url = postgis_server.new_database()
    common = {"GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GREAT_RETURN_DATABASE_URL", url)
        get_settings.cache_clear()
        assert main(["db-init"]) == 0
        assert main(["db-load", str(built_store.path)]) == 0
    get_settings.cache_clear()
    yield {
        "geopackage": {**common, "GREAT_RETURN_STORE_PATH": str(built_store.path)},
        "postgis": {**common, "GREAT_RETURN_DATABASE_URL": url},
    }
    postgis_server.drop_database(url)


def _what_a_reader_sees(env: dict, page: str, lang: str) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("GREAT_RETURN_DATABASE_URL", raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
        at.session_state["actor"] = Actor("admin", ADMIN)  # every page, exact figures
        at.query_params["lang"] = lang
        at.run()
        at.switch_page(page).run()
    get_settings.cache_clear()
    assert not at.exception, [e.message for e in at.exception]
    return {
        "titles": [t.value for t in at.title],
        "metrics": [(m.label, m.value, m.delta) for m in at.metric],
        "tables": [frame.value.to_dict("list") for frame in at.dataframe],
        "captions": [c.value for c in at.caption],
        "markdown": [m.value for m in at.markdown],
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_same_figures_on_postgis_as_on_the_geopackage(engines, page):
    on_geopackage = _what_a_reader_sees(engines["geopackage"], page, "az")
    on_postgis = _what_a_reader_sees(engines["postgis"], page, "az")
    assert on_geopackage["metrics"] or on_geopackage["tables"], "the page shows no figure to compare"
    assert on_postgis == on_geopackage

"""The public view shows no count of families or persons under 5 (AppTest, lib/disclosure.py):
KPI cards and their changes, tables, charts and the maps' tooltips and labels, on the demo data
with one small convoy added; leadership sees the exact figure."""

import base64
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe, UnknownElement

from lib import access
from lib.access import Actor
from lib.config import PROJECT_ROOT, get_settings
from lib.i18n import Translator

APP = str(PROJECT_ROOT / "app.py")
EN = Translator("en")
# Zangilan city has no convoy in the demo data; two families arrive there on CONVOY_DAY
SMALL = "AZ-ZAN-zangilan-city"
CONVOY_DAY = "2026-02-10"
FAMILIES, PERSONS = 2, 7
COUNT_HEADINGS = (EN("col.families_returned"), EN("col.persons_returned"))
SMALL_COUNT = re.compile(r"^[1-4]$")


@pytest.fixture(scope="module")
def small_convoy(built_store, settings, tmp_path_factory):
    """A copy of the demo store with one convoy of two families to a settlement that had none."""
    from lib.store_gpkg import GeoPackageStore

    path = tmp_path_factory.mktemp("small-convoy") / "great_return.gpkg"
    shutil.copyfile(built_store.path, path)
    store = GeoPackageStore(path)
    returns = store.read_layer("returns", geometry=False)
    assert SMALL not in set(returns["settlement_id"])
    convoy = {
        "event_id": "test-small-convoy",
        "date": pd.Timestamp(CONVOY_DAY),
        "settlement_id": SMALL,
        "families": FAMILIES,
        "persons": PERSONS,
        "source": "demonstration data: a small convoy for the tests",
    }
    store.write_layers(
        {"returns": pd.concat([returns, pd.DataFrame([convoy])], ignore_index=True)}, note="a small convoy"
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("GREAT_RETURN_STORE_PATH", str(path))
    patch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(settings.boundaries_file))
    get_settings.cache_clear()
    yield store
    patch.undo()
    get_settings.cache_clear()


def _open(page: str, actor: Actor | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if actor is not None:
        at.session_state["actor"] = actor
    for key, value in {"lang": "en", **query}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _elements(at: AppTest, kind) -> list:
    found = []

    def walk(node):
        if kind(node):
            found.append(node)
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    walk(at._tree)
    return found


def _map_counts(at: AppTest) -> list[str]:
    """Every families or persons count the maps' tooltips and labels state, as written."""
    counts = []
    for node in _elements(at, lambda n: isinstance(n, UnknownElement) and n.type == "component_instance"):
        script = json.loads(node.proto.json_args).get("script", "")
        script = re.sub(r"\\u([0-9a-fA-F]{4})", lambda code: chr(int(code.group(1), 16)), script)
        for heading in COUNT_HEADINGS:
            counts += re.findall(re.escape(heading) + r": ((?:&lt;|<)?[^<\"&]+)", script)
        counts += re.findall(r": (\d+) famil", script)  # the returnees' labels ("Zabukh: 3 families")
    return ["<5" if count == "&lt;5" else count for count in counts]  # tooltips are HTML


def _array(values) -> list:
    """A plotly array as sent: a list, or a typed array ({"dtype", "bdata"} in base64)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _chart_counts(at: AppTest) -> list[str]:
    """The families of the returns charts (y and hover) and the ranking's bar labels."""
    counts = []
    for node in _elements(at, lambda n: isinstance(n, UnknownElement) and n.type == "plotly_chart"):
        for trace in json.loads(node.proto.spec).get("data", []):
            if trace.get("name") == EN("chart.families_returned"):
                counts += [str(int(y)) for y in _array(trace["y"]) if y == y]
                counts += [str(text) for text in trace.get("customdata", [])]
            if trace.get("type") == "bar":
                counts += [str(text) for text in trace.get("text", [])]
    return counts


def _table_counts(at: AppTest) -> list[str]:
    counts = []
    for node in _elements(at, lambda n: isinstance(n, Dataframe)):
        frame = node.value
        for heading in COUNT_HEADINGS:
            if heading in frame.columns:
                counts += [str(v) for v in frame[heading].tolist()]
    return counts


def _card_counts(at: AppTest) -> list[str]:
    labels = [EN(f"kpi.{key}") for key in ("families_returned", "persons_returned", "units_occupied")]
    cards = [m for m in at.metric if m.label in labels]
    return [m.value for m in cards] + [str(m.delta).lstrip("+−-") for m in cards if m.delta]


def _small(counts: list[str]) -> list[str]:
    return [c for c in counts if SMALL_COUNT.match(c.strip())]


def test_the_public_overview_shows_the_small_convoy_as_below_five_and_no_count_under_five(small_convoy):
    at = _open("pages/overview.py")
    on_map = _map_counts(at)
    assert "<5" in on_map  # Zangilan city's tooltip
    assert EN("disclosure.hidden") in on_map  # its persons: 7 would tell the size of its 2 families
    everything = on_map + _chart_counts(at) + _card_counts(at)
    assert everything and _small(everything) == []
    assert EN("disclosure.note", threshold=5) in [c.value for c in at.caption]


def test_a_change_of_a_few_families_is_not_shown_even_as_a_change(small_convoy):
    at = _open("pages/overview.py", districts="AZ-ZAN", as_of=CONVOY_DAY, since="2026-02-09")
    families = next(m for m in at.metric if m.label == EN("kpi.families_returned"))
    assert families.delta in ("0", "<5"), families.delta
    leader = _open(
        "pages/overview.py", Actor("lead", access.LEADERSHIP), districts="AZ-ZAN", as_of=CONVOY_DAY, since="2026-02-09"
    )
    assert next(m for m in leader.metric if m.label == EN("kpi.families_returned")).delta == f"+{FAMILIES}"


def test_the_public_return_areas_map_shows_below_five_and_no_count_under_five(small_convoy):
    at = _open("pages/return_areas.py")
    on_map = _map_counts(at)
    assert "<5" in on_map
    assert _small(on_map + _card_counts(at)) == []


def test_the_public_profile_table_and_map_show_below_five_and_hidden(small_convoy):
    at = _open("pages/profile.py", district="AZ-ZAN")
    table = _table_counts(at)
    assert "<5" in table and EN("disclosure.hidden") in table
    assert _small(table + _map_counts(at) + _chart_counts(at) + _card_counts(at)) == []
    assert "<5" in _map_counts(at)  # the returnees' circle of Zangilan city
    assert not at.get("download_button")  # no records for the public


def test_the_public_profile_of_the_small_settlement_shows_below_five(small_convoy):
    at = _open("pages/profile.py", district="AZ-ZAN", settlement=SMALL)
    families = next(m for m in at.metric if m.label == EN("kpi.families_returned"))
    assert families.value == "<5"
    assert _small(_chart_counts(at) + _table_counts(at) + _map_counts(at)) == []
    # a chart of suppressed points alone would be a flat line: a sentence says why there is none
    assert EN("profile.returns_suppressed", threshold=5) in [info.value for info in at.info]


def test_leadership_sees_the_exact_figures(small_convoy):
    at = _open("pages/profile.py", Actor("lead", access.LEADERSHIP), district="AZ-ZAN", settlement=SMALL)
    families = next(m for m in at.metric if m.label == EN("kpi.families_returned"))
    assert families.value == str(FAMILIES)
    assert str(FAMILIES) in _table_counts(at)
    assert EN("disclosure.note", threshold=5) not in [c.value for c in at.caption]


def test_every_public_total_is_the_sum_of_its_shown_parts_so_nothing_is_given_away_by_subtraction(small_convoy):
    # the trial found "Families returned" 4,968 above districts ranked that summed to 4,966
    from lib import cache

    snapshot = cache.Snapshot.of(small_convoy)
    data_date = small_convoy.metadata()["data_date"]
    districts = tuple(sorted(cache.district_choices(snapshot.key, snapshot.version)["district_id"]))
    for day in ("2026-02-09", CONVOY_DAY, data_date):
        figures = cache.overview_figures(
            snapshot.key, snapshot.version, districts, pd.Timestamp(day).date(), pd.Timestamp(day).date(),
            data_date, True, access.PUBLIC_ACTOR.scope, 5,
        )  # fmt: skip
        card = next(k for k in figures["kpis"] if k.key == "families_returned")
        table, places = figures["table"], figures["summary"]
        assert card.value == table["families_returned"].fillna(0).sum()
        for district, settlements in places.groupby("district_id"):
            shown = table.set_index("district_id")["families_returned"].fillna(0).get(district, 0)
            assert shown == settlements["families_returned"].fillna(0).sum(), district

"""The mine action page (AppTest): signed in it reads in every language with nothing raw, a
Lachin coordinator sees Lachin alone, and the public is refused."""

import json

import pandas as pd
import pytest

from lib import access
from lib.config import PROJECT_ROOT
from lib.i18n import Translator
from tests.test_app import LEADER, _app, _raw_on_screen

PAGE = "pages/mine_action.py"
LACHIN = access.Actor("aysel", access.COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")


def _open(actor, **query):
    at = _app(actor, **query)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _chart(at, key: str) -> dict:
    """The Plotly figure of the chart with ``key`` (a keyed element's id ends with its key)."""
    found = [json.loads(node.proto.spec) for node in at.get("plotly_chart") if node.proto.id.endswith(key)]
    assert found, f"no chart {key}"
    return found[0]


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_the_page_reads_in_the_language_with_nothing_raw(monkeypatch_module, language):
    at = _open(LEADER, lang=language)
    t = Translator(language)
    assert at.title[0].value == t("mine_action.title")
    labels = [metric.label for metric in at.metric]
    assert labels[:4] == [
        t(f"kpi.{k}") for k in ("hectares_released", "hazard_remaining", "items_found", "mre_people_reached")
    ]
    assert t("mine_action.map_title") in [s.value for s in at.subheader]
    assert _raw_on_screen(at, language) == []


def test_the_reported_figures_stand_with_their_sources_and_the_demonstration_label(monkeypatch_module):
    at = _open(LEADER, lang="en")
    t = Translator("en")
    reported = at.dataframe[0].value
    sources = reported[t("field.source")].tolist()
    assert len(sources) == 2 and all(s.startswith("https://") for s in sources)
    assert t("mine_action.demo_note") in [c.value for c in at.caption]
    assert any("latest reported" in c.value and "(https://" in c.value for c in at.caption)


def test_the_released_land_card_says_the_reports_count_every_method_as_cleared(monkeypatch_module):
    at = _open(LEADER, lang="en")
    assert at.metric[0].label == "Land released, ha"
    card = next(c.value for c in at.caption if "hectares cleared" in c.value)
    assert "National (all return areas), reported as “hectares cleared”" in card and "by every method" in card
    dots = [trace["name"] for trace in _chart(at, "ma_release")["data"] if trace["mode"] == "markers"]
    assert dots == ["Hectares cleared, reported nationally"]


def test_clearance_priority_is_given_with_its_reasoning(monkeypatch_module):
    at = _open(LEADER, lang="en")
    lines = [line for block in at.markdown for line in block.value.splitlines() if line.startswith("1. **")]
    assert lines and "planned households ×" in lines[0] and "within 500 m" in lines[0]
    # the hectares are the polygons' whole area, not their part within the distance
    assert "ha, the whole area of the unreleased hazard areas that come within 500 m" in lines[0]
    assert "ha unreleased within" not in lines[0] and "(hazard areas: " in lines[0]


def test_mine_risk_education_gives_the_sessions_held_and_the_people_reached(monkeypatch_module):
    at = _open(LEADER, lang="en")
    totals = [m.value for m in at.markdown if m.value.startswith("Sessions held by this day: ")]
    assert len(totals) == 1 and "; people reached: " in totals[0]
    sessions = int(totals[0].split(": ")[1].split(";")[0].replace(",", ""))
    assert sessions > 0


def test_a_section_with_nothing_says_so_in_the_language_with_no_empty_table(monkeypatch_module):
    at = _open(LEADER, lang="az", as_of="2021-01-15")  # before any national report or session
    t = Translator("az")
    assert all(len(frame.value) for frame in at.dataframe)
    assert t("field.source") not in at.dataframe[0].value.columns  # no reports table, its sentence instead
    assert t("mine_action.no_reports") in [i.value for i in at.info]


def test_a_lachin_coordinator_sees_lachin_alone(monkeypatch_module):
    at = _open(LACHIN, lang="en", as_of="2023-06-30")
    t = Translator("en")
    assert {y for trace in _chart(at, "ma_districts")["data"] for y in trace["y"]} == {"Lachin"}
    settlements = pd.read_csv(PROJECT_ROOT / "geodata" / "settlements.csv")
    lachin = set(settlements.loc[settlements["district_id"] == "AZ-LAC", "name_en"])
    near = next(d.value for d in at.dataframe if t("mine_action.col_houses_near") in d.value.columns)
    assert len(near) and set(near[t("mine_action.col_settlement")]) <= lachin


def test_a_lachin_coordinator_sees_the_national_figures_apart_from_lachin(monkeypatch_module):
    at = _open(LACHIN, lang="en")
    t = Translator("en")
    assert t("mine_action.national_apart") in [i.value for i in at.info]
    assert not [trace for trace in _chart(at, "ma_release")["data"] if trace["mode"] == "markers"]
    assert at.dataframe[0].value[t("mine_action.col_in_data")].isna().all()
    reports = [c.value for c in at.caption if "(https://" in c.value]  # the cards with a national report
    assert len(reports) == 2 and all("National (all return areas)" in c for c in reports)
    assert "Mine victims, national (officially reported)" in [m.label for m in at.metric]


def test_every_return_area_sets_the_national_figures_beside_the_data(monkeypatch_module):
    at = _open(LEADER, lang="en")
    assert Translator("en")("mine_action.national_apart") not in [i.value for i in at.info]
    assert at.dataframe[0].value[Translator("en")("mine_action.col_in_data")].notna().any()


def test_the_public_is_refused_and_sees_no_records(monkeypatch_module):
    at = _open(None, lang="en")
    assert Translator("en")("access.page_needs_sign_in") in [i.value for i in at.info]
    assert not at.dataframe and not at.metric

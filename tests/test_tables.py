"""Tables and records read in the chosen language: headings, vocabulary values, names, empty cells."""

import pandas as pd
import pytest

from lib import selection
from lib.i18n import Translator
from lib.schema import LAYERS
from lib.tables import EMPTY, readable_table, readable_value, record_table, sources_table
from tests.fixtures import tiny_layers

RU, AZ, EN = Translator("ru"), Translator("az"), Translator("en")
RAW_FIELD_NAMES = {f.name for spec in LAYERS.values() for f in spec.fields}


@pytest.fixture
def layers():
    return tiny_layers()


def test_table_headings_are_words_of_the_language_not_field_names(layers):
    table = readable_table(layers["hazard_areas"], "hazard_areas", RU)
    assert not RAW_FIELD_NAMES & set(table.columns)
    assert RU("field.device_category") in table.columns and RU("field.released_ha") in table.columns


def test_allowed_values_are_worded_and_numbers_and_dates_keep_their_type(layers):
    table = readable_table(layers["hazard_areas"], "hazard_areas", AZ)
    statuses = set(table[AZ("field.status")])
    assert statuses <= {AZ.term("hazard_status", s) for s in LAYERS["hazard_areas"].field("status").allowed}
    assert "released" not in statuses and "suspected" not in statuses
    assert pd.api.types.is_numeric_dtype(table[AZ("field.area_ha")])  # still sorts as numbers


def test_one_name_column_in_the_chosen_language_with_fallback(layers):
    table = readable_table(layers["settlements"], "settlements", RU)
    names = table[RU("field.name")].tolist()
    assert names == ["А", "B"]  # B has no Russian name: its Azerbaijani one is shown
    assert not {"name_az", "name_en", "name_ru"} & set(table.columns)


def test_a_status_word_depends_on_the_layer(layers):
    # "completed" of a house and of works are different words in some languages; both resolve
    assert readable_value("housing", "status", "completed", RU) == RU.term("housing_status", "completed")
    assert readable_value("infrastructure", "status", "completed", RU) == RU.term("work_status", "completed")
    assert readable_value("settlements", "kind", "city", AZ) == "şəhər"


def test_empty_values_are_a_dash_never_none():
    for value in (None, float("nan"), pd.NaT, pd.NA):
        assert readable_value("hazard_areas", "release_method", value, RU) == EMPTY


def test_generated_sources_show_the_demonstration_mark():
    value = readable_value("housing", "source", "demonstration data: building generated", AZ)
    assert value == AZ("basis.demonstration")
    assert readable_value("returns", "source", "https://report.az/x", AZ) == "https://report.az/x"


def test_a_clicked_record_reads_in_the_language(layers):
    data = selection.layers_as_of(layers, "2024-06-30")
    record = selection.record_of(data, {"properties": {"layer": "settlements", "id": "AZ-LAC-a"}})
    table = record_table(record, RU)
    fields, values = table[RU("record.field")].tolist(), table[RU("record.value")].tolist()
    assert not RAW_FIELD_NAMES & set(fields)
    assert RU.term("settlement_kind", "village") in values
    assert not {"None", "nan", "NaT", "village", "resettling"} & set(values)
    assert RU.day("2023-01-01") in values  # a date as a day of the language


def test_sources_are_worded_in_the_language_with_their_layers():
    metadata = {"sources": [{"key": "facts", "layers": ["returns", "targets"], "source": "x", "licence": "y"}]}
    table = sources_table(metadata, AZ)
    assert table.iloc[0].tolist() == [
        f"{AZ('layer.returns')}, {AZ('layer.targets')}",
        AZ("source.facts"),
        AZ("licence.facts"),
    ]


def test_numbers_in_a_record_use_the_language_separators_whatever_their_type():
    import numpy as np

    assert readable_value("settlements", "planned_households", np.int64(1395), AZ) == "1.395"
    assert readable_value("hazard_areas", "area_ha", np.float64(263.26), RU) == "263,26"
    assert readable_value("settlements", "planned_households", 1395, EN) == "1,395"

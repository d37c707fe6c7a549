"""Filters round-trip through the URL; unusable values are dropped and reported."""

from datetime import date

from lib.filters import (
    EARLIEST_DAY,
    choice_from_link,
    choices_from_link,
    default_filters,
    filters_from_query,
    filters_to_query,
    link_warning,
)
from lib.i18n import Translator

KNOWN = {"AZ-LAC", "AZ-ZAN", "AZ-FUZ"}
DEFAULTS = default_filters(sorted(KNOWN), date(2026, 3, 5))


def test_defaults_are_all_districts_as_of_the_data_date_compared_with_a_year_before():
    assert DEFAULTS.districts == ("AZ-FUZ", "AZ-LAC", "AZ-ZAN")
    assert (DEFAULTS.as_of, DEFAULTS.since, DEFAULTS.language) == (date(2026, 3, 5), date(2025, 3, 5), "az")


def test_default_view_is_the_plain_address():
    assert filters_to_query(DEFAULTS, DEFAULTS) == {}


def test_a_view_round_trips_through_its_query_parameters():
    params = {"lang": "ru", "districts": "AZ-LAC,AZ-ZAN", "as_of": "2024-12-31", "since": "2024-01-01"}
    filters = filters_from_query(params, DEFAULTS, KNOWN)
    assert (filters.language, filters.districts, filters.as_of) == ("ru", ("AZ-LAC", "AZ-ZAN"), date(2024, 12, 31))
    assert filters_to_query(filters, DEFAULTS) == params
    assert filters.notes == ()


def test_unknown_values_are_dropped_and_named():
    filters = filters_from_query({"lang": "fr", "districts": "AZ-LAC,AZ-XYZ", "as_of": "31/12/2024"}, DEFAULTS, KNOWN)
    assert filters.language == "az" and filters.districts == ("AZ-LAC",) and filters.as_of == DEFAULTS.as_of
    assert {(n.key, n.asked) for n in filters.notes} == {
        ("lang", "fr"),
        ("districts", "AZ-XYZ"),
        ("as_of", "31/12/2024"),
    }


def test_a_link_naming_only_unknown_districts_falls_back_to_all():
    assert filters_from_query({"districts": "AZ-XYZ"}, DEFAULTS, KNOWN).districts == DEFAULTS.districts


def test_an_empty_district_list_stays_empty():
    filters = filters_from_query({"districts": ""}, DEFAULTS, KNOWN)
    assert filters.districts == ()
    assert filters_to_query(filters, DEFAULTS) == {"districts": ""}


def test_a_day_after_the_data_date_is_moved_to_it_and_said():
    filters = filters_from_query({"as_of": "2030-01-01", "since": "2027-05-01"}, DEFAULTS, KNOWN)
    assert filters.as_of == DEFAULTS.as_of
    assert filters.since < filters.as_of
    notes = {(n.message_id, n.key, n.asked) for n in filters.notes}
    assert ("link.after_data_date", "as_of", "2030-01-01") in notes
    assert ("link.after_data_date", "since", "2027-05-01") in notes


def test_a_day_before_the_programme_is_moved_to_its_first_day_and_said():
    filters = filters_from_query({"as_of": "2019-01-01"}, DEFAULTS, KNOWN)
    assert filters.as_of == EARLIEST_DAY
    assert [(n.message_id, n.used) for n in filters.notes][0] == ("link.before_programme", EARLIEST_DAY)


def test_since_after_as_of_becomes_a_year_before_it_and_is_said():
    filters = filters_from_query({"as_of": "2024-06-30", "since": "2025-01-01"}, DEFAULTS, KNOWN)
    assert (filters.as_of, filters.since) == (date(2024, 6, 30), date(2023, 6, 30))
    assert [n.message_id for n in filters.notes] == ["link.since_after_as_of"]


def test_every_note_is_worded_in_one_warning_naming_what_was_asked():
    filters = filters_from_query({"as_of": "2030-01-01", "lang": "fr"}, DEFAULTS, KNOWN)
    warning = link_warning(filters.notes, Translator("ru"))
    assert "as_of=2030-01-01" in warning and "lang=fr" in warning
    assert Translator("ru").day(DEFAULTS.as_of) in warning  # the day shown instead
    assert link_warning((), Translator("ru")) is None


def test_a_page_parameter_is_kept_when_allowed_and_reported_when_not():
    assert choice_from_link({"district": "AZ-LAC"}, "district", KNOWN) == ("AZ-LAC", [])
    value, notes = choice_from_link({"district": "AZ-XYZ"}, "district", KNOWN)
    assert value is None and [(n.key, n.asked) for n in notes] == [("district", "AZ-XYZ")]
    assert choice_from_link({}, "district", KNOWN) == (None, [])
    layers, notes = choices_from_link({"layers": "housing,roads"}, "layers", ["housing", "hazard_areas"], ["x"])
    assert layers == ["housing"] and [n.asked for n in notes] == ["roads"]
    assert choices_from_link({}, "layers", ["housing"], ["housing"]) == (["housing"], [])
    assert choices_from_link({"layers": ""}, "layers", ["housing"], ["housing"]) == ([], [])


def test_a_default_comparison_day_after_an_early_as_of_moves_silently():
    # only as_of is in the link: the comparison day was never asked for, so nothing is said
    filters = filters_from_query({"as_of": "2022-01-01"}, DEFAULTS, KNOWN)
    assert filters.since == date(2021, 1, 1) and filters.notes == ()

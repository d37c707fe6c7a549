"""Filters round-trip through the URL; unusable values are dropped and reported."""

from datetime import date

from lib.filters import default_filters, filters_from_query, filters_to_query

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
    assert filters.ignored == ()


def test_unknown_values_are_dropped_and_named():
    filters = filters_from_query({"lang": "fr", "districts": "AZ-LAC,AZ-XYZ", "as_of": "31/12/2024"}, DEFAULTS, KNOWN)
    assert filters.language == "az" and filters.districts == ("AZ-LAC",) and filters.as_of == DEFAULTS.as_of
    assert set(filters.ignored) == {"lang=fr", "districts=AZ-XYZ", "as_of=31/12/2024"}


def test_a_link_naming_only_unknown_districts_falls_back_to_all():
    assert filters_from_query({"districts": "AZ-XYZ"}, DEFAULTS, KNOWN).districts == DEFAULTS.districts


def test_an_empty_district_list_stays_empty():
    filters = filters_from_query({"districts": ""}, DEFAULTS, KNOWN)
    assert filters.districts == ()
    assert filters_to_query(filters, DEFAULTS) == {"districts": ""}

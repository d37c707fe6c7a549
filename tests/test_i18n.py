"""Every message exists, non-empty and with the same placeholders, in Azerbaijani, English and Russian;
plural messages have every form their language needs."""

import re
import string

import pytest
from babel.messages.plurals import get_plural

from lib import maps, progress, styling
from lib.config import PROJECT_ROOT
from lib.i18n import LANGUAGES, MissingMessage, Translator, catalogue
from lib.kpi import BASE_KINDS
from lib.schema import ECONOMIC_REGIONS, LAYERS
from lib.tables import DERIVED_FIELDS

CODE = [PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "lib").glob("*.py")]
LITERAL_ID = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z_.]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_all_languages_have_the_same_messages():
    ids = {language: catalogue(language).ids for language in LANGUAGES}
    for language, found in ids.items():
        assert found == ids["en"], f"{language}: missing {sorted(ids['en'] - found)}, extra {sorted(found - ids['en'])}"
    plural_ids = {language: set(catalogue(language).plurals) for language in LANGUAGES}
    assert plural_ids["az"] == plural_ids["en"] == plural_ids["ru"], "a message is plural in one language only"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_message_is_empty_and_placeholders_match_english(language):
    english = catalogue("en")
    for message_id, text in catalogue(language).messages.items():
        assert text.strip(), f"{language}: {message_id} is empty"
        assert _placeholders(text) == _placeholders(english.messages[message_id]), f"{language}: {message_id}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_plural_messages_have_every_form_of_the_language_filled(language):
    found = catalogue(language)
    # the catalogue's Plural-Forms header must be CLDR's rule for the language (via Babel)
    assert found.plural_count == get_plural(language).num_plurals
    english = catalogue("en").plurals
    assert found.plurals, "no plural messages: counted things must use them"
    for message_id, forms in found.plurals.items():
        assert len(forms) == found.plural_count, f"{language}: {message_id} has {len(forms)} forms"
        for form in forms:
            assert form.strip(), f"{language}: a form of {message_id} is empty"
            assert _placeholders(form) == _placeholders(english[message_id][-1]), f"{language}: {message_id}"


def test_russian_counts_take_their_three_forms():
    t = Translator("ru")
    words = [t.plural("explorer.rows", n).split(";")[0] for n in (1, 2, 5, 11, 21, 22, 25, 101, 1234)]
    assert words == [
        "1 строка",
        "2 строки",
        "5 строк",
        "11 строк",
        "21 строка",
        "22 строки",
        "25 строк",
        "101 строка",
        "1\xa0234 строки",
    ]
    assert Translator("en").plural("explorer.rows", 1).startswith("1 row;")
    assert Translator("en").plural("explorer.rows", 3).startswith("3 rows;")


def test_every_message_the_code_uses_exists():
    used = {match for path in CODE for match in LITERAL_ID.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no messages: the pattern is broken"
    missing = sorted(used - catalogue("en").ids)
    assert not missing, missing


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_field_has_a_heading_and_every_allowed_value_a_word(language):
    fields = {f.name for spec in LAYERS.values() for f in spec.fields} | set(DERIVED_FIELDS)
    assert [name for name in sorted(fields) if f"field.{name}" not in catalogue(language)] == []
    categorical = [f for spec in LAYERS.values() for f in spec.fields if f.allowed]
    assert [f.name for f in categorical if not f.terms] == [], "a categorical field without its vocabulary"
    missing = [
        f"{f.terms}.{value}"
        for f in categorical
        for value in f.allowed
        if f"{f.terms}.{value}" not in catalogue(language)
    ]
    assert missing == []


def test_every_vocabulary_value_and_generated_id_has_a_message():
    terms = {"region": ECONOMIC_REGIONS, "settlement_status": LAYERS["settlements"].field("status").allowed}
    terms.update({styling.STATUS_TERMS[layer]: LAYERS[layer].field("status").allowed for layer in styling.STATUS_TERMS})
    generated = [f"{group}.{value}" for group, values in terms.items() for value in values]
    generated += [f"indicator.{key}" for key in progress.INDICATORS] + [
        unit for _, unit in progress.INDICATORS.values()
    ]
    generated += [f"layer.{layer}" for layer in maps.EXPLORER_LAYERS]
    generated += [
        f"kpi.{key}"
        for key in (
            "families_returned",
            "persons_returned",
            "settlements_resettling",
            "units_completed",
            "units_occupied",
            "hectares_released",
            "infrastructure_completion",
            "jobs_created",
        )
    ]
    generated += [f"kpi_basis.{key}" for key in ("families_returned", "persons_returned", "units_completed")]
    generated += [f"kpi_base.{kind}" for kind in BASE_KINDS]
    generated += [f"kpi_base_none.{kind}" for kind in BASE_KINDS if kind not in ("target", "no_target")]
    generated += [f"blocker.{kind}" for kind in ("empty_homes", "jobs", "hazards", "infrastructure", "none")]
    assert [m for m in generated if m not in catalogue("en")] == []


def test_numbers_and_dates_follow_the_language():
    assert Translator("en").number(1234567) == "1,234,567"
    assert Translator("az").number(1234567) == "1.234.567"
    assert Translator("ru").number(1234567) == "1\xa0234\xa0567"
    assert Translator("az").day("2025-06-17") == "17 iyn 2025"
    assert Translator("ru").day("2025-06-17").startswith("17 июн")


def test_unknown_message_is_an_error_naming_it():
    with pytest.raises(MissingMessage, match="nothing.here"):
        Translator("ru")("nothing.here")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_counted_unit_has_its_plural_forms(language):
    # a reported figure is worded as "<count> <unit>" with the unit's plural form for the count
    units = ("families", "persons", "units", "ha", "jobs", "settlements")
    assert [u for u in units if f"count.{u}" not in catalogue(language).plurals] == []
    assert Translator("ru").plural("count.families", 3721) == "3\xa0721 семья"
    assert Translator("ru").plural("count.families", 203) == "203 семьи"

"""Every message exists, non-empty and with the same placeholders, in Azerbaijani, English and Russian."""

import re
import string

import pytest

from lib import maps, progress
from lib.config import PROJECT_ROOT
from lib.i18n import LANGUAGES, MissingMessage, Translator, catalogue
from lib.kpi import BASE_KINDS
from lib.schema import ECONOMIC_REGIONS, LAYERS

CODE = [PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "lib").glob("*.py")]
LITERAL_ID = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z_.]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_all_languages_have_the_same_messages():
    ids = {language: set(catalogue(language)) for language in LANGUAGES}
    for language, found in ids.items():
        assert found == ids["en"], f"{language}: missing {sorted(ids['en'] - found)}, extra {sorted(found - ids['en'])}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_message_is_empty_and_placeholders_match_english(language):
    english = catalogue("en")
    for message_id, text in catalogue(language).items():
        assert text.strip(), f"{language}: {message_id} is empty"
        assert _placeholders(text) == _placeholders(english[message_id]), f"{language}: {message_id}"


def test_every_message_the_code_uses_exists():
    used = {match for path in CODE for match in LITERAL_ID.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no messages: the pattern is broken"
    missing = sorted(used - set(catalogue("en")))
    assert not missing, missing


def test_every_vocabulary_value_and_generated_id_has_a_message():
    t = Translator("en")
    terms = {"region": ECONOMIC_REGIONS, "settlement_status": LAYERS["settlements"].field("status").allowed}
    terms.update({maps.STATUS_TERMS[layer]: LAYERS[layer].field("status").allowed for layer in maps.STATUS_TERMS})
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
    assert [m for m in generated if not t.has(m)] == []


def test_numbers_and_dates_follow_the_language():
    assert Translator("en").number(1234567) == "1,234,567"
    assert Translator("az").number(1234567) == "1.234.567"
    assert Translator("ru").number(1234567) == "1\xa0234\xa0567"
    assert Translator("az").day("2025-06-17") == "17 iyn 2025"
    assert Translator("ru").day("2025-06-17").startswith("17 июн")


def test_unknown_message_is_an_error_naming_it():
    with pytest.raises(MissingMessage, match="nothing.here"):
        Translator("ru")("nothing.here")

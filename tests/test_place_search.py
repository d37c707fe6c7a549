"""Place search over the real place names (geodata/settlements.csv, geodata/districts.csv): every
settlement by each of its names and their usual spellings, typos, nonsense, and the ranking."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.config import PROJECT_ROOT
from lib.place_search import EXACT, PREFIX, build_index, folded_key, plain_key, search_places

SETTLEMENTS = pd.read_csv(PROJECT_ROOT / "geodata" / "settlements.csv")
ALL_DISTRICTS = pd.read_csv(PROJECT_ROOT / "geodata" / "districts.csv")
# the app searches the return-area districts, the ones its sidebar offers
DISTRICTS = ALL_DISTRICTS[ALL_DISTRICTS["economic_region"].notna()]
INDEX = build_index(SETTLEMENTS, DISTRICTS)

# What a person without Azerbaijani letters on the keyboard types (written out here rather than
# taken from the library under test).
PLAIN_LATIN = str.maketrans("əƏıİşŞçÇğĞöÖüÜ", "eEiIsScCgGoOuU")


def _settlement_names(language: str) -> list[tuple[str, str]]:
    named = SETTLEMENTS[SETTLEMENTS[f"name_{language}"].notna()]
    return list(zip(named["settlement_id"], named[f"name_{language}"]))


def _top(query: str, language: str = "en", limit: int = 8) -> list[str]:
    return [match.place_id for match in search_places(INDEX, query, language, limit)]


def test_every_place_is_indexed_once():
    assert len(INDEX) == len(SETTLEMENTS) + DISTRICTS["district_id"].nunique()  # Shusha city and district: one


def test_settlements_of_districts_not_searched_are_left_out():
    lachin_only = build_index(SETTLEMENTS, DISTRICTS[DISTRICTS["district_id"] == "AZ-LAC"])
    assert {m.district_id for m in search_places(lachin_only, "Şuşa")} == {"AZ-LAC"}  # Sus, a letter off
    assert [m.place_id for m in search_places(lachin_only, "Zabux")] == ["AZ-LAC-zabukh"]


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_every_settlement_is_the_top_result_for_each_of_its_names(language):
    found = {settlement_id: _top(name)[:1] for settlement_id, name in _settlement_names(language)}
    assert {s: top for s, top in found.items() if top != [s]} == {}


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_case_does_not_matter(case):
    found = {settlement_id: _top(case(name))[:1] for settlement_id, name in _settlement_names("ru")}
    assert {s: top for s, top in found.items() if top != [s]} == {}


def test_every_settlement_is_the_top_result_for_its_azerbaijani_name_in_plain_latin():
    found = {s: _top(name.translate(PLAIN_LATIN))[:1] for s, name in _settlement_names("az")}
    assert {s: top for s, top in found.items() if top != [s]} == {}


def test_every_district_is_found_by_each_of_its_names_among_the_first_two():
    # a district shares its name with its chief town, which comes first at an equal score
    for language in ("az", "en", "ru"):
        for district_id, name in zip(DISTRICTS["district_id"], DISTRICTS[f"name_{language}"]):
            assert district_id in _top(name)[:2], (language, name)


USUAL_SPELLINGS = {
    "AZ-AGM-aghdam-city": ["Ağdam", "Agdam", "Aghdam", "AGDAM", "Агдам", "агдам"],
    "AZ-SUS-shusha-city": ["Şuşa", "Susa", "Shusha", "SHUSHA", "Шуша", "şuşa"],
    "AZ-XCI-khojaly-city": ["Xocalı", "Xocali", "Khojaly", "Khojali", "Xocaly", "Ходжалы"],
    "AZ-CAB-jabrayil-city": ["Cəbrayıl", "Cebrayil", "Jabrayil", "Jabrail", "Djebrail", "Джебраил", "Джабраил"],
    "AZ-ZAN-zangilan-city": ["Zəngilan", "Zengilan", "Zangilan", "Зангилан"],
    "AZ-FUZ-fuzuli-city": ["Füzuli", "Fuzuli", "Fizuli", "Физули"],
    "AZ-LAC-lachin-city": ["Laçın", "Lacin", "Lachin", "Lachyn", "Лачин"],
    "AZ-KAL-kalbajar-city": ["Kəlbəcər", "Kelbecer", "Kelbajar", "Kalbajar", "Кельбаджар", "Кельбаджары"],
    "AZ-QBI-gubadli-city": ["Qubadlı", "Qubadli", "Gubadly", "Gubadli", "Губадлы"],
    "AZ-ZAN-aghali": ["Ağalı", "Agali", "Aghali", "Агалы"],
    "AZ-TAR-talish": ["Talış", "Talis", "Talish", "Talysh", "Талыш"],
    "AZ-XA-khankendi-city": ["Xankəndi", "Xankendi", "Khankendi", "Ханкенди"],
    "AZ-XVD-khojavend-city": ["Xocavənd", "Xocavend", "Khojavend", "Khojavand", "Ходжавенд"],
    "AZ-AGC-aghjabadi-city": ["Ağcabədi", "Agcabedi", "Aghjabadi", "Agjabedi", "Агджабеди"],
    "AZ-TAR-sugovushan": ["Suqovuşan", "Suqovusan", "Sugovushan", "Суговушан"],
    "AZ-TAR-ashagi-oratagh": ["Aşağı Oratağ", "Asagi Oratag", "Ashaghy Oratagh", "Ашагы Оратаг"],
    "AZ-KAL-chapar": ["Çapar", "Capar", "Chapar", "Чапар"],
    "AZ-XCI-ballija": ["Ballıca", "Ballica", "Ballija", "Balija", "Баллыджа"],
    "AZ-ZAN-mammadbayli": ["Məmmədbəyli", "Memmedbeyli", "Mammadbayli", "Mamedbeyli", "Мамедбейли"],
}


@pytest.mark.parametrize(
    ("settlement_id", "spelling"),
    [(settlement_id, spelling) for settlement_id, spellings in USUAL_SPELLINGS.items() for spelling in spellings],
)
def test_usual_spellings_find_the_settlement_first_or_after_its_district(settlement_id, spelling):
    # "Shusha" is the English name of the district itself, so the district may come first
    district_id = SETTLEMENTS.set_index("settlement_id").at[settlement_id, "district_id"]
    top = search_places(INDEX, spelling, "en", 2)
    assert top and top[0].district_id == district_id
    assert settlement_id in [match.place_id for match in top]


def _typos(name: str) -> list[str]:
    """A letter dropped, a letter doubled, and a letter replaced, in the middle of the name."""
    middle = len(name) // 2
    replaced = "x" if name[middle].lower() != "x" else "z"
    return [
        name[:middle] + name[middle + 1 :],
        name[:middle] + name[middle] + name[middle:],
        name[:middle] + replaced + name[middle + 1 :],
    ]


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_a_typo_of_one_letter_still_finds_the_settlement_in_the_top_three(language):
    missed = {
        typo: _top(typo, limit=3)
        for settlement_id, name in _settlement_names(language)
        if len(name) >= 4  # "Sus" less a letter is "Ss": nothing to go on
        for typo in _typos(name)
        if settlement_id not in _top(typo, limit=3)
    }
    assert missed == {}


@pytest.mark.parametrize("nonsense", ["qwertyuiop", "zzzz", "Москва", "12345", "xjqv", "Stepanakertz", "!!!", "   "])
def test_nonsense_finds_nothing(nonsense):
    assert search_places(INDEX, nonsense) == []


def test_an_empty_query_finds_nothing():
    assert search_places(INDEX, "") == []


def test_exact_names_rank_before_prefixes_and_prefixes_before_fuzzy_matches():
    matches = search_places(INDEX, "Sus", "en")
    assert [m.place_id for m in matches[:4]] == ["AZ-LAC-sus", "AZ-SUS-shusha-city", "AZ-SUS", "AZ-XCI-shushakand"]
    assert matches[0].score == EXACT
    assert all(PREFIX < m.score < EXACT for m in matches[1:4])
    assert [m.place_id for m in matches if m.score < PREFIX] == ["AZ-XVD-sos"]  # one letter off


def test_a_prefix_lists_every_place_it_begins_shortest_first():
    matches = search_places(INDEX, "Ağ", "az")
    assert {m.name for m in matches} >= {"Ağdam", "Ağalı", "Ağcabədi"}
    assert [m.name for m in matches][:3] == ["Ağalı", "Ağdam", "Ağdam"]  # Ağdam the town, then the district
    assert [m.kind for m in matches][:3] == ["settlement", "settlement", "district"]


def test_a_later_word_of_a_name_finds_it():
    assert _top("Oratağ")[:1] == ["AZ-TAR-ashagi-oratagh"]
    assert _top("bazar")[:1] == ["AZ-XVD-qirmizi-bazar"]


def test_results_are_named_in_the_chosen_language_with_their_district():
    russian = search_places(INDEX, "Zabux", "ru")[0]
    assert (russian.kind, russian.name, russian.district_name, russian.settlement_id) == (
        "settlement",
        "Забух",
        "Лачин",
        "AZ-LAC-zabukh",
    )
    district = search_places(INDEX, "Laçın", "en")[1]
    assert (district.kind, district.place_id, district.name, district.settlement_id) == (
        "district",
        "AZ-LAC",
        "Lachin",
        None,
    )


def test_a_name_missing_in_the_chosen_language_falls_back_to_azerbaijani():
    assert search_places(INDEX, "Hasanriz", "ru")[0].name == "Həsənriz"  # no Russian name in the sources


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Şuşa", "Susa", "Shusha", "Шуша"], "susa"),
        (["Xocalı", "Khojaly", "Ходжалы"], "xocali"),
        (["Cəbrayıl", "Jabrayil", "Djabrayil"], "cabrail"),
        (["Qubadlı", "Gubadly"], "gubadli"),
    ],
)
def test_romanisations_fold_to_one_key(spellings, key):
    assert {folded_key(s) for s in spellings} == {key}


def test_plain_key_keeps_words_apart_and_drops_punctuation():
    assert plain_key("  Aşağı-Oratağ ") == "asagi oratag"
    assert plain_key("Кельбаджар") == "kelbadzhar"  # the soft sign is no letter

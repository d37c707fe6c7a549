"""Finding a settlement or district by name, whatever spelling a person types.

People write the same place as Şuşa, Susa, Shusha or Шуша; Xocalı, Xocali, Khojaly or Ходжалы.
Every name (Azerbaijani, English, Russian) and the query are reduced to two keys:

- the *plain* key: transliterated to ASCII (``anyascii``: Cyrillic and the Azerbaijani letters),
  lower case, without punctuation — ``Şuşa`` → ``susa``, ``Шуша`` → ``shusha``;
- the *folded* key: the plain key with the few Azerbaijani romanisation conventions folded
  together (see :data:`ROMANISATION_FOLDS`), so that ``shusha``, ``susa`` and ``şuşa`` meet.

Matches are ranked exact (plain, then folded) > prefix > a later word's prefix > fuzzy
(``rapidfuzz``; a typo of one letter still matches), settlements before districts when the score is
equal. The index is built once per data version (``lib/cache.py``); a query then costs well under a
millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

LANGUAGES = ("az", "en", "ru")
KINDS = ("settlement", "district")

# Scores: each level sits above every score of the levels below it.
EXACT = 100.0
EXACT_FOLDED = 95.0
PREFIX = 80.0  # up to PREFIX + 10, the more of the name the query covers
WORD_PREFIX = 70.0  # up to WORD_PREFIX + 10
FUZZY_WEIGHT = 0.65  # a fuzzy score is FUZZY_WEIGHT x rapidfuzz's ratio (0-100), so below WORD_PREFIX
FUZZY_RATIO = 75.0  # the least ratio that counts as a match ...
FUZZY_MIN_LENGTH = 3  # ... or one letter off, for queries at least this long
DEFAULT_LIMIT = 8

# anyascii turns each letter into its usual Latin letters but leaves the romanisations of
# Azerbaijani apart: English and Russian spellings write Azerbaijani x as kh (Xocalı ~ Khojaly,
# Ходжалы → Khodzhaly), c as j, dj or dzh (Cəbrayıl ~ Jabrayil ~ Dzhebrail), ç as ch, ş as sh,
# ğ as gh, q as g (Qubadlı ~ Gubadly), ə as a or e (anyascii gives e), ı as y (Talış ~ Talysh).
# Neither anyascii nor Unidecode has a table for this (they go from a script to Latin, not between
# romanisations), so both sides are folded to one skeleton. Order matters: dzh before zh/j.
ROMANISATION_FOLDS = (
    ("dzh", "c"),
    ("dj", "c"),
    ("kh", "x"),
    ("sh", "s"),
    ("ch", "c"),
    ("gh", "g"),
    ("j", "c"),
    ("q", "g"),
    ("e", "a"),
    ("y", "i"),
)
_APOSTROPHES = re.compile(r"['\"`]")  # anyascii's soft and hard signs (Кельбаджар → Kel'badzhar) are no letters
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# a pair, not a run: "zzzz" stays nonsense instead of becoming the prefix "z"
_DOUBLED = re.compile(r"(.)\1")  # Ballıca ~ Balica, Məmmədbəyli ~ Mamedbeyli


def plain_key(text: str) -> str:
    """A name in ASCII lower case, words separated by one space: ``"Aşağı Oratağ"`` → ``"asagi oratag"``."""
    return _NOT_ALNUM.sub(" ", _APOSTROPHES.sub("", anyascii(str(text)).lower())).strip()


def folded_key(text: str) -> str:
    """The plain key with the Azerbaijani romanisations folded together (``"Khojaly"`` and
    ``"Xocalı"`` → ``"xocali"``) and doubled letters made single."""
    key = plain_key(text)
    for spelling, letter in ROMANISATION_FOLDS:
        key = key.replace(spelling, letter)
    return _DOUBLED.sub(r"\1", key)


@dataclass(frozen=True)
class PlaceMatch:
    """One search result, named in the language asked for."""

    kind: str  # "settlement" or "district"
    place_id: str  # settlement_id or district_id
    district_id: str
    name: str
    district_name: str
    score: float

    @property
    def settlement_id(self) -> str | None:
        return self.place_id if self.kind == "settlement" else None


@dataclass(frozen=True)
class _Place:
    kind: str
    place_id: str
    district_id: str
    names: dict[str, str]  # language -> name, only the languages that have one


@dataclass(frozen=True)
class PlaceIndex:
    """Every searchable name of the places, reduced to its keys once.

    Key number ``i`` (``plain[i]``, ``folded[i]``) belongs to ``places[owner[i]]``; ``words`` and
    ``word_owner`` do the same for the second and later words of the folded names.
    """

    places: tuple[_Place, ...]
    plain: tuple[str, ...]
    folded: tuple[str, ...]
    owner: tuple[int, ...]
    words: tuple[str, ...]
    word_owner: tuple[int, ...]
    district_names: dict[str, dict[str, str]]

    def __len__(self) -> int:
        return len(self.places)


def _names(row) -> dict[str, str]:
    return {
        lang: str(row[f"name_{lang}"])
        for lang in LANGUAGES
        if pd.notna(row.get(f"name_{lang}")) and row[f"name_{lang}"]
    }


def build_index(settlements: pd.DataFrame, districts: pd.DataFrame) -> PlaceIndex:
    """The search index of some settlements and districts.

    Parameters
    ----------
    settlements : DataFrame
        ``settlement_id``, ``district_id`` and ``name_az``, ``name_en``, ``name_ru`` (any may be
        empty). Settlements of districts not in ``districts`` are left out: nothing could open them.
    districts : DataFrame
        ``district_id`` and the three names; a district listed twice (geoBoundaries has Shusha
        city and district under one code) is indexed once.
    """
    unique_districts = districts.drop_duplicates("district_id")
    settlements = settlements[settlements["district_id"].isin(unique_districts["district_id"])]
    places = [
        _Place("settlement", row["settlement_id"], row["district_id"], _names(row)) for _, row in settlements.iterrows()
    ]
    places += [
        _Place("district", row["district_id"], row["district_id"], _names(row))
        for _, row in unique_districts.iterrows()
    ]
    plain, folded, owner, words, word_owner = [], [], [], [], []
    for number, place in enumerate(places):
        for name in dict.fromkeys(place.names.values()):  # a name spelt alike in two languages once
            plain.append(plain_key(name))
            folded.append(folded_key(name))
            owner.append(number)
            for word in folded[-1].split(" ")[1:]:
                words.append(word)
                word_owner.append(number)
    return PlaceIndex(
        tuple(places),
        tuple(plain),
        tuple(folded),
        tuple(owner),
        tuple(words),
        tuple(word_owner),
        {place.place_id: place.names for place in places if place.kind == "district"},
    )


def _name_in(names: dict[str, str], language: str) -> str:
    """A place's name in ``language``, else in Azerbaijani, else in English (as lib.i18n.place_names)."""
    for lang in (language, "az", "en"):
        if names.get(lang):
            return names[lang]
    return ""


def _fuzzy_scores(index: PlaceIndex, query: str) -> dict[int, float]:
    """Score of each place whose folded name (or later word) is close to the folded query."""
    if len(query) < FUZZY_MIN_LENGTH:
        return {}
    scores: dict[int, float] = {}
    for keys, owners in ((index.folded, index.owner), (index.words, index.word_owner)):
        close = {i for _, _, i in process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_RATIO, limit=None)}
        close |= {
            i for _, _, i in process.extract(query, keys, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
        }
        for i in close:
            score = FUZZY_WEIGHT * fuzz.ratio(query, keys[i])
            scores[owners[i]] = max(scores.get(owners[i], 0.0), score)
    return scores


def search_places(index: PlaceIndex, query: str, language: str = "az", limit: int = DEFAULT_LIMIT) -> list[PlaceMatch]:
    """The places whose names match ``query``, best first.

    Parameters
    ----------
    index : PlaceIndex
        From :func:`build_index`.
    query : str
        What the person typed, in any script and spelling; case and accents do not matter.
    language : str
        The language the results are named in (falling back to Azerbaijani, then English).
    limit : int
        At most this many results.

    Returns
    -------
    list of PlaceMatch
        Sorted by score (see the module's docstring), settlements before districts at an equal
        score, then by name; empty when nothing is close (nonsense finds nothing).
    """
    plain, folded = plain_key(query), folded_key(query)
    if not folded:
        return []
    scores = _fuzzy_scores(index, folded)
    for key, owner in zip(index.words, index.word_owner):
        if key.startswith(folded):
            scores[owner] = max(scores.get(owner, 0.0), WORD_PREFIX + 10 * len(folded) / len(key))
    for key_plain, key_folded, owner in zip(index.plain, index.folded, index.owner):
        if key_plain == plain:
            score = EXACT
        elif key_folded == folded:
            score = EXACT_FOLDED
        elif key_folded.startswith(folded):
            score = PREFIX + 10 * len(folded) / len(key_folded)
        else:
            continue
        scores[owner] = max(scores.get(owner, 0.0), score)
    matches = []
    for owner, score in scores.items():
        place = index.places[owner]
        matches.append(
            PlaceMatch(
                place.kind,
                place.place_id,
                place.district_id,
                _name_in(place.names, language),
                _name_in(index.district_names.get(place.district_id, {}), language),
                round(score, 2),
            )
        )
    matches.sort(key=lambda m: (-m.score, KINDS.index(m.kind), m.name, m.place_id))
    return matches[:limit]

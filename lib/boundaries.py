"""District boundaries: obtained from geoBoundaries, normalised to ISO 3166-2:AZ codes.

The file is downloaded once from a pinned geoBoundaries release into the user's cache folder
(pooch), or read from a local copy named by the ``boundaries_file`` setting on machines without
internet. Names are matched to codes through the curated ``geodata/districts.csv``; how each
name matched (exactly, after normalising, or not at all) is reported, never hidden.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pooch

import geopandas as gpd
import pyogrio

from lib.config import GEODATA_DIR, STORAGE_CRS, Settings

DISTRICT_NAMES_CSV = GEODATA_DIR / "districts.csv"
BOUNDARIES_SOURCE = (
    "geoBoundaries gbOpen AZE ADM2 (Runfola et al. 2020, PLOS ONE 15(4): e0231866), https://www.geoboundaries.org/"
)


class BoundariesUnavailable(RuntimeError):
    """The boundaries could be neither read from the local copy nor downloaded."""


def _how_to_fix(url: str) -> str:
    return (
        "To use the dashboard without internet, download the district boundaries on a machine that "
        f"has it:\n    {url}\nthen point the setting at the file:\n"
        "    export GREAT_RETURN_BOUNDARIES_FILE=/path/to/geoBoundaries-AZE-ADM2.geojson\n"
        "(or set boundaries_file in great_return.toml) and start again."
    )


def boundaries_path(settings: Settings) -> Path:
    """The boundaries file: the configured local copy, else the cached download.

    Raises
    ------
    BoundariesUnavailable
        With instructions, when the local copy is missing or the download fails.
    """
    if settings.boundaries_file is not None:
        path = Path(settings.boundaries_file).expanduser()
        if not path.is_file():
            raise BoundariesUnavailable(
                f"GREAT_RETURN_BOUNDARIES_FILE points to {path}, which does not exist.\n"
                + _how_to_fix(settings.boundaries_url)
            )
        return path
    try:
        downloaded = pooch.retrieve(
            settings.boundaries_url,
            known_hash=None,  # the commit in the URL pins the content
            fname=Path(settings.boundaries_url).name,
            path=settings.cache_dir / "geoboundaries",
            progressbar=False,
        )
    except Exception as error:  # requests/pooch raise many kinds; all mean "not downloaded"
        raise BoundariesUnavailable(
            f"Could not download the district boundaries from {settings.boundaries_url} ({error}).\n"
            + _how_to_fix(settings.boundaries_url)
        ) from error
    return Path(downloaded)


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read a geoBoundaries ADM2 file and check it is the one expected."""
    try:
        raw = pyogrio.read_dataframe(path)
    except Exception as error:
        raise BoundariesUnavailable(f"{path} is not a readable GeoJSON file ({error}).") from error
    if "shapeName" not in raw.columns:
        raise BoundariesUnavailable(f"{path} has no 'shapeName' field; is it a geoBoundaries ADM2 file?")
    if raw.crs is None:
        raw = raw.set_crs(STORAGE_CRS)  # GeoJSON is CRS84 by definition (RFC 7946)
    return raw.to_crs(STORAGE_CRS)


def _normalise(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    folded = re.sub(r"\b(district|rayon|city|sahari|seher)\b", "", folded)
    return re.sub(r"[^a-z]", "", folded)


@dataclass(frozen=True)
class NameMatch:
    """How one boundary name was matched to a district code."""

    name: str
    district_id: str | None
    match: str  # "exact", "normalised" or "unmatched"


def match_district_names(names: pd.Series, lookup: pd.DataFrame | None = None) -> list[NameMatch]:
    """Match boundary names to ISO codes: exactly first, then ignoring case, accents and 'District'."""
    lookup = pd.read_csv(DISTRICT_NAMES_CSV) if lookup is None else lookup
    exact = dict(zip(lookup["geoboundaries_name"], lookup["district_id"]))
    loose = {}
    for column in ("geoboundaries_name", "name_en", "name_az"):
        for name, code in zip(lookup[column], lookup["district_id"]):
            loose.setdefault(_normalise(name), code)
    matches = []
    for name in names:
        if name in exact:
            matches.append(NameMatch(name, exact[name], "exact"))
        elif _normalise(name) in loose:
            matches.append(NameMatch(name, loose[_normalise(name)], "normalised"))
        else:
            matches.append(NameMatch(name, None, "unmatched"))
    return matches


def normalise_districts(raw: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[NameMatch]]:
    """One feature per district, keyed by ISO 3166-2:AZ code, with names and economic region.

    Features that are one district (Lankaran District appears twice; Shusha City lies within
    Shusha district) are merged. Unmatched names are returned in the report and left out of the
    layer, since a district without a code cannot be joined to anything.
    """
    lookup = pd.read_csv(DISTRICT_NAMES_CSV, keep_default_na=False)
    matches = match_district_names(raw["shapeName"], lookup)
    matched = raw.assign(district_id=[m.district_id for m in matches])
    matched = matched[matched["district_id"].notna()]
    dissolved = matched[["district_id", "geometry"]].dissolve(by="district_id", as_index=False)
    dissolved["geometry"] = dissolved.geometry.make_valid()
    names = lookup.drop(columns="geoboundaries_name").drop_duplicates("district_id")
    districts = dissolved.merge(names, on="district_id", how="left")
    districts["economic_region"] = districts["economic_region"].replace("", None)
    districts["source"] = BOUNDARIES_SOURCE
    columns = ["district_id", "name_en", "name_az", "name_ru", "economic_region", "source", "geometry"]
    return gpd.GeoDataFrame(districts[columns], crs=STORAGE_CRS), matches


def load_districts(settings: Settings) -> tuple[gpd.GeoDataFrame, list[NameMatch]]:
    """Obtain, read and normalise the district boundaries per the settings."""
    return normalise_districts(read_boundaries(boundaries_path(settings)))

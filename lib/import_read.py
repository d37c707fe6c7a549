"""Reading the committee's files into one shape: a table of cells, geometry in EPSG:4326, the row
numbers the user sees, and what was detected (issue 10, ``/work/import-design.md``).

Formats are told by their content (zip, SQLite, ``{``, ``<kml``), the name only breaking ties and
naming what a damaged file was meant to be. Text is decoded strictly as UTF-8 and UTF-16 first, then
by charset-normalizer (which misreads some single-byte code pages). Cells of CSV and XLSX stay text:
decimal commas become points and day-first dates become ISO text, an impossible 31.02.2025 too
(``2025-02-31``) so that the checker (:mod:`lib.import_checks`) refuses it by name. Where a file
names no coordinate system it is inferred from the numbers (:func:`guess_crs`) and the reason said.

Nothing here raises on a bad file: what is wrong comes back as :class:`lib.validation.Problem`
with a message code ``problem.<code>`` of the catalogues.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from lib.config import STORAGE_CRS, get_settings
from lib.validation import Problem

logger = logging.getLogger(__name__)

FORMATS = ("geojson", "gpkg", "shapefile", "kml", "kmz", "csv", "xlsx")

# The box the return areas' coordinates fall in (all of Azerbaijan, Nakhchivan included).
AZ_LON = (44.0, 51.0)
AZ_LAT = (38.0, 42.0)
# Metric systems a file without one is tried in, most likely first: UTM 38N is the country's
# measuring CRS (and covers Karabakh); 39N and 38N overlap at 44-45 / 50-51 degrees.
METRIC_CRSS = (
    ("EPSG:32638", "crs.metres_utm38"),
    ("EPSG:32639", "crs.metres_utm39"),
    ("EPSG:3857", "crs.metres_web_mercator"),
)

# Column names (stripped, case-folded) that hold coordinates or a WKT geometry.
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "easting", "uzunluq", "boylam", "долгота")
LAT_NAMES = ("lat", "latitude", "y", "northing", "enlik", "enlem", "широта")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom")

# A zip member unpacking to more than this many times its packed size is refused: deflate
# cannot exceed ~1030, and real tables (even space-padded DBF) stay well below 500.
ZIP_MAX_RATIO = 500
ZIP_RATIO_FROM_BYTES = 1024 * 1024
CSV_CHUNK_ROWS = 20_000
# Columns the LIBKML driver adds to every placemark; none is the committee's data.
KML_EXTRA_COLUMNS = (
    "id",
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
)

_NUMBER_COMMA = r"\s*[-+]?\d+,\d+\s*"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_DAY_MONTH = rf"\s*(\d{{1,2}})([./])(\d{{1,2}})[./](\d{{4}}){_TIME}\s*"
_DATE_ISO = rf"\s*(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}\s*"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_VALUE_SHOWN = 60  # characters of a cell quoted in a message


@dataclass(frozen=True)
class ReadOptions:
    """Everything the user can override; ``None`` = detect."""

    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    date_order: str | None = None  # "dmy" (31.01.2025), "ymd" (ISO), "mdy" (01/31/2025)
    crs: str | None = None  # the file's coordinates are in this CRS
    swap_xy: bool | None = None  # force (True) or forbid (False) swapping lon and lat
    source_layer: str | None = None  # a layer of a GeoPackage/KML/zip or a sheet of an XLSX
    max_bytes: int | None = None  # default Settings.import_max_bytes


@dataclass(frozen=True)
class Detected:
    """What was found in the file; shown on the page, printed by the CLI, each overridable."""

    format: str  # one of FORMATS, or "unknown"
    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    date_order: str | None = None
    crs: str | None = None  # the CRS the coordinates were read in (before conversion to EPSG:4326)
    crs_how: str | None = None  # "file" | "given" | "assumed" | None (no geometry)
    crs_reason: str | None = None  # message code saying why it was assumed, e.g. "crs.metres_utm38"
    swapped_xy: bool = False
    geometry_from: str | None = None  # "file" | "lonlat" | "wkt"
    source_layers: tuple[str, ...] = ()


@dataclass
class SourceTable:
    """One table of the file: cells, the row numbers the user sees, and what they count."""

    name: str
    frame: pd.DataFrame  # a GeoDataFrame in EPSG:4326 when there is geometry
    rows: pd.Series  # aligned with frame.index
    row_kind: str  # "row" (spreadsheet / CSV line, header = 1) | "feature" (1-based)


@dataclass
class ImportedFile:
    """A file as read: its identity, what was detected, its table and its file-level problems."""

    name: str
    size: int
    sha256: str
    detected: Detected
    table: SourceTable | None
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    """The file cannot be read; carries the problem's code and values."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def _problem(file: str, code: str, at_row: int | None = None, in_field: str | None = None, **values) -> Problem:
    from lib.i18n import Translator  # the English wording for logs (Problem.message)

    return Problem(
        file,
        None,
        in_field,
        Translator("en")(f"problem.{code}", **values),
        at_row,
        code=code,
        values=tuple(values.items()),
    )


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= _VALUE_SHOWN else text[: _VALUE_SHOWN - 1] + "…"


def _detail(error: BaseException) -> str:
    """A library's error for the message: its first line, without our temporary folder's path."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return _shown(re.sub(r"\S*great-return-import-\S*", "the file", lines[0]))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


# --- coordinates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsGuess:
    """A coordinate system inferred from the numbers: its code, whether x and y are the wrong way
    round, and the message code saying why (``crs.<reason>``)."""

    crs: str
    swap: bool
    reason: str


def _in_azerbaijan(lon: float, lat: float) -> bool:
    return AZ_LON[0] <= lon <= AZ_LON[1] and AZ_LAT[0] <= lat <= AZ_LAT[1]


@cache
def _to_degrees(crs: str) -> Transformer:
    return Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)


def _middle(x, y) -> tuple[float, float] | None:
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    # the median point: a few stray coordinates do not change the verdict on the whole file
    return float(np.median(x[finite])), float(np.median(y[finite]))


def guess_crs(x, y) -> CrsGuess | None:
    """The coordinate system that puts these coordinates in Azerbaijan, or ``None``.

    Degrees (lon 44-51, lat 38-42), the same with lat in the x column (``swap``), then metres of
    UTM 38N, UTM 39N and Web Mercator, judged on the median point.
    """
    middle = _middle(x, y)
    if middle is None:
        return None
    mx, my = middle
    if _in_azerbaijan(mx, my):
        return CrsGuess(STORAGE_CRS, False, "crs.degrees")
    if _in_azerbaijan(my, mx):
        return CrsGuess(STORAGE_CRS, True, "crs.swapped")
    if abs(mx) <= 360 and abs(my) <= 360:
        return None  # degrees, but not of Azerbaijan: no metric CRS has values this small here
    for crs, reason in METRIC_CRSS:
        if _in_azerbaijan(*_to_degrees(crs).transform(mx, my)):
            return CrsGuess(crs, False, reason)
    return None


def crs_fits(crs: str, x, y) -> bool:
    """Whether reading the coordinates in ``crs`` puts their median point in Azerbaijan."""
    middle = _middle(x, y)
    if middle is None:
        return True
    lon, lat = _to_degrees(crs).transform(*middle)
    return bool(np.isfinite(lon) and np.isfinite(lat) and _in_azerbaijan(lon, lat))


def _crs_code(crs) -> str | None:
    if crs is None:
        return None
    crs = CRS.from_user_input(crs)
    if crs.equals(CRS.from_user_input("OGC:CRS84")) or crs.equals(CRS.from_epsg(4326)):
        return STORAGE_CRS
    found = crs.to_authority(min_confidence=70)
    return f"{found[0]}:{found[1]}" if found else crs.to_string()


def _swap(geometries: np.ndarray) -> np.ndarray:
    return shapely.transform(geometries, lambda xy: xy[:, ::-1])


def _place(frame: gpd.GeoDataFrame, declared: str | None, implicit_how: str, options: ReadOptions):
    """Put the geometry of ``frame`` in EPSG:4326: the CRS given, declared, or inferred.

    ``declared`` is the file's own CRS (``None`` when it names none); ``implicit_how`` is what a
    file without one that turns out to be in degrees counts as ("file" for GeoJSON, whose standard
    says WGS 84; "assumed" for a table of numbers). Returns the frame and the Detected fields, and
    the problems.
    """
    geometries = shapely.force_2d(np.asarray(frame.geometry.values, dtype=object))
    coordinates = shapely.get_coordinates(geometries)
    x, y = coordinates[:, 0], coordinates[:, 1]
    problems: list[tuple[str, dict]] = []
    swap, reason = False, None
    if options.crs is not None:
        try:
            crs = _crs_code(options.crs)
        except CRSError:
            raise _Refused("file_crs_invalid", crs=_shown(options.crs)) from None
        how = "given"
    elif declared is not None and crs_fits(declared, x, y):
        crs, how = declared, "file"
    elif declared is not None and CRS.from_user_input(declared).is_geographic and crs_fits(declared, y, x):
        crs, how, swap, reason = declared, "file", True, "crs.swapped"
    else:
        guess = guess_crs(x, y)
        if declared is not None:
            crs, how = declared, "file"
            if guess is not None and guess.crs != declared:
                # the file names one system and the numbers say another: refuse, naming the likely
                # one, and show the rows where they would land were it chosen
                problems.append(("file_crs_contradiction", {"declared": declared, "likely": guess.crs}))
                crs, how, swap, reason = guess.crs, "assumed", guess.swap, guess.reason
        elif guess is None:
            middle = _middle(x, y)
            if middle is not None:
                problems.append(("file_coordinates_unknown", {"x": f"{middle[0]:g}", "y": f"{middle[1]:g}"}))
            crs, how = None, None
        else:
            crs, swap, reason = guess.crs, guess.swap, guess.reason
            how = implicit_how if reason == "crs.degrees" else "assumed"
            if how == "file":
                reason = None
    if options.swap_xy is not None:
        swap = options.swap_xy
        if not swap and reason == "crs.swapped":
            reason = None
    if swap:
        geometries = _swap(geometries)
    placed = gpd.GeoSeries(geometries, index=frame.index, crs=crs or STORAGE_CRS)
    if crs is not None and crs != STORAGE_CRS:
        placed = placed.to_crs(STORAGE_CRS)
    frame = frame.set_geometry(placed.values, crs=STORAGE_CRS)
    return frame, {"crs": crs, "crs_how": how, "crs_reason": reason, "swapped_xy": swap}, problems


# --- text --------------------------------------------------------------------------------------


def _line_of(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1


def _encoding_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form valid UTF-8 sequences (a UTF-8 file with foreign lines)."""
    high = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80))
    covered = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    return high > 0 and covered >= 0.5 * high


_CASE_INVERSION = re.compile("[а-яё][А-ЯЁ]")


def _cyrillic_codec(sample: bytes) -> str:
    """Windows-1251 (Excel on Windows), or KOI8-R where the text reads better in it. The two code
    pages put the cases the other way round, so a word read in the wrong one comes out as "сЕМЬИ":
    the one with fewer lowercase letters followed by capitals wins (text all in capitals reads
    the same both ways: Windows-1251 then)."""
    windows = len(_CASE_INVERSION.findall(sample.decode("cp1251", errors="replace")))
    koi8 = len(_CASE_INVERSION.findall(sample.decode("koi8-r", errors="replace")))
    return "koi8-r" if koi8 < windows else "cp1251"


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in.

    ``encoding`` given: that one, strictly. Else a byte-order mark, strict UTF-8, UTF-16 (by its
    zero bytes), then charset-normalizer (e.g. Windows-1251 for Russian). Raises ``_Refused``.
    """
    if encoding is not None:
        try:
            codec = _encoding_name(encoding)
        except LookupError:
            raise _Refused("file_encoding_unknown", encoding=_shown(encoding)) from None
        attempts = [codec]
    elif data.startswith(codecs.BOM_UTF8):
        attempts = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    else:
        attempts = []
    for codec in attempts:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            raise _Refused("file_encoding_invalid", encoding=codec, line=_line_of(data, error.start)) from None
        return text.removeprefix("\ufeff"), codec
    sample = data[: 1 << 20]
    # UTF-16 without a byte-order mark first: its zero bytes are valid UTF-8 too ("e\0v\0e\0n\0t")
    zeros = np.frombuffer(sample[: len(sample) // 2 * 2], dtype=np.uint8).reshape(-1, 2) == 0
    for codec, column in (("utf-16-le", 1), ("utf-16-be", 0)):
        if len(zeros) and zeros[:, column].mean() > 0.3 and not zeros[:, 1 - column].any():
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as error:
                raise _Refused("file_encoding_invalid", encoding=codec, line=_line_of(data, error.start)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _mostly_utf8(data):
            raise _Refused("file_mixed_encoding", line=_line_of(data, error.start)) from None
    if b"\x00" in sample:
        raise _Refused("file_not_text")
    # Russian from Excel on Windows: charset-normalizer takes short Cyrillic texts for cp1257 & co.
    high = re.findall("[^\x00-\x7f]", sample.decode("cp1251", errors="replace"))
    if high and sum("\u0400" <= c <= "\u04ff" for c in high) >= 0.9 * len(high):
        codec = _cyrillic_codec(sample)
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise _Refused("file_not_text")
    codec = _encoding_name(best.encoding)
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as error:
        raise _Refused("file_encoding_invalid", encoding=codec, line=_line_of(data, error.start)) from None


def sniff_separator(header: str) -> str:
    """The separator of a CSV from its header line: the most frequent of ``;``, tab and ``,``
    outside quotes (``,`` when none is there: a one-column file)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if c != "geometry" and pd.api.types.is_string_dtype(frame[c].dtype)]


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    """Which cells match ``pattern`` whole; through pyarrow's RE2 on Arrow strings (no Python loop)."""
    plain = re.sub(r"\((?!\?)", "(?:", pattern)  # groups would only be captured to be dropped
    found = pc.match_substring_regex(pa.array(values.astype("str"), type=pa.large_string()), f"^(?:{plain})$")
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=values.index)


def _extract(values: pd.Series, pattern: str) -> pd.DataFrame | None:
    """The groups of ``pattern`` in the cells it matches whole (their index), or ``None``.
    Each distinct cell is parsed once: a column of dates repeats most of its values."""
    matched = values[_matches(values, pattern)]
    if matched.empty:
        return None
    codes, distinct = pd.factorize(matched)
    groups = pd.Series(distinct, dtype="str").str.extract(f"^{pattern}$")
    return groups.iloc[codes].set_index(matched.index)


def detect_date_order(frame: pd.DataFrame) -> str | None:
    """``dmy`` / ``mdy`` for the day-month dates in the text cells, ``ymd`` for ISO ones only,
    ``None`` for no dates. Dotted dates are day first; slashed ones month first only when some
    first part is a day (over 12) and no second one is."""
    seen_day_month = seen_iso = False
    first_over_12 = second_over_12 = False
    for column in _text_columns(frame):
        parts = _extract(frame[column], _DATE_DAY_MONTH)
        if parts is not None:
            seen_day_month = True
            slashed = parts[parts[1] == "/"]
            first_over_12 |= bool((slashed[0].astype(int) > 12).any())
            second_over_12 |= bool((slashed[2].astype(int) > 12).any())
        elif not seen_iso:
            seen_iso = bool(_matches(frame[column], _DATE_ISO).any())
    if seen_day_month:
        return "mdy" if second_over_12 and not first_over_12 else "dmy"
    return "ymd" if seen_iso else None


def detect_decimal(frame: pd.DataFrame) -> str:
    """``,`` when some text cell is a number written with a decimal comma, else ``.``."""
    for column in _text_columns(frame):
        if _matches(frame[column], _NUMBER_COMMA).any():
            return ","
    return "."


def _iso(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    return year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)


def normalise_cells(frame: pd.DataFrame, decimal: str, date_order: str | None) -> pd.DataFrame:
    """Text cells as the checker reads them: ``12,5`` -> ``12.5`` (decimal ``,``); dates in
    ``date_order`` -> ISO text, impossible ones too (``31.02.2025`` -> ``2025-02-31``)."""
    frame = frame.copy()
    for column in _text_columns(frame):
        values = frame[column]
        if decimal == ",":
            comma = _matches(values, _NUMBER_COMMA)
            if comma.any():
                values = values.mask(comma, values.str.strip().str.replace(",", ".", regex=False))
        iso = _extract(values, _DATE_ISO)
        if iso is not None:
            values = values.copy()
            values[iso.index] = _iso(iso[0], iso[1], iso[2])
        parts = _extract(values, _DATE_DAY_MONTH) if date_order in ("dmy", "mdy") else None
        if parts is not None:
            day, month = (parts[0], parts[2]) if date_order == "dmy" else (parts[2], parts[0])
            values = values.copy()
            values[parts.index] = _iso(parts[3], month, day)
        frame[column] = values
    return frame


# --- formats -----------------------------------------------------------------------------------


def _extension(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def _zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise _Refused("file_zip_unreadable") from None


def _member_is_unsafe(member: str) -> bool:
    path = member.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"^[A-Za-z]:", path)) or ".." in PurePosixPath(path).parts


def _checked_members(archive: zipfile.ZipFile, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The members of a zip, refused before anything is unpacked when a path climbs out of the
    folder or the declared sizes are over the limit or compressed like a bomb."""
    members = archive.infolist()
    for info in members:
        if _member_is_unsafe(info.filename):
            raise _Refused("file_zip_unsafe_path", member=_shown(info.filename))
    total = sum(info.file_size for info in members)
    if total > max_bytes:
        raise _Refused("file_zip_too_large", size_mb=_megabytes(total), limit_mb=_megabytes(max_bytes))
    for info in members:
        if info.file_size > ZIP_RATIO_FROM_BYTES and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise _Refused("file_zip_bomb", member=_shown(info.filename))
    return [info for info in members if not info.is_dir()]


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, budget: list[int]) -> Path:
    """Copy one member into ``folder`` (flat), never more than ``budget[0]`` bytes in all: the
    declared sizes may lie."""
    target = folder / PurePosixPath(info.filename.replace("\\", "/")).name
    with archive.open(info) as source, target.open("wb") as out:
        while chunk := source.read(1 << 20):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _Refused("file_zip_bomb", member=_shown(info.filename))
            out.write(chunk)
    return target


def detect_format(data: bytes, name: str) -> str:
    """The format of ``data`` by its content; raises ``_Refused`` for none of :data:`FORMATS`."""
    extension = _extension(name)
    head = data[:4096]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            names = [n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
        except (zipfile.BadZipFile, OSError):
            raise _Refused("file_xlsx_corrupt" if extension == ".xlsx" else "file_zip_unreadable") from None
        if "[content_types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        if extension == ".xlsx":
            raise _Refused("file_xlsx_corrupt")
        if any(n.endswith((".shp", ".dbf", ".shx")) for n in names):
            return "shapefile"
        if any(n.endswith(".kml") for n in names):
            return "kmz"
        if extension == ".kmz":
            raise _Refused("file_kmz_without_kml")
        raise _Refused("file_zip_unknown")
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if extension == ".gpkg":
        raise _Refused("file_not_what_name_says", expected="GeoPackage")
    if extension in (".xlsx", ".xls"):
        raise _Refused("file_xlsx_corrupt")
    if extension in (".shp", ".dbf", ".shx", ".prj"):
        raise _Refused("file_shapefile_not_zipped")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        start = head.decode("utf-16", errors="ignore")
    else:
        start = head.decode("utf-8", errors="ignore").removeprefix("\ufeff")
    start = start.lstrip()
    if start.startswith(("{", "[")):
        return "geojson"
    if start.startswith("<") and "<kml" in start.lower():
        return "kml"
    if extension in (".geojson", ".json"):
        raise _Refused("file_not_what_name_says", expected="GeoJSON")
    if extension in (".kml", ".kmz"):
        raise _Refused("file_not_what_name_says", expected="KML")
    sample = head[: len(head) // 2 * 2]
    zeros = np.frombuffer(sample, dtype=np.uint8).reshape(-1, 2) == 0 if sample else np.zeros((0, 2), bool)
    utf16 = bool(len(zeros)) and (zeros[:, 0].mean() > 0.3 or zeros[:, 1].mean() > 0.3)
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    if not utf16 and controls > max(2, len(head) // 100):
        raise (
            _Refused("file_not_what_name_says", expected="CSV")
            if extension
            in (
                ".csv",
                ".txt",
                ".tsv",
            )
            else _Refused("file_unknown_format")
        )
    return "csv"


@dataclass
class _Read:
    name: str
    frame: pd.DataFrame
    rows: pd.Series
    row_kind: str
    detected: Detected
    problems: list = field(default_factory=list)  # (code, values) or (code, values, row, column)


def _vector_frame(path_or_bytes, layer: str | None, encoding: str | None = None, **open_options) -> gpd.GeoDataFrame:
    try:
        return pyogrio.read_dataframe(
            path_or_bytes, layer=layer, encoding=encoding, datetime_as_string=True, **open_options
        )
    except Exception as error:  # GDAL's errors name what it could not read; pass them on
        raise _Refused("file_unreadable", detail=_detail(error)) from None


def _finish_vector(
    frame: gpd.GeoDataFrame,
    stem: str,
    detected: Detected,
    declared: str | None,
    implicit_how: str,
    options: ReadOptions,
) -> _Read:
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    date_order = options.date_order or detect_date_order(frame)
    decimal = options.decimal or detect_decimal(frame)
    frame = normalise_cells(frame, decimal, date_order)
    problems: list = []
    fields: dict = {"geometry_from": None}
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        frame, fields, problems = _place(frame, declared, implicit_how, options)
        fields["geometry_from"] = "file"
    rows = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    detected = replace(detected, decimal=decimal, date_order=date_order, **fields)
    return _Read(stem, frame, rows, "feature", detected, problems)


def _pick_layer(layers: list[str], options: ReadOptions) -> str:
    if options.source_layer is None:
        return layers[0]
    if options.source_layer not in layers:
        raise _Refused("file_layer_not_found", layer=_shown(options.source_layer), layers=", ".join(layers))
    return options.source_layer


def _read_geojson(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    text, encoding = decode_text(data, options.encoding)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Refused("file_json_invalid", line=error.lineno, column=error.colno) from None
    kind = document.get("type") if isinstance(document, dict) else type(document).__name__
    if kind not in ("FeatureCollection", "Feature"):
        raise _Refused("file_geojson_not_features", found=_shown(kind))
    if kind == "FeatureCollection" and not document.get("features"):
        raise _Refused("file_no_rows")
    declared = None
    if isinstance(document.get("crs"), dict):
        try:
            declared = _crs_code(document["crs"].get("properties", {}).get("name"))
        except CRSError:
            declared = None
    # dates kept as written: GDAL would otherwise fail on a 31 February instead of passing it on
    frame = _vector_frame(io.BytesIO(text.encode("utf-8")), None, DATE_AS_STRING="YES")
    detected = Detected("geojson", encoding=encoding)
    return _finish_vector(frame, Path(name).stem, detected, declared, "file", options)


def _read_gpkg(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    with tempfile.TemporaryDirectory(prefix="great-return-import-") as folder:
        path = Path(folder) / "upload.gpkg"
        path.write_bytes(data)
        try:
            layers = [str(layer) for layer in pyogrio.list_layers(path)[:, 0]]
        except Exception as error:
            raise _Refused("file_unreadable", detail=_detail(error)) from None
        if not layers:
            raise _Refused("file_no_layers")
        layer = _pick_layer(layers, options)
        frame = _vector_frame(path, layer)
    declared = _crs_code(frame.crs) if isinstance(frame, gpd.GeoDataFrame) else None
    detected = Detected("gpkg", source_layers=tuple(layers))
    return _finish_vector(frame, layer, detected, declared, "assumed", options)


def _read_shapefile(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    archive = _zip(data)
    members = _checked_members(archive, max_bytes)
    by_name = {PurePosixPath(m.filename.replace("\\", "/")).name.lower(): m for m in members}
    stems = sorted({n[:-4] for n in by_name if n.endswith((".shp", ".dbf"))})
    layers = [s for s in stems if f"{s}.shp" in by_name and f"{s}.dbf" in by_name]
    if not layers:
        missing = ".shp" if not any(n.endswith(".shp") for n in by_name) else ".dbf"
        raise _Refused("file_shapefile_incomplete", missing=missing)
    originals = {s: PurePosixPath(by_name[f"{s}.shp"].filename.replace("\\", "/")).stem for s in layers}
    chosen = _pick_layer([originals[s] for s in layers], options).lower()
    budget = [max_bytes]
    with tempfile.TemporaryDirectory(prefix="great-return-import-") as folder:
        for member_name, info in by_name.items():
            if member_name.rsplit(".", 1)[0] == chosen:
                _unpack(archive, info, Path(folder), budget)
        shp = next(Path(folder).glob("*.[sS][hH][pP]"))
        with _gdal_config({"SHAPE_RESTORE_SHX": "YES"}):
            frame = _vector_frame(shp, None, options.encoding)
            encoding = options.encoding or pyogrio.read_info(shp).get("encoding")
        declared = _crs_code(frame.crs) if frame.crs is not None else None
    detected = Detected(
        "shapefile",
        encoding=encoding.lower() if encoding else None,
        source_layers=tuple(originals[s] for s in layers),
    )
    return _finish_vector(frame, originals[chosen], detected, declared, "assumed", options)


@contextmanager
def _gdal_config(options: dict):
    """GDAL configuration options for the time of a ``with`` block."""
    before = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _read_kml_file(path: Path, fmt: str, stem: str, options: ReadOptions) -> _Read:
    try:
        layers = [str(layer) for layer in pyogrio.list_layers(path)[:, 0]]
    except Exception as error:
        raise _Refused("file_unreadable", detail=_detail(error)) from None
    if not layers:
        raise _Refused("file_no_rows")
    # a phone puts placemarks in folders, each a layer: read them all unless one is chosen
    chosen = [_pick_layer(layers, options)] if options.source_layer else layers
    parts = [_vector_frame(path, layer) for layer in chosen]
    parts = [p for p in parts if len(p)]
    if not parts:
        raise _Refused("file_no_rows")
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    extras = [c for c in KML_EXTRA_COLUMNS if c in frame.columns]
    frame = frame.drop(columns=[c for c in extras if c not in ("id", "description") or frame[c].isna().all()])
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)
    detected = Detected(fmt, encoding="utf-8", source_layers=tuple(layers))
    return _finish_vector(frame, chosen[0] if options.source_layer else stem, detected, STORAGE_CRS, "file", options)


def _read_kml(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    with tempfile.TemporaryDirectory(prefix="great-return-import-") as folder:
        path = Path(folder) / "doc.kml"
        path.write_bytes(data)
        return _read_kml_file(path, "kml", Path(name).stem, options)


def _read_kmz(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    archive = _zip(data)
    members = _checked_members(archive, max_bytes)
    kmls = [m for m in members if m.filename.lower().endswith(".kml")]
    if not kmls:
        raise _Refused("file_kmz_without_kml")
    # the main document is doc.kml by convention, else the first
    kml = next((m for m in kmls if PurePosixPath(m.filename).name.lower() == "doc.kml"), kmls[0])
    with tempfile.TemporaryDirectory(prefix="great-return-import-") as folder:
        path = _unpack(archive, kml, Path(folder), [max_bytes])
        return _read_kml_file(path, "kmz", Path(name).stem, options)


def _geometry_columns(columns) -> tuple[str, tuple] | None:
    """``("wkt", (column,))`` or ``("lonlat", (lon, lat))`` for the columns of a table, or ``None``."""
    folded = {str(c).strip().casefold().replace("i\u0307", "i"): c for c in columns}
    for name in WKT_NAMES:
        if name in folded:
            return "wkt", (folded[name],)
    lon = next((folded[n] for n in LON_NAMES if n in folded), None)
    lat = next((folded[n] for n in LAT_NAMES if n in folded), None)
    if lon is not None and lat is not None:
        return "lonlat", (lon, lat)
    return None


def _table_geometry(frame: pd.DataFrame, rows: pd.Series, detected: Detected, options: ReadOptions):
    """Points from lon/lat columns or shapes from a WKT column, placed in EPSG:4326."""
    found = _geometry_columns(frame.columns)
    if found is None:
        return frame, detected, []
    how, columns = found
    problems: list = []
    if how == "wkt":
        text = frame[columns[0]]
        geometries = shapely.from_wkt(text.to_numpy(dtype=object, na_value=None), on_invalid="ignore")
        bad = text.notna().to_numpy() & pd.isna(geometries)
        for index in np.flatnonzero(bad):
            problems.append(("wkt_unreadable", {"value": _shown(text.iloc[index])}, rows.iloc[index], columns[0]))
    else:
        numbers = []
        for column in columns:
            text = frame[column]
            number = pd.to_numeric(text.str.strip(), errors="coerce")
            for index in np.flatnonzero(text.notna().to_numpy() & number.isna().to_numpy()):
                problems.append(
                    ("coordinate_unreadable", {"value": _shown(text.iloc[index])}, rows.iloc[index], column)
                )
            numbers.append(number.to_numpy(dtype="float64"))
        geometries = np.asarray(gpd.points_from_xy(*numbers), dtype=object)
        geometries[~(np.isfinite(numbers[0]) & np.isfinite(numbers[1]))] = None
    table = gpd.GeoDataFrame(frame.drop(columns=list(columns)), geometry=geometries, crs=STORAGE_CRS)
    table, fields, placed = _place(table, None, "assumed", options)
    return table, replace(detected, geometry_from=how, **fields), problems + placed


def _finish_table(frame: pd.DataFrame, rows: pd.Series, stem: str, detected: Detected, options: ReadOptions):
    if frame.empty:
        raise _Refused("file_no_rows")
    date_order = options.date_order or detect_date_order(frame)
    decimal = options.decimal or detect_decimal(frame)
    frame = normalise_cells(frame, decimal, date_order)
    detected = replace(detected, decimal=decimal, date_order=date_order)
    frame, detected, problems = _table_geometry(frame, rows, detected, options)
    return _Read(stem, frame, rows, "row", detected, problems)


def _header_names(values) -> list[str]:
    names = []
    for position, value in enumerate(values):
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
        names.append(text or f"column_{position + 1}")
    return names


def _read_csv(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    text, encoding = decode_text(data, options.encoding)
    header = text.split("\n", 1)[0]
    separator = options.separator or sniff_separator(header)
    lines = max(text.count("\n"), 1)
    chunks = []
    try:
        reader = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            chunksize=CSV_CHUNK_ROWS,
        )
        for chunk in reader:
            chunks.append(chunk)
            if progress is not None:
                progress(min(0.8, 0.8 * sum(len(c) for c in chunks) / lines), "import.progress.reading")
    except (pd.errors.ParserError, ValueError) as error:
        raise _Refused("file_unreadable", detail=_detail(error)) from None
    frame = pd.concat(chunks) if chunks else pd.DataFrame()
    frame.columns = _header_names(frame.columns)
    # the number Excel shows beside the row: the header is row 1, blank lines count
    rows = pd.Series(np.arange(2, len(frame) + 2), index=frame.index)
    keep = frame.notna().any(axis=1)
    frame, rows = frame[keep], rows[keep]
    detected = Detected("csv", encoding=encoding, separator=separator)
    if progress is not None:
        progress(0.85, "import.progress.coordinates")
    return _finish_table(frame, rows, Path(name).stem, detected, options)


def _excel_text(value) -> object:
    """One spreadsheet cell as text: dates as ISO, whole numbers without ``.0``."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # datetime.date / datetime.datetime
        return value.isoformat()[:10]
    return str(value)


def _read_xlsx(data: bytes, name: str, options: ReadOptions, max_bytes: int, progress) -> _Read:
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="calamine")
        sheets = [str(s) for s in book.sheet_names]
        sheet = _pick_layer(sheets, options)
        grid = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    except _Refused:
        raise
    except Exception:
        raise _Refused("file_xlsx_corrupt") from None
    grid = grid.map(_excel_text).astype("str")
    filled = grid.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise _Refused("file_no_rows")
    first = int(np.argmax(filled))  # the header: the first row with anything in it
    frame = grid.iloc[first + 1 :]
    frame.columns = _header_names(grid.iloc[first].tolist())
    # pandas reads the sheet from A1 (calamine's empty area kept), so position + 1 is Excel's row
    rows = pd.Series(np.arange(first + 2, first + 2 + len(frame)), index=frame.index)
    keep = frame.notna().any(axis=1)
    frame, rows = frame[keep], rows[keep]
    detected = Detected("xlsx", source_layers=tuple(sheets))
    return _finish_table(frame.reset_index(drop=True), rows.reset_index(drop=True), sheet, detected, options)


_READERS = {
    "geojson": _read_geojson,
    "gpkg": _read_gpkg,
    "shapefile": _read_shapefile,
    "kml": _read_kml,
    "kmz": _read_kmz,
    "csv": _read_csv,
    "xlsx": _read_xlsx,
}


def read_import(
    data: bytes,
    name: str,
    options: ReadOptions = ReadOptions(),
    progress: Callable[[float, str], None] | None = None,
) -> ImportedFile:
    """Read an uploaded file into an :class:`ImportedFile`; never raises on a bad file.

    ``name`` is the file's name as uploaded (it names the problems and breaks ties in detection);
    ``progress(fraction, message_code)`` is called along the way when given.
    """
    size = len(data)
    sha256 = hashlib.sha256(data).hexdigest()
    max_bytes = options.max_bytes or get_settings().import_max_bytes
    detected = Detected("unknown")
    try:
        if size == 0:
            raise _Refused("file_empty")
        if size > max_bytes:
            raise _Refused("file_too_large", size_mb=_megabytes(size), limit_mb=_megabytes(max_bytes))
        detected = Detected(detect_format(data, name))
        if progress is not None:
            progress(0.0, "import.progress.reading")
        read = _READERS[detected.format](data, name, options, max_bytes, progress)
    except _Refused as refused:
        return ImportedFile(name, size, sha256, detected, None, [_problem(name, refused.code, **refused.values)])
    except Exception as error:  # a damaged file the libraries trip on: said, never a crash of the page
        logger.warning("could not read %s", name, exc_info=True)
        detail = f"{type(error).__name__}: {_detail(error)}"
        return ImportedFile(name, size, sha256, detected, None, [_problem(name, "file_unreadable", detail=detail)])
    problems = []
    for found in read.problems:
        code, values, row, column = (*found, None, None) if len(found) == 2 else found
        problems.append(_problem(name, code, None if row is None else int(row), column, **values))
    if read.frame.empty:
        problems.append(_problem(name, "file_no_rows"))
    if progress is not None:
        progress(1.0, "import.progress.done")
    table = SourceTable(read.name, read.frame, read.rows, read.row_kind)
    return ImportedFile(name, size, sha256, read.detected, table, problems)


def geometry_problems(imported: ImportedFile, layer: str) -> list[Problem]:
    """The file-level problem of a file without geometry imported into a layer that has it
    (the reader does not know the target layer; :mod:`lib.importing` calls this)."""
    from lib.schema import LAYERS

    table = imported.table
    if table is None or not LAYERS[layer].has_geometry or isinstance(table.frame, gpd.GeoDataFrame):
        return []
    columns = ", ".join(str(c) for c in table.frame.columns)
    return [_problem(imported.name, "file_no_coordinates", columns=_shown(columns))]

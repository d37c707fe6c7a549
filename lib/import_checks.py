"""Checking a table read from an imported file against a layer's schema (issue 10).

The reader (:mod:`lib.import_read`) hands over cells as the file held them: text for CSV, typed
cells for spreadsheets and GeoPackages, ISO dates as text, geometry in EPSG:4326, and the row
number the user sees for every record. This module matches the file's columns to the schema,
types the cells (:func:`lib.validation.coerce_to_schema`), and says everything that is wrong —
types, vocabularies, required values, ids, geometry, places, dates, counts, text that a
spreadsheet would run or a browser would render — as :class:`lib.validation.Problem` values whose
message ``problem.<code>`` is in every catalogue. Repairs are only proposed; they are made when
the caller passes their code in ``apply``.

Every check is vectorised over the whole table; Python loops run only over the rows that have a
problem, so a 100,000-row table is checked in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.config import METRIC_CRS, STORAGE_CRS, get_settings
from lib.i18n import LANGUAGES, Translator, catalogue
from lib.schema import LAYERS, LayerSpec
from lib.validation import (
    Problem,
    _geometry_problems,
    _lifecycle_problems,
    _pandera_problems,
    coerce_to_schema,
    reference_problems,
    unknown_layer,
)

POLYGONAL = ("Polygon", "MultiPolygon")
# Text a spreadsheet would run as a formula when the data is exported and opened again (CSV
# injection): refused rather than silently changed, so the coordinator sees what her file held.
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_MARKUP = re.compile(r"<\s*script|<\s*/?\s*[a-z][a-z0-9-]*(?:\s[^<>]*)?/?\s*>|<!--", re.IGNORECASE)
# Fields that record something that happened: a day after today is a typing error. A target's
# date is the one date that lies ahead by nature.
_NOT_AHEAD = {("returns", "date"), ("reported_figures", "date")}
_NOT_AHEAD_EXCEPT = {("targets", "target_date")}


@dataclass(frozen=True)
class Repair:
    """A change that would make rows valid, proposed to the user and made only when confirmed.

    ``code`` names the message ``repair.<code>``; ``rows`` are the row numbers the user sees;
    ``applied`` says whether the checked frame already holds the repaired values.
    """

    code: str
    rows: tuple[int, ...]
    field: str = "geometry"
    applied: bool = False

    def describe(self, t) -> str:
        """The proposal in the language of the translator ``t``."""
        return t(f"repair.{self.code}", rows=_rows_text(self.rows), field=self.field)


@dataclass
class CheckedTable:
    """A checked table: the frame typed by the schema (only the schema's columns and geometry),
    what is wrong with it, the repairs proposed, and notices that need no action (columns ignored,
    the source filled in)."""

    frame: pd.DataFrame
    problems: list[Problem]
    repairs: list[Repair]
    notices: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class StoreContext:
    """What the checks need from the store.

    Parameters
    ----------
    districts : district_id, name_az/name_en/name_ru and geometry in EPSG:4326.
    settlement_districts : settlement_id -> district_id of the settlements in the store.
    today : dates after this day are "in the future".
    default_source : the ``source`` of every row when the file has no such column (the caller
        passes e.g. "file name, imported on date").
    district_tolerance_m : how far a feature may reach beyond its district (and Azerbaijan);
        ``None`` = the setting ``import_district_tolerance_m``.
    """

    districts: gpd.GeoDataFrame
    settlement_districts: pd.Series
    today: date
    default_source: str | None = None
    district_tolerance_m: float | None = None


@dataclass(frozen=True)
class _Kilometres:
    """A distance in a problem's values, written with the reader's decimal separator."""

    metres: float

    def render(self, t) -> str:
        return t.number(self.metres / 1000, 1)

    def __str__(self) -> str:
        return f"{self.metres / 1000:.1f}"


@dataclass(frozen=True)
class _PlaceName:
    """A district's name in a problem's values, said in the reader's language."""

    names: tuple[tuple[str, str], ...]

    def render(self, t) -> str:
        names = dict(self.names)
        return names.get(t.language) or names.get("az") or names.get("en") or names.get("id", "")

    def __str__(self) -> str:
        names = dict(self.names)
        return names.get("en") or names.get("id", "")


def _rows_text(rows) -> str:
    return ", ".join(str(row) for row in rows)


def _short(value, limit: int = 60) -> str:
    text = str(value).replace("\t", "\\t").replace("\r", "\\r").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A Shapefile's attribute table (DBF) keeps at most 10 characters of a column's name.
DBF_NAME_LENGTH = 10


@dataclass(frozen=True)
class _Columns:
    """How the file's columns meet the schema: field -> column, the columns the schema does not
    know, and the fields whose name cut to 10 characters is a column but is shared with another
    field of the layer (field -> (column, the fields sharing it))."""

    matched: dict[str, str]
    ignored: list[str]
    ambiguous: dict[str, tuple[str, tuple[str, ...]]]


def _column_key(column) -> str:
    return str(column).strip().casefold()


def _match_columns(spec: LayerSpec, frame: pd.DataFrame, geometry_name: str | None) -> _Columns:
    """Match the file's columns to the schema's fields: by name (case and surrounding spaces
    ignored), then by the name cut to 10 characters as a zipped Shapefile writes it, where no
    other field of the layer is cut to the same."""
    by_key = {f.name.casefold(): f.name for f in spec.fields}
    cut: dict[str, list[str]] = {}
    for f in spec.fields:
        if len(f.name) > DBF_NAME_LENGTH:
            cut.setdefault(f.name[:DBF_NAME_LENGTH].casefold(), []).append(f.name)
    columns = [column for column in frame.columns if column != geometry_name]
    matched: dict[str, str] = {}
    rest = []
    for column in columns:
        name = by_key.get(_column_key(column))
        if name is None or name in matched:
            rest.append(column)
        else:
            matched[name] = column
    ignored: list[str] = []
    ambiguous: dict[str, tuple[str, tuple[str, ...]]] = {}
    for column in rest:
        names = cut.get(_column_key(column), [])
        if len(names) == 1 and names[0] not in matched:
            matched[names[0]] = column
            continue
        if len(names) > 1:
            for name in names:
                if name not in matched:
                    ambiguous.setdefault(name, (str(column), tuple(names)))
        ignored.append(str(column))
    return _Columns(matched, ignored, ambiguous)


def _ambiguous_problems(spec: LayerSpec, ambiguous: dict[str, tuple[str, tuple[str, ...]]]) -> list[Problem]:
    """Fields missing because their cut name is a column that could be any of several fields."""
    return [
        Problem(
            spec.name,
            None,
            name,
            f"column is missing; the column {column!r} could be any of {', '.join(names)} (names cut to "
            f"{DBF_NAME_LENGTH} characters)",
            None,
            "column_cut_ambiguous",
            (("field", name), ("column", column), ("fields", ", ".join(names))),
        )
        for name, (column, names) in ambiguous.items()
    ]


# How many rows from the top a header may have slipped to below a title.
_HEADER_SEARCH_ROWS = 10


def _header_below(spec: LayerSpec, table, geometry_name: str | None) -> Problem | None:
    """When no column is named like a field, the row where the header seems to be: the first of
    the top rows whose non-empty cells are at least half field names (a title row above the
    header, as spreadsheets often have)."""
    names = {f.name.casefold() for f in spec.fields}
    names |= {f.name[:DBF_NAME_LENGTH].casefold() for f in spec.fields}
    top = table.frame.drop(columns=[geometry_name] if geometry_name else []).head(_HEADER_SEARCH_ROWS)
    for position in range(len(top)):
        cells = [_column_key(cell) for cell in top.iloc[position] if cell is not None and not pd.isna(cell)]
        cells = [cell for cell in cells if cell]
        found = sum(cell in names for cell in cells)
        if found and found * 2 >= len(cells):
            row = int(np.asarray(table.rows)[position])
            return Problem(
                spec.name,
                None,
                None,
                f"the header seems to be in row {row}; delete the rows above it",
                row,
                "header_not_first",
                (("row", row),),
            )
    return None


def _fold(values: pd.Series) -> pd.Series:
    """Text folded for comparing words as people type them: case, surrounding and repeated spaces,
    the Turkic dotted and dotless i (İ, ı) and the Russian ё ignored."""
    text = values.astype("str").str.normalize("NFC").str.strip().str.casefold()
    text = text.str.replace(r"\s+", " ", regex=True).str.replace("i\u0307", "i", regex=False)
    return text.str.replace("ı", "i", regex=False).str.replace("ё", "е", regex=False)


@cache
def _vocabulary(layer: str, field_name: str) -> dict[str, str]:
    """What may be typed for a field's allowed value -> the value: the value itself or its word
    in any language's catalogue, folded. A word two values share would be a guess, so it is left
    out (the cell is then refused with the allowed values listed)."""
    f = LAYERS[layer].field(field_name)
    typed: dict[str, set[str]] = {}
    for value in f.allowed or ():
        words = [value]
        if f.terms:
            words += [Translator(language).term(f.terms, value) for language in LANGUAGES]
        for word in _fold(pd.Series(words, dtype="object")):
            typed.setdefault(word, set()).add(value)
    return {word: next(iter(values)) for word, values in typed.items() if len(values) == 1}


def _vocabulary_codes(spec: LayerSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Vocabulary cells typed as a word ("построен", "Tikilib", " Completed ") stored as the value
    ("completed"); anything else is left as typed for the checks to refuse."""
    for f in spec.fields:
        if not f.allowed or f.name not in frame.columns:
            continue
        cells = frame[f.name]
        present = cells.notna()
        if not present.any():
            continue
        coded = _fold(cells[present]).map(_vocabulary(spec.name, f.name))
        known = coded.notna()
        if known.any():
            column = cells.astype("object").copy()
            column.loc[coded.index[known]] = coded[known]
            frame[f.name] = column
    return frame


def _problem(spec: LayerSpec, frame: pd.DataFrame, position: int, field_name: str, message: str, code: str, **values):
    record = frame[spec.id_field].iat[position] if spec.id_field in frame.columns else None
    record = None if record is None or pd.isna(record) else str(record)
    return Problem(
        spec.name, record, field_name, message, position + 1, code, tuple({"field": field_name, **values}.items())
    )


def _text_problems(spec: LayerSpec, frame: pd.DataFrame) -> list[Problem]:
    """Text fields that begin like a formula or hold HTML markup: must be plain text."""
    problems = []
    for f in spec.fields:
        if f.dtype != "str" or f.name not in frame.columns:
            continue
        cells = frame[f.name]
        cells = cells[cells.notna()]
        if cells.empty:
            continue
        text = cells.astype("str")
        formula = text.str.match(_FORMULA).fillna(False).to_numpy(bool)
        markup = text.str.contains(_MARKUP).fillna(False).to_numpy(bool) & ~formula
        for kind, mask in (("formula_text", formula), ("markup_text", markup)):
            for position in np.flatnonzero(frame.index.isin(cells.index[mask])):
                value = frame[f.name].iat[position]
                problems.append(
                    _problem(spec, frame, position, f.name, f"{value!r} must be plain text", kind, value=_short(value))
                )
    return problems


def _duplicate_problems(spec: LayerSpec, frame: pd.DataFrame, rows: np.ndarray) -> list[Problem]:
    """Ids that occur more than once in the file, each naming the other rows."""
    if spec.id_field not in frame.columns:
        return []
    ids = frame[spec.id_field]
    twice = (ids.notna() & ids.duplicated(keep=False)).to_numpy()
    if not twice.any():
        return []
    positions = np.flatnonzero(twice)
    groups: dict[str, list[int]] = {}
    for position in positions:
        groups.setdefault(ids.iat[position], []).append(position)
    problems = []
    for value, found in groups.items():
        for position in found:
            others = [int(rows[other]) for other in found if other != position]
            problems.append(
                _problem(
                    spec,
                    frame,
                    position,
                    spec.id_field,
                    f"{value!r} appears more than once",
                    "duplicate_id",
                    value=value,
                    rows=_rows_text(others),
                )
            )
    return problems


def _date_problems(spec: LayerSpec, frame: pd.DataFrame, today: date) -> list[Problem]:
    """Days after today in fields that record something that happened."""
    problems = []
    limit = pd.Timestamp(today)
    for f in spec.fields:
        if f.dtype != "date" or f.name not in frame.columns or (spec.name, f.name) in _NOT_AHEAD_EXCEPT:
            continue
        if not (f.name.endswith("_date") or (spec.name, f.name) in _NOT_AHEAD):
            continue
        ahead = (frame[f.name] > limit).fillna(False).to_numpy(bool)
        for position in np.flatnonzero(ahead):
            value = frame[f.name].iat[position]
            problems.append(
                _problem(
                    spec,
                    frame,
                    position,
                    f.name,
                    f"{value:%Y-%m-%d} is in the future",
                    "future_date",
                    value=value,
                    today=limit,
                )
            )
    return problems


def _count_problems(spec: LayerSpec, frame: pd.DataFrame) -> list[Problem]:
    """A convoy cannot carry fewer persons than families."""
    if spec.name != "returns" or not {"families", "persons"} <= set(frame.columns):
        return []
    fewer = (frame["persons"] < frame["families"]).fillna(False).to_numpy(bool)
    return [
        _problem(
            spec,
            frame,
            position,
            "persons",
            f"{frame['persons'].iat[position]} persons is fewer than {frame['families'].iat[position]} families",
            "persons_fewer_than_families",
            value=frame["persons"].iat[position],
            families=frame["families"].iat[position],
        )
        for position in np.flatnonzero(fewer)
    ]


def _keep_polygonal(geometry):
    """The polygons of a repaired shape (make_valid may leave lines or points where a polygon
    collapsed): a polygon layer keeps only its polygonal part."""
    if geometry is None or geometry.geom_type in POLYGONAL:
        return geometry
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in POLYGONAL]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def _repair_geometry(spec: LayerSpec, frame: gpd.GeoDataFrame, rows: np.ndarray, apply: Collection[str]):
    """Propose ``make_valid`` for invalid shapes; make it when ``apply`` holds its code."""
    geometry = frame.geometry.values
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    invalid = present & ~shapely.is_valid(geometry)
    if not invalid.any():
        return frame, []
    positions = np.flatnonzero(invalid)
    applied = "make_valid" in apply
    repair = Repair("make_valid", tuple(int(rows[p]) for p in positions), applied=applied)
    if applied:
        fixed = shapely.make_valid(geometry[positions])
        polygonal = np.isin(shapely.get_type_id(geometry[positions]), (3, 6))
        fixed = np.array(
            [_keep_polygonal(g) if keep else g for g, keep in zip(fixed, polygonal)],
            dtype=object,
        )
        repaired = geometry.copy()
        repaired[positions] = fixed
        frame = frame.set_geometry(gpd.GeoSeries(repaired, index=frame.index, crs=frame.crs))
    return frame, [repair]


def _tolerance(context: StoreContext) -> float:
    if context.district_tolerance_m is not None:
        return float(context.district_tolerance_m)
    return float(get_settings().import_district_tolerance_m)


def _how_far_outside(geometry, area) -> float:
    """Metres from ``area`` to the farthest point of ``geometry`` (0 when inside)."""
    points = shapely.points(shapely.get_coordinates(geometry))
    return float(shapely.distance(points, area).max()) if len(points) else 0.0


def district_name(districts: gpd.GeoDataFrame, district_id: str) -> _PlaceName:
    """A district named in the reader's language when said (``districts`` indexed by id)."""
    names = [("id", district_id)]
    row = districts.loc[district_id] if district_id in districts.index else None
    if row is not None:
        for language in ("az", "en", "ru"):
            name = row.get(f"name_{language}")
            if isinstance(name, str) and name:
                names.append((language, name))
    return _PlaceName(tuple(names))


def _place_problems(
    spec: LayerSpec, frame: gpd.GeoDataFrame, context: StoreContext, settlements: pd.Series
) -> list[Problem]:
    """Inside Azerbaijan, and inside the named district, each within the tolerance (measured in
    UTM 38N). The district is the row's ``district_id`` or its settlement's."""
    if spec.name == "districts" or context.districts is None or context.districts.empty:
        return []
    geometry = frame.geometry.values
    checkable = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry)) & shapely.is_valid(geometry)
    bounds = shapely.bounds(geometry)
    with np.errstate(invalid="ignore"):
        checkable &= (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    if not checkable.any():
        return []
    tolerance = _tolerance(context)
    positions = np.flatnonzero(checkable)
    metric = gpd.GeoSeries(geometry[positions], crs=STORAGE_CRS).to_crs(METRIC_CRS).values
    districts = context.districts.set_index("district_id")
    district_shapes = districts.geometry.to_crs(METRIC_CRS)
    # simplified boundaries can be invalid after projection; GEOS refuses to union those
    district_shapes = gpd.GeoSeries(shapely.make_valid(district_shapes.values), index=district_shapes.index)
    country = shapely.union_all(district_shapes.values)
    reach = shapely.buffer(country, tolerance)
    shapely.prepare(reach)
    problems = []
    inside = shapely.within(metric, reach)
    for k in np.flatnonzero(~inside):
        far = _how_far_outside(metric[k], country)
        problems.append(
            _problem(
                spec,
                frame,
                positions[k],
                "geometry",
                f"lies {far / 1000:.1f} km outside Azerbaijan",
                "outside_azerbaijan",
                distance=_Kilometres(far),
                tolerance=_Kilometres(tolerance),
            )
        )
    if "district_id" in frame.columns and "district_id" in spec.field_names:
        named = frame["district_id"]
    elif "settlement_id" in frame.columns:
        named = frame["settlement_id"].map(settlements)
    else:
        return problems
    named = named.iloc[positions].to_numpy(object)
    known = pd.Series(named).isin(district_shapes.index).to_numpy() & inside
    if not known.any():
        return problems
    wanted = pd.unique(named[known])
    reaches = pd.Series(shapely.buffer(district_shapes.loc[wanted].values, tolerance), index=wanted)
    for shape in reaches.values:
        shapely.prepare(shape)
    within = np.ones(len(positions), dtype=bool)
    within[known] = shapely.within(metric[known], reaches.loc[named[known]].values)
    for k in np.flatnonzero(~within):
        district_id = named[k]
        far = _how_far_outside(metric[k], district_shapes.loc[district_id])
        problems.append(
            _problem(
                spec,
                frame,
                positions[k],
                "geometry",
                f"lies {far / 1000:.1f} km outside its district {district_id}",
                "outside_district",
                district=district_name(districts, district_id),
                distance=_Kilometres(far),
                tolerance=_Kilometres(tolerance),
            )
        )
    return problems


def _as_user_sees(problem: Problem, rows: np.ndarray, columns: dict[str, str]) -> Problem:
    """The problem with the file's row number and the field named as the file names it."""
    row = int(rows[problem.row - 1]) if problem.row is not None else None
    field_name = columns.get(problem.field, problem.field)
    values = tuple((k, columns.get(v, v) if k in ("field", "earlier_field") else v) for k, v in problem.values)
    return replace(problem, row=row, field=field_name, values=values)


def check_table(
    layer: str,
    table,
    context: StoreContext,
    apply: Collection[str] = (),
    progress: Callable[[float, str], None] | None = None,
) -> CheckedTable:
    """Check a table read from a file against the schema of ``layer``.

    Parameters
    ----------
    layer : a layer of :data:`lib.schema.LAYERS`.
    table : a :class:`lib.import_read.SourceTable` (or anything with ``name``, ``frame``,
        ``rows`` and ``row_kind``): cells as read, geometry in EPSG:4326, the user's row numbers.
    context : what the store knows (districts, settlements, today).
    apply : codes of the proposed repairs the user confirmed (e.g. ``{"make_valid"}``).
    progress : called with (fraction done, message id) as the checks advance.

    Returns
    -------
    CheckedTable
        The frame typed by the schema, the problems with the user's row numbers and column
        names (empty when the table can be imported), the repairs proposed and the notices.
    """
    say = progress or (lambda fraction, message: None)
    if layer not in LAYERS:
        return CheckedTable(table.frame, [unknown_layer(layer)], [])
    spec = LAYERS[layer]
    say(0.0, "import_progress.columns")
    source = table.frame
    rows = np.asarray(table.rows, dtype=np.int64)
    geometry_name = source.active_geometry_name if isinstance(source, gpd.GeoDataFrame) else None
    has_geometry = geometry_name is not None and geometry_name in source.columns
    found = _match_columns(spec, source, geometry_name)
    matched, ignored = found.matched, found.ignored
    if not matched and not found.ambiguous:
        header = _header_below(spec, table, geometry_name)
        if header is not None:
            return CheckedTable(source.iloc[:0], [header], [])
    notices = []
    if ignored:
        notices.append(
            Problem(
                layer,
                None,
                None,
                f"columns not in the {layer} layer were ignored: {', '.join(ignored)}",
                code="columns_ignored",
                values=(("columns", ", ".join(ignored)),),
            )
        )
    data = pd.DataFrame(
        {name: source[column].to_numpy() for name, column in matched.items()}, index=pd.RangeIndex(len(source))
    )
    if "source" not in matched and context.default_source:
        data["source"] = context.default_source
        notices.append(
            Problem(
                layer,
                None,
                "source",
                f"the file has no source column; every row's source is {context.default_source!r}",
                code="source_filled",
                values=(("source", context.default_source),),
            )
        )
    columns = {name: str(column) for name, column in matched.items()}
    if spec.has_geometry and has_geometry:
        work = gpd.GeoDataFrame(data, geometry=source.geometry.to_numpy(), crs=source.crs)
    else:
        work = data
        if has_geometry:
            notices.append(
                Problem(
                    layer, None, None, f"the {layer} layer has no geometry; shapes ignored", None, "geometry_ignored"
                )
            )

    work = _vocabulary_codes(spec, work)
    problems = _text_problems(spec, work) + _ambiguous_problems(spec, found.ambiguous)
    say(0.1, "import_progress.types")
    typed, unreadable = coerce_to_schema(layer, work)
    problems += unreadable
    repairs: list[Repair] = []
    if spec.has_geometry:
        say(0.3, "import_progress.geometry")
        if isinstance(typed, gpd.GeoDataFrame) and typed.crs is not None and typed.crs.equals(STORAGE_CRS):
            typed, repairs = _repair_geometry(spec, typed, rows, apply)
        problems += _geometry_problems(spec, typed)
    say(0.45, "import_progress.values")
    said = {(p.row, p.field) for p in problems}
    problems += [
        p
        for p in _pandera_problems(layer, typed)
        if p.code != "duplicate"
        and (p.row, p.field) not in said
        and not (p.code == "column_missing" and p.field in found.ambiguous)
    ]
    problems += _duplicate_problems(spec, typed, rows)
    # a date already said to be unreadable is not also "missing" for its status
    problems += [p for p in _lifecycle_problems(spec, typed) if (p.row, p.field) not in said]
    problems += _date_problems(spec, typed, context.today)
    problems += _count_problems(spec, typed)
    say(0.6, "import_progress.references")
    settlements = context.settlement_districts
    if layer == "settlements" and "settlement_id" in typed.columns and "district_id" in typed.columns:
        own = typed.dropna(subset=["settlement_id"]).drop_duplicates("settlement_id")
        settlements = pd.concat([settlements, own.set_index("settlement_id")["district_id"]])
    known = {
        "districts": set(context.districts["district_id"]) if context.districts is not None else set(),
        "settlements": set(settlements.index),
    }
    problems += reference_problems({layer: typed}, known)
    in_storage_crs = isinstance(typed, gpd.GeoDataFrame) and typed.crs is not None and typed.crs.equals(STORAGE_CRS)
    if spec.has_geometry and in_storage_crs:
        say(0.7, "import_progress.places")
        problems += _place_problems(spec, typed, context, settlements[~settlements.index.duplicated()])
    say(0.95, "import_progress.done")
    order = {name: i for i, name in enumerate(["geometry", *spec.field_names])}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.field, -1)))
    problems = [_as_user_sees(p, rows, columns) for p in problems]
    keep = [name for name in spec.field_names if name in typed.columns]
    frame = typed[keep + (["geometry"] if spec.has_geometry and isinstance(typed, gpd.GeoDataFrame) else [])]
    frame = frame.set_axis(table.frame.index)
    say(1.0, "import_progress.done")
    return CheckedTable(frame, problems, repairs, notices)


def _field_words(field: str | None, t) -> str:
    """A field as the reader knows it, with the column name to type in the file beside it."""
    if not field:
        return ""
    key = f"field.{field.strip().lower()}"
    return f"{t(key)} ({field})" if key in catalogue(t.language) else field


def problems_table(problems: list[Problem], file_name: str, t) -> pd.DataFrame:
    """The problems as a table worded in the language of ``t``: file, row, field, problem
    (for the import page and its CSV download)."""
    headings = [t("import_problems.file"), t("import_problems.row"), t("import_problems.field")]
    headings.append(t("import_problems.problem"))
    return pd.DataFrame(
        {
            headings[0]: [file_name] * len(problems),
            headings[1]: pd.array([p.row for p in problems], dtype="Int64"),
            headings[2]: [_field_words(p.field, t) for p in problems],
            headings[3]: [p.describe(t) for p in problems],
        },
        columns=headings,
    )

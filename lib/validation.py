"""Validation of layers against :mod:`lib.schema`, returning problems instead of raising.

Field rules (required, vocabularies, ranges, uniqueness) run through pandera schemas built from
the declarations; what pandera does not cover — types parsed row by row, CRS, geometry type and
validity, lifecycle dates in order, references between layers — is checked here so that every
problem names its layer, record and field in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.engines.geopandas_engine import Geometry

import geopandas as gpd
import shapely

from lib.config import STORAGE_CRS
from lib.schema import LAYERS, FieldSpec, LayerSpec

PANDAS_DTYPES = {"str": "str", "int": "Int64", "float": "float64", "date": "datetime64[ms]", "bool": "boolean"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, in words a coordinator can act on."""

    layer: str
    record_id: str | None
    field: str | None
    message: str
    row: int | None = None
    # The same problem in the reader's language: message ``problem.<code>`` of the catalogues,
    # filled with ``values`` (name, value) pairs; ``message`` stays the English wording for logs.
    code: str | None = None
    values: tuple[tuple[str, object], ...] = ()

    def describe(self, t) -> str:
        """What is wrong, in the language of the translator ``t`` (:class:`lib.i18n.Translator`)."""
        if self.code is None:
            return self.message
        return t(f"problem.{self.code}", **{name: _say(value, t) for name, value in self.values})

    def __str__(self) -> str:
        where = [self.layer]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.record_id is not None:
            where.append(f"id {self.record_id}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Terms:
    """Vocabulary values of a categorical field, worded in the reader's language when said
    (the catalogues' ``<group>.<value>``) with the raw value to type beside each."""

    group: str | None
    values: tuple[str, ...]

    def render(self, t) -> str:
        if self.group is None:
            return ", ".join(self.values)
        return ", ".join(f"{t.term(self.group, value)} ({value})" for value in self.values)

    def __str__(self) -> str:
        return ", ".join(self.values)


def _say(value, t):
    """A problem's value as the reader's language writes it (vocabularies and days); the rest as typed."""
    if hasattr(value, "render"):
        return value.render(t)
    if isinstance(value, (pd.Timestamp, date)):
        return t.day(value)
    return value


def _record_id(df: pd.DataFrame, spec: LayerSpec, index) -> str | None:
    if spec.id_field in df.columns and index in df.index:
        value = df.at[index, spec.id_field]
        return None if pd.isna(value) else str(value)
    return None


def _row_number(df: pd.DataFrame, index) -> int | None:
    """1-based position of the record (the row of an imported file, after its header)."""
    try:
        return int(df.index.get_loc(index)) + 1
    except (KeyError, TypeError):
        return None


def _problem(df, spec, index, field, message, code=None, **values) -> Problem:
    if field is not None:
        values = {"field": field, **values}
    return Problem(
        spec.name, _record_id(df, spec, index), field, message, _row_number(df, index), code, tuple(values.items())
    )


# Date-shaped text that is no day of the calendar (31 February): "not a real date", said as the
# coordinators write days, rather than "not a date".
_DATE_SHAPED = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?\s*$")


def _unreadable(f: FieldSpec, value) -> tuple[str, str, dict]:
    """English message, code and values of a value that cannot be read as the field's type."""
    if f.dtype == "date":
        shaped = _DATE_SHAPED.match(str(value))
        if shaped:
            year, month, day = shaped.groups()
            typed = f"{int(day):02d}.{int(month):02d}.{year}"
            return f"{typed} is not a real date", "impossible_date", {"value": typed}
        return f"{value!r} is not a valid date", "not_a_date", {"value": value}
    code = {"int": "not_a_number", "float": "not_a_number", "bool": "not_true_false"}.get(f.dtype, "unreadable")
    return f"{value!r} is not a valid {f.dtype}", code, {"value": value}


_DAY_LIKE = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(\b|T|\s)")
EARLIEST_DAY, LATEST_DAY = pd.Timestamp("1900-01-01"), pd.Timestamp("2101-01-01")


def _to_datetime(values: pd.Series) -> pd.Series:
    # ISO text (what the import's reader and the store hand over) parses vectorised; only the rest
    # goes through the slow guess of format="mixed".
    typed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    rest = typed.isna() & values.notna()
    # only text shaped like a day is guessed at: dateutil reads "7" as the 7th of this month
    if rest.any():
        unshaped = [isinstance(v, str) and not _DAY_LIKE.match(v) for v in values[rest]]
        rest.iloc[rest.to_numpy().nonzero()[0][unshaped]] = False
    if rest.any():
        guessed = pd.to_datetime(values[rest], errors="coerce", format="mixed")
        typed = typed.astype("datetime64[ms]")
        typed[rest] = guessed.astype("datetime64[ms]")
    typed = typed.astype("datetime64[ms]")
    # a year outside these is a typing slip ("-4", "20255"), never a day of the return
    return typed.where((typed >= EARLIEST_DAY) & (typed < LATEST_DAY))


def coerce_to_schema(layer: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Cast every declared column to its type; values that cannot be cast become problems.

    Returns a copy with the declared columns typed (undeclared columns untouched) and the list
    of values that could not be read (e.g. ``"abc"`` in an integer field, 31 February).
    """
    spec = LAYERS[layer]
    out = df.copy()
    problems: list[Problem] = []
    for f in spec.fields:
        if f.name not in out.columns:
            continue
        raw = out[f.name]
        blank = raw.isna() | (raw.astype("str").str.strip() == "")
        if f.dtype == "str":
            typed = raw.where(~blank, None).astype("str")
        elif f.dtype == "date":
            typed = _to_datetime(raw.where(~blank, None))
        elif f.dtype in ("int", "float"):
            typed = pd.to_numeric(raw.where(~blank, None), errors="coerce")
            fractional = typed.notna() & (typed != typed.round())
            if f.dtype == "int":
                for index in out.index[fractional]:
                    problems.append(
                        _problem(
                            out,
                            spec,
                            index,
                            f.name,
                            f"{raw[index]!r} is not a whole number",
                            "not_whole_number",
                            value=raw[index],
                        )
                    )
                typed = typed.where(~fractional).round().astype("Int64")
            else:  # whole numbers come back as integers from a GeoPackage column written with them
                typed = typed.astype("float64")
        else:
            typed = raw.where(~blank, None).map({True: True, False: False, "true": True, "false": False})
            typed = typed.astype("boolean")
        unreadable = typed.isna() & ~blank
        if f.dtype == "int":
            unreadable &= ~fractional
        for index in out.index[unreadable]:
            message, code, values = _unreadable(f, raw[index])
            problems.append(_problem(out, spec, index, f.name, message, code, **values))
        out[f.name] = typed
    return out, problems


def _checks(f: FieldSpec) -> list[pa.Check]:
    checks = []
    if f.allowed:
        checks.append(pa.Check.isin(list(f.allowed), error=f"must be one of: {', '.join(f.allowed)}"))
    if f.min_value is not None:
        checks.append(pa.Check.ge(f.min_value, error=f"must be at least {f.min_value:g}"))
    if f.max_value is not None:
        checks.append(pa.Check.le(f.max_value, error=f"must be at most {f.max_value:g}"))
    return checks


@cache
def pandera_schema(layer: str) -> pa.DataFrameSchema:
    """The pandera schema of a layer, built from its declaration."""
    spec = LAYERS[layer]
    columns = {
        f.name: pa.Column(
            PANDAS_DTYPES[f.dtype], _checks(f), nullable=not f.required, unique=f.unique, required=f.required
        )
        for f in spec.fields
    }
    if spec.has_geometry:
        columns["geometry"] = pa.Column(Geometry(), nullable=False)
    return pa.DataFrameSchema(columns, strict=False, name=layer)


def _check_code(f: FieldSpec | None, check: str, value) -> tuple[str, dict]:
    """The message code and values of a failed pandera check of field ``f``."""
    if f is None:
        return "invalid_value", {"value": value}
    if check.startswith("must be one of"):
        return "not_allowed", {"value": value, "allowed": Terms(f.terms, tuple(f.allowed or ()))}
    if check.startswith("must be at least"):
        if f.min_value == 0:
            return "negative", {"value": value}
        return "below_minimum", {"value": value, "minimum": f"{f.min_value:g}"}
    if check.startswith("must be at most"):
        return "above_maximum", {"value": value, "maximum": f"{f.max_value:g}"}
    return "invalid_value", {"value": value}


def _pandera_problems(layer: str, df: pd.DataFrame) -> list[Problem]:
    spec = LAYERS[layer]
    fields = {f.name: f for f in spec.fields}
    try:
        pandera_schema(layer).validate(df, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.itertuples(index=False):
            column = None if pd.isna(case.column) else case.column
            index = case.index
            check = str(case.check)
            value = case.failure_case
            if check == "column_in_dataframe":
                problems.append(
                    Problem(layer, None, str(value), "column is missing", None, "column_missing", (("field", value),))
                )
                continue
            if check.startswith("dtype("):
                continue  # reported by coerce_to_schema with the offending value
            values = {}
            if check == "not_nullable":
                message, code = "is required but empty", "required_empty"
                if column == "geometry":
                    continue  # reported by the geometry checks as an empty geometry
            elif check == "field_uniqueness":
                message, code, values = f"{value!r} appears more than once", "duplicate", {"value": value}
            else:
                message = f"{check}; found {value!r}"
                code, values = _check_code(fields.get(column), check, value)
            if index is None or pd.isna(index):
                problems.append(Problem(layer, None, column, message, None, code, (("field", column), *values.items())))
            else:
                problems.append(_problem(df, spec, index, column, message, code, **values))
        return problems
    return []


# shapely.is_valid_reason's words (GEOS) -> the message code that says them plainly
_INVALID_REASONS = {
    "Self-intersection": "self_intersection",
    "Ring Self-intersection": "self_intersection",
    "Too few points in geometry component": "too_few_points",
    "Hole lies outside shell": "hole_outside",
    "Nested shells": "overlapping_rings",
    "Nested holes": "overlapping_rings",
    "Duplicate Rings": "overlapping_rings",
    "Interior is disconnected": "overlapping_rings",
    "Invalid Coordinate": "invalid_coordinate",
    "Ring is not closed": "ring_not_closed",
}
_REASON = re.compile(r"^(?P<reason>[^\[]+?)\s*(?:\[(?P<x>\S+)\s+(?P<y>\S+)\])?$")


def invalid_geometry(geometry) -> tuple[str, str, dict]:
    """Why a geometry is invalid: the GEOS reason, a message code ``geometry_<what>`` and its
    values (``place``: latitude and longitude of the fault, where GEOS names one)."""
    reason = shapely.is_valid_reason(geometry)
    found = _REASON.match(reason or "")
    words = found.group("reason") if found else reason
    place = ""
    if found and found.group("x"):
        try:
            place = f"{float(found.group('y')):.5f}, {float(found.group('x')):.5f}"
        except ValueError:
            place = ""
    code = _INVALID_REASONS.get(words)
    if code is None:
        return reason, "geometry_invalid", {"reason": reason}
    return reason, f"geometry_{code}", {"place": place or "—"}


def _geometry_problems(spec: LayerSpec, gdf) -> list[Problem]:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        return [
            Problem(
                spec.name,
                None,
                "geometry",
                "the layer has no geometry column",
                code="no_geometry",
                values=(("field", "geometry"),),
            )
        ]
    if gdf.crs is None:
        return [
            Problem(
                spec.name,
                None,
                "geometry",
                f"no coordinate reference system; expected {STORAGE_CRS}",
                code="no_crs",
                values=(("field", "geometry"), ("expected", STORAGE_CRS)),
            )
        ]
    if not gdf.crs.equals(STORAGE_CRS):
        found = gdf.crs.to_string()
        return [
            Problem(
                spec.name,
                None,
                "geometry",
                f"coordinate reference system is {found}; expected {STORAGE_CRS} (WGS 84 longitude/latitude)",
                code="wrong_crs",
                values=(("field", "geometry"), ("crs", found), ("expected", STORAGE_CRS)),
            )
        ]
    problems = []
    geometry = gdf.geometry
    for index in gdf.index[geometry.isna() | geometry.is_empty]:
        problems.append(_problem(gdf, spec, index, "geometry", "geometry is empty", "geometry_empty"))
    present = gdf.index[geometry.notna() & ~geometry.is_empty]
    types = geometry.loc[present].geom_type
    expected = " or ".join(spec.geometry_types)
    for index in present[~types.isin(spec.geometry_types).to_numpy()]:
        problems.append(
            _problem(
                gdf,
                spec,
                index,
                "geometry",
                f"geometry is a {types[index]}; expected {expected}",
                "geometry_type",
                found=Terms("geometry_kind", (types[index],)),
                expected=Terms("geometry_kind", spec.geometry_types),
            )
        )
    invalid = present[~geometry.loc[present].is_valid.to_numpy()]
    for index in invalid:
        reason, code, values = invalid_geometry(geometry[index])
        problems.append(_problem(gdf, spec, index, "geometry", f"geometry is invalid ({reason})", code, **values))
    bounds = geometry.loc[present].bounds
    outside = bounds.index[(bounds.minx < -180) | (bounds.maxx > 180) | (bounds.miny < -90) | (bounds.maxy > 90)]
    for index in outside:
        problems.append(
            _problem(
                gdf,
                spec,
                index,
                "geometry",
                "coordinates are outside longitude/latitude range (wrong CRS?)",
                "coordinates_out_of_range",
            )
        )
    return problems


def _lifecycle_problems(spec: LayerSpec, df: pd.DataFrame) -> list[Problem]:
    """Status dates must follow the lifecycle order, and the current status must be dated."""
    problems = []
    steps = [(status, column) for status, column in spec.status_dates.items() if column in df.columns]
    for (_, earlier), (_, later) in zip(steps, steps[1:]):
        out_of_order = df[earlier].notna() & df[later].notna() & (df[later] < df[earlier])
        for index in df.index[out_of_order]:
            problems.append(
                _problem(
                    df,
                    spec,
                    index,
                    later,
                    f"{later} ({df.at[index, later]:%Y-%m-%d}) is before {earlier}",
                    "dates_out_of_order",
                    value=df.at[index, later],
                    earlier_field=earlier,
                    earlier=df.at[index, earlier],
                )
            )
    if "status" in df.columns:
        terms = spec.field("status").terms if "status" in spec.field_names else None
        for status, column in steps:
            undated = (df["status"] == status) & df[column].isna()
            for index in df.index[undated]:
                problems.append(
                    _problem(
                        df,
                        spec,
                        index,
                        column,
                        f"status is '{status}' but {column} is empty",
                        "status_undated",
                        status=Terms(terms, (status,)),
                    )
                )
    return problems


def status_behind_dates(spec: LayerSpec, df: pd.DataFrame) -> list[Problem]:
    """A status earlier than a step the record has a date for (a house "completed" that has an
    "occupied" date): the import asks which is right rather than keeping both."""
    if "status" not in df.columns or not spec.status_dates:
        return []
    order = {status: rank for rank, status in enumerate(spec.status_dates)}
    rank = df["status"].map(order).fillna(-1).to_numpy()  # a status before every dated step: -1
    terms = spec.field("status").terms
    problems = []
    for status, column in spec.status_dates.items():
        if column not in df.columns:
            continue
        ahead = (df[column].notna().to_numpy()) & (rank < order[status])
        for index in df.index[ahead]:
            problems.append(
                _problem(
                    df,
                    spec,
                    index,
                    column,
                    f"status is '{df.at[index, 'status']}' but {column} is set",
                    "status_behind_dates",
                    status=Terms(terms, (df.at[index, "status"],)),
                    later=Terms(terms, (status,)),
                )
            )
    return problems


def unknown_layer(layer: str) -> Problem:
    """The problem of a layer name that is not one of :data:`lib.schema.LAYERS`."""
    return Problem(
        layer,
        None,
        None,
        f"unknown layer; expected one of {', '.join(LAYERS)}",
        code="unknown_layer",
        values=(("layer", layer), ("expected", ", ".join(LAYERS))),
    )


def validate_layer(layer: str, df: pd.DataFrame) -> list[Problem]:
    """All problems of one layer on its own (no references to other layers).

    Parameters
    ----------
    layer : name of a layer in :data:`lib.schema.LAYERS`.
    df : the records, a GeoDataFrame for layers with geometry.

    Returns
    -------
    list of Problem
        Empty when the layer is valid.
    """
    if layer not in LAYERS:
        return [unknown_layer(layer)]
    spec = LAYERS[layer]
    typed, problems = coerce_to_schema(layer, df)
    if spec.has_geometry:
        problems += _geometry_problems(spec, typed)
    said = {(p.row, p.field) for p in problems}
    problems += [p for p in _pandera_problems(layer, typed) if (p.row, p.field) not in said]
    problems += _lifecycle_problems(spec, typed)
    return problems


def reference_problems(layers: dict[str, pd.DataFrame], known: dict[str, set] | None = None) -> list[Problem]:
    """Foreign keys that point at no record (e.g. an unknown district or settlement).

    ``known`` supplies ids of layers not in ``layers`` (e.g. those already in the store).
    """
    problems = []
    for layer, df in layers.items():
        spec = LAYERS[layer]
        for f in spec.fields:
            if not f.references or f.name not in df.columns:
                continue
            target_layer, target_field = f.references.split(".")
            if target_layer in layers:
                targets = set(layers[target_layer][target_field].dropna())
            elif known and target_layer in known:
                targets = known[target_layer]
            else:
                continue
            missing = df[f.name].notna() & ~df[f.name].isin(targets)
            for index in df.index[missing]:
                value = df.at[index, f.name]
                problems.append(
                    _problem(
                        df,
                        spec,
                        index,
                        f.name,
                        f"unknown {target_layer[:-1]} {value!r}",
                        f"unknown_{target_layer[:-1]}",
                        value=value,
                    )
                )
    return problems


def validate_layers(layers: dict[str, pd.DataFrame], known: dict[str, set] | None = None) -> list[Problem]:
    """Problems of every layer and of the references between them."""
    problems = []
    for layer, df in layers.items():
        problems += validate_layer(layer, df)
    return problems + reference_problems(layers, known)

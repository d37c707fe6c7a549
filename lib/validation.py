"""Validation of layers against :mod:`lib.schema`, returning problems instead of raising.

Field rules (required, vocabularies, ranges, uniqueness) run through pandera schemas built from
the declarations; what pandera does not cover — types parsed row by row, CRS, geometry type and
validity, lifecycle dates in order, references between layers — is checked here so that every
problem names its layer, record and field in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
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
        return t(f"problem.{self.code}", **dict(self.values))

    def __str__(self) -> str:
        where = [self.layer]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.record_id is not None:
            where.append(f"id {self.record_id}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


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


def _problem(df, spec, index, field, message) -> Problem:
    return Problem(spec.name, _record_id(df, spec, index), field, message, _row_number(df, index))


def coerce_to_schema(layer: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Cast every declared column to its type; values that cannot be cast become problems.

    Returns a copy with the declared columns typed (undeclared columns untouched) and the list
    of values that could not be read (e.g. ``"abc"`` in an integer field).
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
            typed = pd.to_datetime(raw.where(~blank, None), errors="coerce", format="mixed").astype("datetime64[ms]")
        elif f.dtype in ("int", "float"):
            typed = pd.to_numeric(raw.where(~blank, None), errors="coerce")
            fractional = typed.notna() & (typed != typed.round())
            if f.dtype == "int":
                for index in out.index[fractional]:
                    problems.append(_problem(out, spec, index, f.name, f"{raw[index]!r} is not a whole number"))
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
            problems.append(_problem(out, spec, index, f.name, f"{raw[index]!r} is not a valid {f.dtype}"))
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


def _pandera_problems(layer: str, df: pd.DataFrame) -> list[Problem]:
    spec = LAYERS[layer]
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
                problems.append(Problem(layer, None, str(value), "column is missing"))
                continue
            if check.startswith("dtype("):
                continue  # reported by coerce_to_schema with the offending value
            if check == "not_nullable":
                message = "is required but empty"
            elif check == "field_uniqueness":
                message = f"{value!r} appears more than once"
            else:
                message = f"{check}; found {value!r}"
            if index is None or pd.isna(index):
                problems.append(Problem(layer, None, column, message))
            else:
                problems.append(_problem(df, spec, index, column, message))
        return problems
    return []


def _geometry_problems(spec: LayerSpec, gdf) -> list[Problem]:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        return [Problem(spec.name, None, "geometry", "the layer has no geometry column")]
    if gdf.crs is None:
        return [Problem(spec.name, None, "geometry", f"no coordinate reference system; expected {STORAGE_CRS}")]
    if not gdf.crs.equals(STORAGE_CRS):
        return [
            Problem(
                spec.name,
                None,
                "geometry",
                f"coordinate reference system is {gdf.crs.to_string()}; expected {STORAGE_CRS} (WGS 84 longitude/latitude)",
            )
        ]
    problems = []
    geometry = gdf.geometry
    for index in gdf.index[geometry.isna() | geometry.is_empty]:
        problems.append(_problem(gdf, spec, index, "geometry", "geometry is empty"))
    present = gdf.index[geometry.notna() & ~geometry.is_empty]
    types = geometry.loc[present].geom_type
    for index in present[~types.isin(spec.geometry_types).to_numpy()]:
        problems.append(
            _problem(
                gdf,
                spec,
                index,
                "geometry",
                f"geometry is a {types[index]}; expected {' or '.join(spec.geometry_types)}",
            )
        )
    invalid = present[~geometry.loc[present].is_valid.to_numpy()]
    for index in invalid:
        reason = shapely.is_valid_reason(geometry[index])
        problems.append(_problem(gdf, spec, index, "geometry", f"geometry is invalid ({reason})"))
    bounds = geometry.loc[present].bounds
    outside = bounds.index[(bounds.minx < -180) | (bounds.maxx > 180) | (bounds.miny < -90) | (bounds.maxy > 90)]
    for index in outside:
        problems.append(
            _problem(gdf, spec, index, "geometry", "coordinates are outside longitude/latitude range (wrong CRS?)")
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
                _problem(df, spec, index, later, f"{later} ({df.at[index, later]:%Y-%m-%d}) is before {earlier}")
            )
    if "status" in df.columns:
        for status, column in steps:
            undated = (df["status"] == status) & df[column].isna()
            for index in df.index[undated]:
                problems.append(_problem(df, spec, index, column, f"status is '{status}' but {column} is empty"))
    return problems


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
        return [Problem(layer, None, None, f"unknown layer; expected one of {', '.join(LAYERS)}")]
    spec = LAYERS[layer]
    typed, problems = coerce_to_schema(layer, df)
    if spec.has_geometry:
        problems += _geometry_problems(spec, typed)
    unreadable = {(p.row, p.field) for p in problems}
    problems += [p for p in _pandera_problems(layer, typed) if (p.row, p.field) not in unreadable]
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
                problems.append(
                    _problem(df, spec, index, f.name, f"unknown {target_layer[:-1]} {df.at[index, f.name]!r}")
                )
    return problems


def validate_layers(layers: dict[str, pd.DataFrame], known: dict[str, set] | None = None) -> list[Problem]:
    """Problems of every layer and of the references between them."""
    problems = []
    for layer, df in layers.items():
        problems += validate_layer(layer, df)
    return problems + reference_problems(layers, known)

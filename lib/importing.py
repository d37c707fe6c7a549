"""Bringing the committee's own file into the store: read, check, preview, commit.

One engine for the import page and ``python -m lib.cli import``: :func:`prepare_import` reads the
file (:mod:`lib.import_read`), checks it against the layer's schema and the store
(:mod:`lib.import_checks`) and works out what a commit would add, change (field by field) and
remove, against the store version it read; :func:`commit_import` writes exactly that as one new
version, or nothing — when the file has any problem, or when the store moved on since the preview
(the user previews again rather than overwriting what someone else wrote).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib import access
from lib.access import districts_of_records
from lib.import_checks import CheckedTable, Repair, StoreContext, check_table, district_name
from lib.import_read import ImportedFile, ReadOptions, geometry_problems, read_import
from lib.schema import LAYERS
from lib.store import SourceFile, VersionedStore
from lib.validation import Problem, _lifecycle_problems, coerce_to_schema, status_behind_dates
from lib.versioning import LayerPlan, complete_columns, plan_layer

IMPORT_MODES = ("upsert", "replace")
# Layers a coordinator's file may bring in; districts come from geoBoundaries, figures and
# targets from published sources (lib/facts.py), so neither is imported from a file.
IMPORTABLE_LAYERS = (
    "returns",
    "settlements",
    "settlement_boundaries",
    "housing",
    "infrastructure",
    "hazard_areas",
    "employment_projects",
    "mine_risk_education",
)

Progress = Callable[[float, str], None]


@dataclass
class ImportPreview:
    """What committing the file would do, worked out against store version ``based_on``.

    ``added`` and ``removed`` are rows (a GeoDataFrame for layers with geometry); ``changed`` has
    one row per changed field: the record's id, the field, its value before and after.
    """

    file: ImportedFile
    layer: str
    mode: str
    districts: tuple[str, ...]
    based_on: int | None
    problems: list[Problem] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    plan: LayerPlan | None = None
    added: pd.DataFrame | None = None
    changed: pd.DataFrame | None = None
    removed: pd.DataFrame | None = None
    removable: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        """Whether the file can be committed: it was read and has no problem."""
        return self.plan is not None and not self.problems

    @property
    def changes_nothing(self) -> bool:
        return self.plan is not None and self.plan.is_empty

    def counts(self) -> dict[str, int]:
        """Records added, changed and removed (zero each before a valid preview)."""
        if self.plan is None:
            return {"added": 0, "changed": 0, "removed": 0}
        return self.plan.counts()


def store_context(store: VersionedStore, version: int | None, file_name: str, today: date | None = None):
    """What the checks need from the store at ``version``: district polygons, the district of every
    settlement, today's date, and the source a file without a ``source`` column is credited to."""
    today = today or date.today()
    districts = store.read_layer("districts", version=version)
    settlements = store.read_layer("settlements", version=version, geometry=False)
    return StoreContext(
        districts=districts,
        settlement_districts=pd.Series(
            settlements["district_id"].to_numpy(), index=settlements["settlement_id"].astype("object")
        ),
        today=today,
        default_source=f"{file_name} ({today.isoformat()})",
    )


def _stage(progress: Progress | None, start: float, end: float) -> Progress | None:
    """A progress callback for one stage, mapped onto its share of the whole bar."""
    if progress is None:
        return None
    return lambda fraction, message: progress(start + (end - start) * min(max(fraction, 0.0), 1.0), message)


def prepare_import(
    store: VersionedStore,
    layer: str,
    data: bytes,
    name: str,
    *,
    options: ReadOptions | None = None,
    mode: str = "upsert",
    districts: Collection[str] = (),
    apply: Collection[str] = (),
    progress: Progress | None = None,
    today: date | None = None,
    based_on: int | None = None,
    new_settlements: pd.Series | None = None,
    imported: ImportedFile | None = None,
    context: StoreContext | None = None,
    actor: access.Actor | None = None,
) -> ImportPreview:
    """Read ``data`` (the file called ``name``), check it as rows of ``layer`` and preview the
    commit against the store's current version.

    Parameters
    ----------
    mode : ``"upsert"`` (rows added or replacing those with their id; nothing removed) or
        ``"replace"`` (within ``districts``: the layer's records there become the file's).
    apply : codes of proposed repairs the user has confirmed.
    progress : called with (fraction done, message code) as the work goes on.
    based_on : the store version to preview against (default: the current one).
    new_settlements : district of each settlement the same import brings (settlement id ->
        district id), which the layer's records may refer to.
    imported : the file as already read with these options (it is not read again).
    context : what the checks need from the store at ``based_on`` (read once for all layers).
    actor : who imports (:mod:`lib.access`): a record in a district they may not import for is a
        problem of its row, like any other (``None``: the operator's command line).
    """
    if layer not in IMPORTABLE_LAYERS:
        raise ValueError(f"{layer!r} is not a layer that can be imported; expected one of {IMPORTABLE_LAYERS}")
    if mode not in IMPORT_MODES:
        raise ValueError(f"unknown import mode {mode!r}; expected one of {IMPORT_MODES}")
    districts = tuple(sorted({d.strip().upper() for d in districts}))  # codes in any case: AZ-LAC
    based_on = store.data_version() if based_on is None else based_on
    if imported is None:
        imported = read_import(data, name, options or ReadOptions(), progress=_stage(progress, 0.0, 0.4))
    preview = ImportPreview(imported, layer, mode, districts, based_on, problems=list(imported.problems))
    if imported.table is None or preview.problems:
        return preview
    if _without_geometry(layer, imported):
        # an update of stored records (a status, a count) needs no coordinates: they keep theirs
        placed, missing = _with_stored_geometry(store, layer, imported, based_on)
        if missing or mode == "replace":
            preview.problems += geometry_problems(imported, layer)
            return preview
        imported = replace(imported, table=placed)
        preview.file = imported
    if mode == "replace" and not districts:
        preview.problems.append(_problem(layer, "replace_needs_districts"))
        return preview
    if actor is not None and not access.may_import(actor):
        preview.problems.append(_problem(layer, "import_not_permitted"))
        return preview
    context = context or store_context(store, based_on, name, today)
    codes = set(context.districts["district_id"])
    for unknown in [d for d in districts if d not in codes]:
        preview.problems.append(
            _problem(layer, "replace_unknown_district", district=unknown, districts=", ".join(sorted(codes)))
        )
    if actor is not None and actor.districts is not None:
        preview.problems += [
            _problem(
                layer,
                "replace_not_your_district",
                district=district_name(context.districts.set_index("district_id"), d),
            )
            for d in districts
            if d in codes and d not in actor.districts
        ]
    if preview.problems:
        return preview
    if new_settlements is not None and len(new_settlements):
        known = context.settlement_districts
        context = replace(
            context, settlement_districts=pd.concat([known[~known.index.isin(new_settlements.index)], new_settlements])
        )
    checked: CheckedTable = check_table(
        layer, imported.table, context, apply=apply, progress=_stage(progress, 0.4, 0.8)
    )
    preview.problems += checked.problems
    preview.repairs = list(checked.repairs)
    preview.notices = list(checked.notices)
    if preview.problems:
        return preview
    if progress:
        progress(0.8, "import.step.comparing")
    id_field = LAYERS[layer].id_field
    # attributes only: the geometry of stored records is read further down only when the file
    # changes or removes some (a file of new features, the usual case, needs none of it)
    current = store.read_layer(layer, version=based_on, geometry=False)
    record_districts = districts_of_records(layer, checked.frame, context.settlement_districts)
    districts_by_id = context.districts.set_index("district_id")
    if actor is not None and actor.districts is not None:
        # a row is the coordinator's when its district is theirs, and so was the stored record it changes
        stored = districts_of_records(layer, current, context.settlement_districts)
        was = checked.frame[id_field].astype(str).map(pd.Series(stored.to_numpy(), index=current[id_field].astype(str)))
        was = pd.Series(was.to_numpy(), index=checked.frame.index)
        moved_in = record_districts.isin(actor.districts) & was.notna() & ~was.isin(actor.districts)
        foreign = record_districts.where(~moved_in, was)  # an outsider's record taken over: its stored district
        preview.problems += _outside_actor(layer, checked.frame, imported, foreign, actor, districts_by_id)
        if preview.problems:
            return preview
    if mode == "replace":
        outside = ~record_districts.isin(districts)
        rows = imported.table.rows.reindex(checked.frame.index)
        for index in checked.frame.index[outside.to_numpy()]:
            preview.problems.append(
                _problem(
                    layer,
                    "outside_replaced_districts",
                    row=int(rows[index]),
                    record_id=str(checked.frame.at[index, id_field]),
                    field="district_id" if "district_id" in checked.frame.columns else "settlement_id",
                    district=district_name(districts_by_id, record_districts[index]),
                )
            )
        if preview.problems:
            return preview
        held = districts_of_records(layer, current, context.settlement_districts)
        preview.removable = tuple(current.loc[held.isin(districts).to_numpy(), id_field].astype(str))
    frame = _keep_unsent_fields(layer, checked.frame, current, sent=set(checked.frame.columns))
    # a record's status must be dated once the file's fields and the stored ones are put together
    # (a new house "completed" from a file without the date columns)
    rows = imported.table.rows.reindex(frame.index)
    preview.problems += [
        replace(problem, row=int(rows.iloc[problem.row - 1])) if problem.row is not None else problem
        for problem in merged_problems(LAYERS[layer], coerce_to_schema(layer, complete_columns(layer, frame))[0])
    ]
    if preview.problems:
        return preview
    preview.frame = frame
    preview.plan = plan_layer(
        layer,
        store.current_keys(layer),
        frame,
        mode=mode,
        removable=preview.removable if mode == "replace" else None,
    )
    if LAYERS[layer].has_geometry and len(preview.plan.ended):
        current = store.read_layer(layer, version=based_on)
    preview.added, preview.changed, preview.removed = _describe_plan(layer, preview.plan, current, frame)
    if progress:
        progress(1.0, "import.step.done")
    return preview


def _outside_actor(layer, frame, imported, districts: pd.Series, actor, districts_by_id) -> list[Problem]:
    """A problem for each row whose district (``districts``, by the frame's index: the row's own,
    or the stored record's it would change) is not one of those ``actor`` may import for."""
    id_field = LAYERS[layer].id_field
    rows = imported.table.rows.reindex(frame.index)
    outside = districts[~districts.isin(actor.districts)]
    return [
        _problem(
            layer,
            "not_your_district",
            row=int(rows[index]),
            record_id=str(frame.at[index, id_field]),
            field="district_id" if "district_id" in frame.columns else "settlement_id",
            district=district_name(districts_by_id, outside[index]) if isinstance(outside[index], str) else "?",
        )
        for index in outside.index
    ]


def layers_named_in(file: ImportedFile) -> list[str]:
    """The layers a file brings by name: its layers or sheets called like the dashboard's layers
    (``housing``, ``Settlements``), in the order a commit needs them (settlements first)."""
    named = {source.strip().lower() for source in file.detected.source_layers}
    return _settlements_first([layer for layer in IMPORTABLE_LAYERS if layer in named])


def _settlements_first(layers: Sequence[str]) -> list[str]:
    # the other layers refer to settlements, which the same file may bring
    return sorted(layers, key=lambda layer: layer != "settlements")


def prepare_imports(
    store: VersionedStore,
    layers: Sequence[str] | None,
    data: bytes,
    name: str,
    *,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    **choices,
) -> list[ImportPreview]:
    """Previews of several layers of one file (each from its layer or sheet of the same name),
    all against one store version; settlements the file brings count as known to the others.
    ``layers=None``: every layer the file names (:func:`layers_named_in`); none named, no preview."""
    options = options or ReadOptions()
    based_on = store.data_version()
    sources = {}
    probe = read_import(data, name, options, progress=_stage(progress, 0.0, 0.4 / len(layers or [None])))
    layers = layers_named_in(probe) if layers is None else layers
    if not layers:
        return []
    for source in probe.detected.source_layers:
        sources.setdefault(source.strip().lower(), source)
    previews, settlements = [], None
    context = store_context(store, based_on, name, choices.get("today"))
    layers = _settlements_first(layers)
    for number, layer in enumerate(layers):
        step = _stage(progress, number / len(layers), (number + 1) / len(layers))
        source = sources.get(layer, options.source_layer)
        read = probe.table is not None and source in (None, probe.table.name)
        preview = prepare_import(
            store,
            layer,
            data,
            name,
            options=replace(options, source_layer=source),
            progress=step,
            based_on=based_on,
            new_settlements=settlements,
            imported=probe if read or probe.table is None else None,
            context=context,
            **choices,
        )
        if layer == "settlements" and preview.frame is not None:
            frame = preview.frame
            settlements = pd.Series(frame["district_id"].to_numpy(), index=frame["settlement_id"].astype(str))
        previews.append(preview)
    return previews


def commit_imports(
    store: VersionedStore,
    previews: Sequence[ImportPreview],
    *,
    author: str | None = None,
    note: str | None = None,
    actor: access.Actor | None = None,
) -> int:
    """Write valid previews of one file as one new version — every layer of it or none — and
    return its number.

    Raises
    ------
    ValueError
        When any preview has problems, or they are not of one file, mode and store version.
    lib.store.ConflictError
        When the store moved on since the previews were made (nothing is written: preview again).
    lib.access.AccessDenied
        When ``actor`` may not write some of the records (the store checks again; nothing is written).
    """
    if not previews or not all(p.is_valid for p in previews):
        raise ValueError("the file has problems; nothing was written")
    first = previews[0]
    if any((p.file.sha256, p.mode, p.based_on) != (first.file.sha256, first.mode, first.based_on) for p in previews):
        raise ValueError("previews of different files, modes or data versions cannot be committed together")
    frames = {p.layer: p.frame for p in previews}
    metadata = {}
    for preview in previews:
        later = _later_data_date(store, preview).get("data_date")
        if later and later > metadata.get("data_date", ""):
            metadata["data_date"] = later
    return store.write_layers(
        frames,
        note=note or "",
        author=author,
        metadata=metadata,
        expected_version=first.based_on,
        mode=first.mode,
        removable={p.layer: p.removable for p in previews} if first.mode == "replace" else None,
        action="import",
        source=SourceFile(first.file.name, first.file.sha256),
        actor=actor,
    )


def commit_import(
    store: VersionedStore,
    preview: ImportPreview,
    *,
    author: str | None = None,
    note: str | None = None,
    actor: access.Actor | None = None,
):
    """Write a valid preview as one new version (every row of it or none) and return its number.

    Raises
    ------
    ValueError
        When the preview has problems (nothing is written).
    lib.store.ConflictError
        When the store moved on since the preview was made (nothing is written: preview again).
    """
    return commit_imports(store, [preview], author=author, note=note, actor=actor)


def _without_geometry(layer: str, imported: ImportedFile) -> bool:
    return LAYERS[layer].has_geometry and not isinstance(imported.table.frame, gpd.GeoDataFrame)


def _with_stored_geometry(store: VersionedStore, layer: str, imported: ImportedFile, version: int | None):
    """The file's table with each record's stored geometry, and whether some record has none (a
    new record, or no id column): those need coordinates in the file."""
    table = imported.table
    id_field = LAYERS[layer].id_field
    column = next((c for c in table.frame.columns if str(c).strip().casefold() == id_field), None)
    if column is None:
        return table, True
    stored = store.read_layer(layer, version=version, columns=[id_field])
    shapes = pd.Series(stored.geometry.to_numpy(), index=stored[id_field].astype(str))
    ids = table.frame[column].astype("string").str.strip()
    known = ids.isin(shapes.index).fillna(False).to_numpy()
    if not known.all():
        return table, True
    frame = gpd.GeoDataFrame(table.frame, geometry=shapes.reindex(ids).to_numpy(), crs="EPSG:4326")
    return replace(table, frame=frame), False


def merged_problems(spec, frame: pd.DataFrame) -> list[Problem]:
    """What is wrong with records once the file's fields and the stored ones are put together:
    a status without its date, dates out of order, a status behind a dated later step."""
    return _lifecycle_problems(spec, frame) + status_behind_dates(spec, frame)


def _later_data_date(store: VersionedStore, preview: ImportPreview) -> dict:
    """The data date moves on to the latest day the imported records describe (never back, and
    never past today: a planned day is not data), so new convoys show on the pages at once."""
    spec = LAYERS[preview.layer]
    columns = [f.name for f in spec.fields if f.dtype == "date" and f.name in preview.frame.columns]
    if not columns:
        return {}
    latest = pd.to_datetime(preview.frame[columns].stack(), errors="coerce").max()
    held = store.metadata(preview.based_on).get("data_date")
    if pd.isna(latest) or (held and latest.date() <= date.fromisoformat(held)) or latest.date() > date.today():
        return {}
    return {"data_date": latest.date().isoformat()}


def _problem(layer: str, code: str, *, row=None, record_id=None, field=None, **values) -> Problem:
    return Problem(layer, record_id, field, code.replace("_", " "), row, code=code, values=tuple(values.items()))


def _keep_unsent_fields(layer: str, frame: pd.DataFrame, current: pd.DataFrame, sent: set[str]) -> pd.DataFrame:
    """A field the file does not have keeps its stored value for records already stored: an update
    that leaves out an optional column must not blank it."""
    spec = LAYERS[layer]
    unsent = [f for f in spec.field_names if f not in sent]
    if not unsent or current.empty:
        return frame
    stored = current.set_index(current[spec.id_field].astype(str))[unsent]
    ids = frame[spec.id_field].astype(str)
    out = frame.copy()
    known = ids.isin(stored.index).to_numpy()
    for name in unsent:
        values = pd.Series(pd.NA, index=frame.index, dtype="object")
        values[known] = stored[name].reindex(ids[known]).to_numpy()
        out[name] = values
    return coerce_to_schema(layer, complete_columns(layer, out))[0]


def _describe_plan(layer: str, plan: LayerPlan, current: pd.DataFrame, frame: pd.DataFrame):
    """Rows added and removed, and the changed records field by field (id, field, before, after)."""
    id_field = LAYERS[layer].id_field
    new_ids = frame[id_field].astype(str)
    old_ids = current[id_field].astype(str)
    added = frame[new_ids.isin(plan.added).to_numpy()]
    removed = current[old_ids.isin(plan.removed).to_numpy()]
    if not len(plan.changed):
        return added, pd.DataFrame(columns=[id_field, "field", "before", "after"]), removed
    before = coerce_to_schema(layer, complete_columns(layer, current[old_ids.isin(plan.changed).to_numpy()]))[0]
    after = frame[new_ids.isin(plan.changed).to_numpy()]
    before = before.set_index(before[id_field].astype(str))
    after = after.set_index(after[id_field].astype(str)).reindex(before.index)
    changes = []
    for name in [*LAYERS[layer].field_names, *(["geometry"] if LAYERS[layer].has_geometry else [])]:
        if name == id_field:
            continue
        old, new = before[name], after[name]
        if name == "geometry":
            differs = ~shapely.equals_exact(np.asarray(old.values), np.asarray(new.values), tolerance=1e-9)
        else:
            differs = ~((old == new).fillna(False).to_numpy() | (old.isna() & new.isna()).to_numpy())
        for record in before.index[differs]:
            changes.append((record, name, old[record], new[record]))
    changed = pd.DataFrame(changes, columns=[id_field, "field", "before", "after"])
    if isinstance(added, gpd.GeoDataFrame) or not LAYERS[layer].has_geometry:
        return added, changed, removed
    return gpd.GeoDataFrame(added, geometry="geometry", crs="EPSG:4326"), changed, removed

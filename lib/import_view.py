"""The import page's Streamlit glue: preparing a preview once per choice, and laying out its parts.

The work itself is :mod:`lib.importing` (the same as the CLI's); here a preview is kept in the
session for the choices that made it (file, layer, mode, districts, overrides, repairs, store
version), so a rerun for an unrelated widget does not read and check the file again.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

import geopandas as gpd

from lib import access, maps
from lib.cache import load_layers, version_history
from lib.exports import to_csv
from lib.i18n import Translator, place_names
from lib.import_read import ReadOptions
from lib.import_report import (
    change_table,
    counts_line,
    decimal_word,
    detected_values,
    encoding_word,
    problems_of,
    records_table,
    separator_word,
)
from lib.importing import IMPORT_MODES, IMPORTABLE_LAYERS, ImportPreview, commit_imports, prepare_imports
from lib.map_view import show_map
from lib.provenance import source_kind
from lib.safe_text import escape_markdown
from lib.schema import LAYERS
from lib.store import ConflictError, StoreBusy, VersionedStore
from lib.widgets import reader_table

# Encodings offered for override: what Excel on Windows and phones write.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1254", "koi8-r", "iso-8859-9")
SEPARATORS = (",", ";", "\t")
DATE_ORDERS = ("dmy", "ymd", "mdy")
CRS_CHOICES = ("EPSG:4326", "EPSG:32638", "EPSG:32639", "EPSG:3857")
# Rows of a preview table sent to the browser: a file of 100,000 convoys is counted and mapped in
# full, and the first of its rows are enough to see that they were read as meant.
TABLE_ROWS = 1_000
# Problems up to this many are a table whose text wraps; more are a scrolling grid.
WRAPPED_ROWS = 100
# Excel on Windows reads a CSV as UTF-8 (Azerbaijani and Russian letters intact) only with it.
EXCEL_BOM = "\ufeff".encode()


# The layer choice that imports every layer or sheet of a file named like one of the layers.
EVERY_NAMED_LAYER = "*"


def prepared_previews(
    store: VersionedStore,
    layer: str,
    data: bytes,
    name: str,
    options: ReadOptions,
    mode: str,
    districts: tuple[str, ...],
    apply: tuple[str, ...],
    t: Translator,
    actor: access.Actor,
) -> list[ImportPreview]:
    """The previews for these choices (one per layer; ``layer`` may be :data:`EVERY_NAMED_LAYER`)
    of ``actor``'s import: made once, with a progress bar, then kept in the session. Empty when the
    file names no layer."""
    key = (hashlib.sha256(data).hexdigest(), name, layer, options, mode, districts, apply, actor)
    key += (store.key, store.data_version())
    kept = st.session_state.get("import_preview")
    if kept is not None and kept[0] == key:
        return kept[1]
    bar = st.progress(0.0, text=t("import.step.reading"))
    previews = prepare_imports(
        store,
        None if layer == EVERY_NAMED_LAYER else [layer],
        data,
        name,
        options=options,
        mode=mode,
        districts=districts,
        apply=apply,
        progress=lambda share, code: bar.progress(min(max(share, 0.0), 1.0), text=t(code)),
        actor=actor,
    )
    bar.empty()
    st.session_state["import_preview"] = (key, previews)
    return previews


def flash(message: str) -> None:
    """Say ``message`` after a rerun: a write makes a new data version, and the page must be read
    again at it (the tables, the preview) before anything more is shown."""
    st.session_state["import_flash"] = message
    st.rerun()


def show_flash() -> None:
    message = st.session_state.pop("import_flash", None)
    if message:
        st.success(message)


def forget_preview() -> None:
    st.session_state.pop("import_preview", None)


OVERRIDES = ("encoding", "separator", "decimal", "date_order", "crs", "swap_xy", "source_layer")


def _override_key(setting: str, t: Translator) -> str:
    # a widget whose words change with the language is a new widget: one key per language
    return f"import_override_{setting}_{t.language}"


def chosen_overrides(name: str, data: bytes, t: Translator) -> ReadOptions:
    """The overrides chosen for this file (read before the preview that shows the widgets; a new
    file starts from what is detected in it)."""
    state = st.session_state
    digest = hashlib.sha256(data).hexdigest()
    if state.get("import_overrides_for") != (name, digest):
        for setting in OVERRIDES:
            state.pop(_override_key(setting, t), None)
        state.pop("import_repairs", None)
        state["import_overrides_for"] = (name, digest)
    chosen = {setting: state.get(_override_key(setting, t)) for setting in OVERRIDES}
    chosen["swap_xy"] = True if chosen["swap_xy"] else None
    return ReadOptions(**chosen)


def show_overrides(preview: ImportPreview, t: Translator) -> None:
    """What was detected, each with a field to override it."""
    detected = preview.file.detected
    for setting, value in detected_values(detected, t).items():
        st.markdown(f"**{t(f'import.setting.{setting}')}**: {escape_markdown(value)}")
    columns = st.columns(3)

    def choice(column, setting, choices, words=None):
        column.selectbox(
            t(f"import.override.{setting}"),
            [None, *choices],
            format_func=lambda v: t("import.override.as_detected") if v is None else (words(v) if words else v),
            key=_override_key(setting, t),
        )

    if detected.format == "csv":
        choice(columns[0], "encoding", ENCODINGS, lambda v: encoding_word(v, t))
        choice(columns[1], "separator", SEPARATORS, lambda v: separator_word(v, t))
        choice(columns[2], "decimal", (".", ","), lambda v: decimal_word(v, t))
    choice(columns[0], "date_order", DATE_ORDERS, lambda v: t(f"import.date_order.{v}"))
    if detected.crs:
        choice(columns[1], "crs", CRS_CHOICES)
        columns[2].checkbox(t("import.override.swap_xy"), key=_override_key("swap_xy", t))
    if len(detected.source_layers) > 1:
        choice(columns[2], "source_layer", detected.source_layers)


def show_problems(previews: list[ImportPreview], t: Translator) -> tuple[str, ...]:
    """The problems of every layer as a table with a CSV download, and the proposed repairs as
    boxes to confirm; returns the codes of the repairs the user confirmed."""
    preview = previews[0]
    problems = [problem for each in previews for problem in each.problems]
    table = problems_of(previews, t)
    name = escape_markdown(preview.file.name)
    st.error(t.plural("import.has_problems", len(problems), name=name))
    if len(table) <= WRAPPED_ROWS:
        st.table(table.set_index(table.columns[0]))  # the problems wrap: read whole at 1366 wide
    else:
        st.caption(t("import.first_rows", shown=t.number(TABLE_ROWS), total=t.number(len(table))))
        reader_table(table.head(TABLE_ROWS), key="import_problems")
    st.download_button(
        t("import.download_problems"),
        EXCEL_BOM + to_csv(table),
        f"{preview.file.name}.problems.csv",
        "text/csv",
        key="import_problems_csv",
    )
    confirmed = []
    for repair in {repair.code: repair for each in previews for repair in each.repairs}.values():
        if st.checkbox(repair.describe(t), key=f"import_repair_{repair.code}_{t.language}"):
            confirmed.append(repair.code)
    return tuple(confirmed)


def _located(
    layer: str, frame: pd.DataFrame | None, settlements: gpd.GeoDataFrame, places: dict[str, str]
) -> gpd.GeoDataFrame:
    """Records with a place on the map: their geometry, or their settlement's point (named)."""
    id_field = LAYERS[layer].id_field
    if frame is None or not len(frame):
        return gpd.GeoDataFrame({"label": []}, geometry=[], crs="EPSG:4326")
    if isinstance(frame, gpd.GeoDataFrame):
        labels = frame[id_field].astype(str).to_numpy()
        return gpd.GeoDataFrame({"label": labels}, geometry=frame.geometry.to_numpy(), crs="EPSG:4326")
    # records without a geometry of their own (convoys): one point per settlement, listing them
    grouped = frame.groupby("settlement_id")[id_field]
    ids = grouped.agg(lambda v: ", ".join(map(str, v.iloc[:5])) + (" …" if len(v) > 5 else ""))
    points = settlements.set_index("settlement_id").geometry.reindex(ids.index).to_numpy()
    labels = [f"{places.get(place, place)}: {listed}" for place, listed in ids.items()]
    located = gpd.GeoDataFrame(
        {"label": labels, "records": grouped.size().reindex(ids.index).to_numpy()},
        geometry=points,
        crs="EPSG:4326",
    )
    return located[located.geometry.notna()]


def show_preview(
    preview: ImportPreview,
    districts: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
    t: Translator,
    map_options: dict,
) -> None:
    """Records added, changed (field by field) and removed: counts, tables and a map."""
    st.success(counts_line(preview, t))
    sourced = preview.removed["source"].map(source_kind).eq("published").sum() if preview.removed is not None else 0
    if sourced:
        st.warning(t("import.removes_sourced", count=t.number(sourced)))
    places = {
        **dict(zip(districts["district_id"], place_names(districts, t))),
        **dict(zip(settlements["settlement_id"], place_names(settlements, t))),
    }
    counts = preview.counts()
    added, changed, removed = st.tabs(
        [f"{t(f'import.change.{kind}')} ({t.number(counts[kind])})" for kind in ("added", "changed", "removed")]
    )
    with added:
        _table_or_note(
            records_table(preview.layer, _first(preview.added), t, places),
            counts["added"],
            t,
            f"import_added_{preview.layer}",
        )
    with changed:
        total = 0 if preview.changed is None else len(preview.changed)
        _table_or_note(change_table(preview, t, TABLE_ROWS), total, t, f"import_changed_{preview.layer}")
    with removed:
        removed_rows = records_table(preview.layer, _first(preview.removed), t, places)
        _table_or_note(removed_rows, counts["removed"], t, f"import_removed_{preview.layer}")
    changed_ids = set(preview.changed[LAYERS[preview.layer].id_field]) if preview.changed is not None else set()
    id_field = LAYERS[preview.layer].id_field
    changed_rows = preview.frame[preview.frame[id_field].astype(str).isin(changed_ids)] if changed_ids else None
    parts = {
        "added": _located(preview.layer, preview.added, settlements, places),
        "changed": _located(preview.layer, changed_rows, settlements, places),
        "removed": _located(preview.layer, preview.removed, settlements, places),
    }
    if any(len(part) for part in parts.values()):
        show_map(
            maps.import_preview_map(districts, parts, t, **map_options), key=f"import_map_{preview.layer}", height=420
        )


def _first(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if frame is None else frame.head(TABLE_ROWS)


def _table_or_note(table: pd.DataFrame, total: int, t: Translator, key: str) -> None:
    """The table, or a sentence where it is empty; a long one is cut, and says so."""
    if table.empty:
        st.caption(t("import.nothing_here"))
        return
    if total > len(table):
        st.caption(t("import.first_rows", shown=t.number(len(table)), total=t.number(total)))
    reader_table(table, key=key)


def show_outcome(
    store: VersionedStore,
    previews: list[ImportPreview],
    applied_codes: tuple[str, ...],
    layers: dict[str, gpd.GeoDataFrame],
    t: Translator,
    tiles: dict,
    actor: access.Actor,
) -> None:
    """What the file would do: its problems (and repairs to confirm), or that it changes
    nothing, or the preview of every layer with the button that commits them together."""
    for notice in [notice for preview in previews for notice in preview.notices]:
        st.caption(escape_markdown(notice.describe(t)))
    applied = [repair for preview in previews for repair in preview.repairs if repair.code in applied_codes]
    if applied:
        st.info(t("import.repairs_applied", repairs="; ".join(repair.describe(t) for repair in applied)))
        if st.button(t("import.undo_repairs"), key="import_undo_repairs"):
            st.session_state["import_repairs"] = ()
            st.rerun()
    if any(preview.problems for preview in previews):
        st.session_state["import_repairs"] = show_problems(previews, t)
        if st.session_state["import_repairs"] != applied_codes:
            st.rerun()
        return
    if all(preview.changes_nothing for preview in previews):
        st.info(t("import.unchanged"))
        return
    for preview in previews:
        if len(previews) > 1:
            st.subheader(t(f"layer.{preview.layer}"))
        show_preview(preview, layers["districts"], layers["settlements"], t, tiles)
    note = st.text_input(t("import.note"), key="import_note")
    if st.button(t("import.commit"), type="primary", key="import_commit"):
        try:
            version = commit_imports(store, previews, note=note or None, actor=actor)
        except access.AccessDenied:
            st.error(t("import.not_permitted"))
        except ConflictError:
            st.warning(t("import.conflict"))
        except StoreBusy:
            st.warning(t("import.busy"))
        else:
            forget_preview()
            flash(t("import.written", version=version))


def show_import(store: VersionedStore, page) -> None:
    """The import tab: the layer and mode, the file, and what it would do (its problems or its
    preview and the commit), for the signed-in actor's districts."""
    t, actor = page.t, page.actor
    if actor.districts is not None:
        st.caption(t("import.your_districts", districts=", ".join(page.district_names(actor.districts))))
    left, right = st.columns([1, 1])
    layer = left.selectbox(
        t("import.layer"),
        [*IMPORTABLE_LAYERS, EVERY_NAMED_LAYER],
        format_func=lambda n: t("import.every_named_layer") if n == EVERY_NAMED_LAYER else t(f"layer.{n}"),
        key=f"import_layer_{t.language}",
    )
    mode = right.radio(
        t("import.mode"), IMPORT_MODES, format_func=lambda m: t(f"import.mode.{m}"), key=f"import_mode_{t.language}"
    )
    layers = load_layers(page.store, ["districts", "settlements"])
    districts = ()
    if mode == "replace":
        return_areas = layers["districts"][layers["districts"]["economic_region"].notna()]
        ids = access.visible_districts(actor, return_areas["district_id"])
        return_areas = return_areas[return_areas["district_id"].isin(ids)]
        names = dict(zip(return_areas["district_id"], place_names(return_areas, t)))
        districts = tuple(
            st.multiselect(
                t("import.replace_districts"),
                list(names),
                format_func=names.get,
                key=f"import_districts_{t.language}",
                placeholder=t("common.choose"),
            )
        )
    upload = st.file_uploader(t("import.file"), help=t("import.file_help"), key="import_file")
    if upload is None:
        st.info(t("import.empty"))
        return
    data = upload.getvalue()
    detected = st.expander(t("import.detected"), expanded=False)
    options = chosen_overrides(upload.name, data, t)
    apply = tuple(st.session_state.get("import_repairs", ()))
    previews = prepared_previews(store, layer, data, upload.name, options, mode, districts, apply, t, actor)
    if not previews:
        st.warning(t("import.no_named_layer", layers=", ".join(IMPORTABLE_LAYERS)))
        return
    with detected:
        show_overrides(previews[0], t)
    show_outcome(store, previews, apply, layers, t, page.tiles, actor)


def show_versions(store: VersionedStore, snapshot, t: Translator, actor: access.Actor) -> None:
    """The data versions and the audit log, and, for those who may, a restore of an earlier
    version (confirmed)."""
    history, audit = version_history(snapshot.key, snapshot.version, t.language, actor)
    st.subheader(t("import.history_title"))
    reader_table(history, key="import_history")
    st.subheader(t("import.audit_title"))
    reader_table(audit, key="import_audit")
    numbers = history[t("history.version")].tolist() if len(history) else []
    if not access.may(actor, access.RESTORE):
        st.caption(t("import.restore_admin_only"))
        return
    if len(numbers) < 2:
        st.caption(t("import.nothing_to_restore"))
        return
    with st.form("import_restore"):
        chosen = st.selectbox(t("import.restore_version"), numbers[1:], key=f"import_restore_{t.language}")
        sure = st.checkbox(t("import.restore_confirm"))
        if st.form_submit_button(t("import.restore")):
            if not sure:
                st.warning(t("import.restore_unconfirmed"))
            else:
                try:
                    restored = store.restore(int(chosen), expected_version=snapshot.version, actor=actor)
                except (ConflictError, StoreBusy):
                    st.warning(t("import.conflict"))
                else:
                    flash(t("import.restored", version=int(chosen), new=restored))
    st.caption(t("import.restore_note"))

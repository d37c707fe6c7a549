"""An import's preview in words and tables of the reader's language, for the page and the CLI."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

import shapely

from lib.i18n import Translator, catalogue
from lib.import_read import Detected, ImportedFile
from lib.importing import ImportPreview
from lib.schema import LAYERS


def separator_word(value: str, t: Translator) -> str:
    return t(f"import.separator.{ {',': 'comma', ';': 'semicolon', chr(9): 'tab'}.get(value, 'other') }", value=value)


def decimal_word(value: str, t: Translator) -> str:
    return t("import.decimal.comma" if value == "," else "import.decimal.point")


def encoding_word(codec: str, t: Translator) -> str:
    """A text encoding as people know it (Excel's names), the codec's own name otherwise."""
    key = f"import.encoding.{codec}"
    return t(key) if key in catalogue(t.language) else codec


def detected_values(detected: Detected, t: Translator) -> dict[str, str]:
    """Each setting the reader detected (or was given), worded: ``{setting: text}``; settings that
    do not apply to the file's format are left out."""
    shown = {"format": t(f"import.format.{detected.format}")}
    if detected.encoding:
        shown["encoding"] = encoding_word(detected.encoding, t)
    if detected.separator:
        shown["separator"] = separator_word(detected.separator, t)
    if detected.decimal:
        shown["decimal"] = decimal_word(detected.decimal, t)
    if detected.date_order:
        shown["date_order"] = t(f"import.date_order.{detected.date_order}")
    if detected.crs:
        how = t(f"import.crs_how.{detected.crs_how}") if detected.crs_how else ""
        reason = f" — {t(detected.crs_reason)}" if detected.crs_reason else ""
        swapped = f" · {t('import.swapped_xy')}" if detected.swapped_xy else ""
        shown["crs"] = f"{detected.crs} ({how}){reason}{swapped}"
    return shown


def detected_lines(file: ImportedFile, t: Translator) -> list[str]:
    """The file and what was detected, one line each."""
    lines = [t("import.file_line", name=file.name, size=t.number(file.size / 1e6, 2), sha256=file.sha256[:12])]
    lines += [f"{t(f'import.setting.{key}')}: {value}" for key, value in detected_values(file.detected, t).items()]
    if file.table is not None:
        lines.append(t("import.records_read", count=t.number(len(file.table.frame)), name=file.table.name))
    return lines


def counts_line(preview: ImportPreview, t: Translator) -> str:
    counts = preview.counts()
    return t(
        "import.counts",
        layer=t(f"layer.{preview.layer}"),
        added=t.number(counts["added"]),
        changed=t.number(counts["changed"]),
        removed=t.number(counts["removed"]),
    )


def _value(value, t: Translator) -> str:
    if value is None or (not isinstance(value, shapely.Geometry) and pd.isna(value)):
        return "—"
    if isinstance(value, shapely.Point) and not value.is_empty:
        return f"{t.number(value.y, 5)}; {t.number(value.x, 5)}"  # latitude; longitude (a comma may be decimal)
    if isinstance(value, shapely.Geometry):
        return t(f"geometry.{value.geom_type}")
    if isinstance(value, pd.Timestamp):
        return t.day(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return t.number(value, 0 if float(value).is_integer() else 2)
    return str(value)


def change_table(preview: ImportPreview, t: Translator, limit: int | None = None) -> pd.DataFrame:
    """The changed records field by field (the first ``limit`` changes), worded in the language."""
    spec = LAYERS[preview.layer]
    changed = preview.changed if preview.changed is not None else pd.DataFrame()
    changed = changed.head(limit) if limit is not None else changed
    terms = {f.name: f.terms for f in spec.fields if f.terms}

    def worded(name, value):
        if name in terms and isinstance(value, str):
            return t.term(terms[name], value)
        return _value(value, t)

    return pd.DataFrame(
        {
            t(f"field.{spec.id_field}"): changed.get(spec.id_field, pd.Series(dtype=object)).astype(str),
            t("import.column.field"): [t(f"field.{n}") for n in changed.get("field", [])],
            t("import.column.before"): [
                worded(n, v) for n, v in zip(changed.get("field", []), changed.get("before", []))
            ],
            t("import.column.after"): [
                worded(n, v) for n, v in zip(changed.get("field", []), changed.get("after", []))
            ],
        }
    )


def change_lines(preview: ImportPreview, t: Translator, limit: int = 20) -> list[str]:
    """The first ``limit`` changed fields as lines "id · field: before → after"."""
    table = change_table(preview, t, limit)
    total = 0 if preview.changed is None else len(preview.changed)
    lines = [" · ".join(row[:2]) + f": {row[2]} → {row[3]}" for row in table.head(limit).itertuples(index=False)]
    if total > limit:
        lines.append(t("import.more_changes", count=t.number(total - limit)))
    return lines


def records_table(
    layer: str, frame: pd.DataFrame | None, t: Translator, places: dict[str, str] | None = None
) -> pd.DataFrame:
    """Added or removed records as the reader sees them: fields named and terms worded in the
    language, dates as days, geometry as its kind; settlements and districts by name, their id
    beside it (``places``: names by id)."""
    spec = LAYERS[layer]
    if frame is None:
        return pd.DataFrame()
    out = {}
    for f in spec.fields:
        if f.name not in frame.columns or f.name == "source":
            continue
        values = frame[f.name]
        if f.terms:
            values = values.map(lambda v, group=f.terms: t.term(group, v) if isinstance(v, str) else "—")
        elif places and f.name in ("settlement_id", "district_id"):
            values = values.map(lambda v: f"{places[v]} ({v})" if v in places else _value(v, t))
        else:
            values = values.map(lambda v: _value(v, t))
        out[t(f"field.{f.name}")] = values.to_numpy()
    return pd.DataFrame(out)


def _when(stamp, t: Translator) -> str:
    moment = pd.Timestamp(stamp)
    return f"{t.day(moment)} {moment:%H:%M}"


def _changes(changes: pd.DataFrame, version: int, t: Translator) -> str:
    rows = changes[changes["version"] == version]
    return "; ".join(
        t(
            "history.layer_changes",
            layer=t(f"layer.{r.layer}"),
            added=t.number(r.added),
            changed=t.number(r.changed),
            removed=t.number(r.removed),
        )
        for r in rows.itertuples()
    )


def who(usernames: pd.Series, names: Mapping[str, str] | None) -> np.ndarray:
    """Who wrote, as the history shows them: an account's display name with its username
    ("Aysel Məmmədova (aysel)"), or the username alone (an OS login, a removed account)."""
    names = names or {}
    return usernames.map(lambda user: f"{names[user]} ({user})" if names.get(user) else user).to_numpy()


def history_table(
    history: pd.DataFrame, changes: pd.DataFrame, t: Translator, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The data versions, newest first, worded: when, who, what was done, what changed per layer;
    notes only where a person wrote them (the system's own are said by the action)."""
    if history.empty:
        return pd.DataFrame()
    actions = [
        t("history.restored", version=int(r.restored_from))
        if r.action == "restore" and pd.notna(r.restored_from)
        else t(f"history.action.{r.action}")
        for r in history.itertuples()
    ]
    return pd.DataFrame(
        {
            t("history.version"): history["version"].astype(int).to_numpy(),
            t("history.when"): [_when(s, t) for s in history["created_at"]],
            t("history.who"): who(history["created_by"], names),
            t("history.what"): actions,
            t("history.changes"): [_changes(changes, int(v), t) for v in history["version"]],
            t("history.note"): [n if a == "import" else "" for n, a in zip(history["note"], history["action"])],
        }
    )


def audit_table(audit: pd.DataFrame, t: Translator, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every attempted write, newest first, worded: when, who, what, the file and its SHA-256, the
    layers, rows added, changed and removed, and the outcome."""
    if audit.empty:
        return pd.DataFrame()
    audit = audit.iloc[::-1]
    return pd.DataFrame(
        {
            t("history.when"): [_when(s, t) for s in audit["logged_at"]],
            t("history.who"): who(audit["actor"], names),
            t("history.what"): [t(f"history.action.{a}") for a in audit["action"]],
            t("audit.outcome"): [t(f"audit.outcome.{o.split(':')[0].replace(' ', '_')}") for o in audit["outcome"]],
            t("history.version"): audit["version"].astype("Int64").to_numpy(),
            t("audit.file"): audit["source_file"].fillna("").to_numpy(),
            t("audit.sha256"): audit["source_sha256"].fillna("").to_numpy(),
            t("audit.layers"): [
                ", ".join(t(f"layer.{n.strip()}") for n in str(v).split(",") if n.strip()) if isinstance(v, str) else ""
                for v in audit["layers"]
            ],
            t("import.change.added"): audit["rows_added"].astype(int).to_numpy(),
            t("import.change.changed"): audit["rows_changed"].astype(int).to_numpy(),
            t("import.change.removed"): audit["rows_removed"].astype(int).to_numpy(),
        }
    )


def problems_of(previews: list[ImportPreview], t: Translator) -> pd.DataFrame:
    """The problems of every layer of a file as one table (lib.import_checks.problems_table); with
    several layers, the file column names the layer too."""
    from lib.import_checks import problems_table

    tables = []
    for preview in previews:
        name = preview.file.name
        if len(previews) > 1:
            name = f"{name} · {t(f'layer.{preview.layer}')}"
        tables.append(problems_table(preview.problems, name, t))
    return pd.concat(tables, ignore_index=True)


def records_lines(previews: list[ImportPreview], t: Translator) -> list[str]:
    """How many records each further layer of a file held (the first is in :func:`detected_lines`)."""
    return [
        t("import.records_read", count=t.number(len(p.file.table.frame)), name=p.file.table.name)
        for p in previews[1:]
        if p.file.table is not None
    ]

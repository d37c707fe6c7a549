"""Tables for the screen: headings, vocabulary values, names and empty cells in the chosen language.

The store keeps field names and allowed values as the schema declares them (``status`` =
``resettling``), which is what data tools and downloads need. A reader gets words: every heading is
the message ``field.<name>``, every allowed value the message of its field's vocabulary
(``lib.schema.FieldSpec.terms``), place names one column in the chosen language, generated
records' sources the demonstration mark, and no "None": empty cells are left to the table's
placeholder (``EMPTY``).
"""

from __future__ import annotations

from numbers import Number

import pandas as pd

from lib.disclosure import FAMILIES, PERSONS, column_texts, shown_column
from lib.exports import tabular
from lib.i18n import Translator, place_names
from lib.schema import LAYERS, is_demonstration

EMPTY = "–"  # what an empty cell shows (st.dataframe's placeholder; record values)
NAME_COLUMNS = ("name_az", "name_en", "name_ru")
# Columns a reader does not need: the names in the other languages are folded into one, the
# district as the sources spelt it is a curation detail, and WKT is for machines.
HIDDEN_COLUMNS = ("reported_district", "wkt", "geometry")
# Columns added to the stored fields by the figures (lib.metrics.settlement_summary) and by the
# tabular export (lib.exports): they have headings too.
DERIVED_FIELDS = ("name", "families_returned", "persons_returned", "units_completed", "lon", "lat")


# Field name → message group of its allowed values, for every categorical field of every layer.
# A field name means the same thing in every layer except ``status`` and ``kind``, whose values
# differ by layer; :func:`term_group` resolves those per layer.
TERMS_BY_FIELD = {f.name: f.terms for spec in LAYERS.values() for f in spec.fields if f.terms}


def term_group(layer: str | None, field: str) -> str | None:
    """The message group that words the values of ``field`` in ``layer`` (None: not categorical)."""
    spec = LAYERS.get(layer) if layer else None
    if spec is not None and field in spec.field_names:
        return spec.field(field).terms
    return TERMS_BY_FIELD.get(field)


def heading(field: str, t: Translator) -> str:
    return t(f"field.{field}")


def _is_empty(value) -> bool:
    return value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value))


def readable_value(layer: str | None, field: str, value, t: Translator) -> str:
    """One value as a reader sees it: a vocabulary word, a day, a number, the demonstration mark."""
    if _is_empty(value):
        return EMPTY
    group = term_group(layer, field)
    if group is not None:
        return t.term(group, value)
    if field == "source" and is_demonstration(value):
        return t("basis.demonstration")
    if isinstance(value, pd.Timestamp):
        return t.day(value)
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, Number):  # numpy's too
        return t.number(value, 0 if float(value).is_integer() else 2)
    return str(value)


def _with_one_name_column(frame: pd.DataFrame, t: Translator) -> pd.DataFrame:
    if not any(column in frame.columns for column in NAME_COLUMNS):
        return frame
    names = place_names(frame, t)
    first = next(i for i, column in enumerate(frame.columns) if column in NAME_COLUMNS)
    out = frame.drop(columns=[c for c in NAME_COLUMNS if c in frame.columns])
    out.insert(first, "name", names.to_numpy())
    return out


def readable_table(frame: pd.DataFrame, layer: str, t: Translator) -> pd.DataFrame:
    """A layer's rows for ``st.dataframe``: translated headings and vocabulary values, one name
    column, the demonstration mark for generated sources. Numbers keep their type and days are ISO
    dates, so that the table still sorts; empty cells stay empty (shown as the placeholder ``EMPTY``).
    """
    # as exported (points as lon/lat, days as ISO dates, which sort), less what a reader does not need
    table = _with_one_name_column(tabular(frame).drop(columns=list(HIDDEN_COLUMNS), errors="ignore"), t)
    for column in table.columns:
        group = term_group(layer, column)
        if group is not None:
            words = {value: t.term(group, value) for value in table[column].dropna().unique()}
            table[column] = table[column].map(words)
        elif column == "source":
            table[column] = table[column].map(
                lambda s: t("basis.demonstration") if is_demonstration(s) else s, na_action="ignore"
            )
    return table.rename(columns={column: heading(column, t) for column in table.columns})


def record_table(record: pd.Series, t: Translator) -> pd.DataFrame:
    """A clicked record (lib.selection.record_of: named after its layer) as two columns (field,
    value), every value worded for the reader."""
    layer = record.name
    shown = _with_one_name_column(record.drop(labels=list(HIDDEN_COLUMNS), errors="ignore").to_frame().T, t).iloc[0]
    return pd.DataFrame(
        {
            t("record.field"): [heading(field, t) for field in shown.index],
            t("record.value"): [readable_value(layer, field, value, t) for field, value in shown.items()],
        }
    )


def settlement_rows(summary: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The settlements of a profile: name, status and progress, with translated headings. In the
    public view (lib.disclosure) the counts are words, "<5" in place of a small one."""
    public = shown_column(FAMILIES) in summary.columns
    summary = summary.sort_values(FAMILIES, ascending=False, na_position="last") if public else summary
    rows = pd.DataFrame(
        {
            t("col.name"): place_names(summary, t).to_numpy(),
            t("col.status"): [t.term("settlement_status", s) for s in summary["status"]],
            t("col.families_returned"): column_texts(summary, FAMILIES, t)
            if public
            else summary["families_returned"].to_numpy(),
            t("col.persons_returned"): column_texts(summary, PERSONS, t)
            if public
            else summary["persons_returned"].to_numpy(),
            t("col.units_completed"): summary["units_completed"].to_numpy(),
            t("col.planned_households"): summary["planned_households"].to_numpy(),
            t("col.progress"): (100 * summary["units_completed"] / summary["planned_households"].clip(lower=1))
            .round(0)
            .to_numpy(),
        }
    )
    return rows if public else rows.sort_values(t("col.families_returned"), ascending=False)


def sources_table(metadata: dict, t: Translator) -> pd.DataFrame:
    """The data sources recorded in the store's metadata, worded in the chosen language.

    Each source names its ``layers`` and a ``key`` whose description and licence are messages
    (``source.<key>``, ``licence.<key>``); a citation (``source``) is kept as written. Stores built
    before sources had keys show their recorded English text.
    """
    rows = []
    for source in metadata.get("sources", []):
        key = source.get("key")
        layers = source.get("layers") or []
        rows.append(
            {
                "layer": ", ".join(t(f"layer.{layer}") for layer in layers) if layers else source.get("layer", ""),
                "source": t(f"source.{key}", citation=source.get("source", "")) if key else source.get("source"),
                "licence": t(f"licence.{key}") if key else source.get("licence"),
            }
        )
    table = pd.DataFrame(rows, columns=["layer", "source", "licence"])
    return table.rename(columns={c: t(f"sources.{c}") for c in table.columns})

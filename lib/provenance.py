"""Where the records behind the figures come from: published sources, the committee's own
imported files, or demonstration data — so every figure on screen can be traced."""

from __future__ import annotations

import pandas as pd

from lib.as_of import records_as_of
from lib.i18n import Translator
from lib.schema import is_demonstration

SOURCE_KINDS = ("committee", "published", "demonstration")
# The layers whose records the overview's figures count.
COUNTED_LAYERS = ("returns", "housing", "hazard_areas", "employment_projects", "infrastructure")


def source_kind(source) -> str:
    """``demonstration`` (generated), ``published`` (a URL of a public source) or ``committee``
    (anything else: the file a coordinator imported, as the import credits it)."""
    if is_demonstration(source):
        return "demonstration"
    if isinstance(source, str) and source.strip().lower().startswith(("http://", "https://")):
        return "published"
    return "committee"


def sources_of(layers: dict[str, pd.DataFrame], day=None) -> pd.DataFrame:
    """Records per layer and source: layer, kind, source, records (demonstration records of a
    layer counted together), committee files first; only those known on ``day`` when given."""
    parts = []
    for name in COUNTED_LAYERS:
        if name not in layers:
            continue
        frame = layers[name] if day is None else records_as_of(name, layers[name], day)
        if frame.empty:
            continue
        sources = frame["source"].fillna("")
        kinds = sources.map(source_kind)
        shown = sources.where(kinds != "demonstration", "")
        counted = pd.DataFrame({"kind": kinds, "source": shown}).value_counts().rename("records").reset_index()
        parts.append(counted.assign(layer=name))
    if not parts:
        return pd.DataFrame(columns=["layer", "kind", "source", "records"])
    table = pd.concat(parts, ignore_index=True)
    order = {kind: i for i, kind in enumerate(SOURCE_KINDS)}
    table = table.assign(_order=table["kind"].map(order)).sort_values(
        ["_order", "layer", "records"], ascending=[True, True, False]
    )
    return table[["layer", "kind", "source", "records"]].reset_index(drop=True)


def sources_table(sources: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """:func:`sources_of` worded for the screen."""
    return pd.DataFrame(
        {
            t("sources.layer"): [t(f"layer.{n}") for n in sources["layer"]],
            t("sources.kind"): [t(f"sources.kind.{k}") for k in sources["kind"]],
            t("sources.source"): [s or t("basis.demonstration") for s in sources["source"]],
            t("sources.records"): [t.number(v) for v in sources["records"]],
        }
    )

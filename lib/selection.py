"""What the explorer and profile show: layers as of a day, status filters, one record, tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

import pandas as pd

from lib import metrics
from lib.as_of import records_as_of
from lib.schema import LAYERS

STATUS_LAYERS = ("housing", "infrastructure", "hazard_areas", "employment_projects")
TABLE_LAYER = {"returnees": "settlements", "settlement_boundaries": "settlements"}


class LazyLayers(Mapping):
    """Layers by name, each worked out when first read (and kept): a page reads only the layers it
    shows, and at 100x the data working out the others on every change of day cost more than the map."""

    def __init__(self, builders: dict[str, Callable[[], pd.DataFrame]]):
        self._builders = builders
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def layers_as_of(
    layers: dict[str, pd.DataFrame], day, settlement_totals=None, summary: pd.DataFrame | None = None
) -> LazyLayers:
    """Each layer as it stood on ``day`` (records not yet known dropped, statuses recomputed), plus
    ``settlement_summary`` (status and figures per settlement on that day; ``summary`` when given,
    e.g. as the public sees it, else looked up in ``settlement_totals``, lib.daily_totals per
    settlement_id, when given). Each is worked out when first read."""
    builders: dict[str, Callable[[], pd.DataFrame]] = {name: partial(_same, frame) for name, frame in layers.items()}
    for name in STATUS_LAYERS + ("returns",):
        if name in layers:
            builders[name] = partial(records_as_of, name, layers[name], day)
    out = LazyLayers(builders)
    if summary is not None:
        builders["settlement_summary"] = partial(_same, summary)
    elif {"settlements", "returns", "housing"} <= set(layers):
        builders["settlement_summary"] = lambda: metrics.settlement_summary(
            layers["settlements"], out["returns"], layers["housing"], day, totals=settlement_totals
        )
    return out


def _same(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def in_districts(layers: dict[str, pd.DataFrame], district_ids, keep_whole=()) -> dict[str, pd.DataFrame]:
    """The records of some districts, in memory (as the store's district filter: records kept per
    settlement go through their settlement's district); layers in ``keep_whole`` stay whole."""
    district_ids = list(district_ids)
    settlement_ids = layers["settlements"].loc[layers["settlements"]["district_id"].isin(district_ids), "settlement_id"]
    out = {}
    for name, frame in layers.items():
        if name in keep_whole:
            out[name] = frame
        elif "district_id" in frame.columns:
            out[name] = frame[frame["district_id"].isin(district_ids)]
        elif "settlement_id" in frame.columns:
            out[name] = frame[frame["settlement_id"].isin(settlement_ids)]
        else:
            out[name] = frame
    return out


def keep_statuses(data: Mapping[str, pd.DataFrame], statuses: dict[str, list[str]]) -> LazyLayers:
    """The layers with only the records whose status is among ``statuses[layer]`` (layers not
    named there are kept whole), each worked out when first read."""
    return LazyLayers(
        {
            name: partial(_with_statuses, data, name, statuses[name])
            if name in statuses
            else partial(data.__getitem__, name)
            for name in data
        }
    )


def _with_statuses(data: Mapping[str, pd.DataFrame], name: str, statuses: list[str]) -> pd.DataFrame:
    frame = data[name]
    kept = frame["status"].isin(statuses)
    return frame if kept.all() else frame[kept]  # every status shown (the default): nothing to copy


def record_of(data: dict[str, pd.DataFrame], clicked: dict | None) -> pd.Series | None:
    """The full record of the feature a map click returned (its GeoJSON properties name layer and
    id), named after its layer of the schema (``record.name``), which says how to word its values."""
    properties = (clicked or {}).get("properties") or {}
    layer, record_id = properties.get("layer"), properties.get("id")
    schema_layer = layer
    if layer in ("settlements", "settlement_boundaries"):
        layer, schema_layer = "settlement_summary", "settlements"
    if layer not in data or record_id is None:
        return None
    id_field = "settlement_id" if layer == "settlement_summary" else LAYERS[layer].id_field
    found = data[layer][data[layer][id_field] == record_id]
    if found.empty:
        return None
    record = found.iloc[0].drop(labels=["geometry"], errors="ignore")
    return record.rename(index=str).rename(schema_layer)


def schema_layer(layer: str) -> str:
    """The layer of the schema whose fields a map layer's table holds."""
    return TABLE_LAYER.get(layer, layer)


def table_of(data: dict[str, pd.DataFrame], layer: str) -> pd.DataFrame:
    """The filtered features of a layer as they would be exported (the settlements' summary for
    settlement layers)."""
    name = "settlement_summary" if TABLE_LAYER.get(layer) == "settlements" else layer
    return data[name]


def profile_scope(layers: dict[str, pd.DataFrame], settlement_id: str | None) -> dict[str, pd.DataFrame]:
    """A district's layers, narrowed to one settlement when one is chosen (hazard areas stay
    district-wide: they are recorded per district)."""
    if settlement_id is None:
        return layers
    scoped = dict(layers)
    for name, frame in layers.items():
        if name != "hazard_areas" and "settlement_id" in frame.columns:
            scoped[name] = frame[frame["settlement_id"] == settlement_id]
    return scoped


def settlement_housing(data: dict[str, pd.DataFrame], record: pd.Series | None) -> pd.DataFrame | None:
    """The housing of the settlement a record belongs to, when the record is a settlement."""
    if record is None or "settlement_id" not in record.index or "planned_households" not in record.index:
        return None
    housing = data["housing"]
    return housing[housing["settlement_id"] == record["settlement_id"]]


DEFAULT_EXPLORER_LAYERS = ("settlement_boundaries", "returnees", "hazard_areas")


def names_by_id(frame: pd.DataFrame, id_field: str, t, ids=None) -> dict[str, str]:
    """Id → place name in the chosen language, for choosers (only ``ids`` when given)."""
    from lib.i18n import place_names

    chosen = frame if ids is None else frame[frame[id_field].isin(list(ids))]
    return dict(zip(chosen[id_field], place_names(chosen, t)))


def map_focus(districts: pd.DataFrame, district_ids, settlement_boundaries: pd.DataFrame | None = None):
    """What a map is zoomed to: a settlement's outline when one is chosen, else the districts."""
    if settlement_boundaries is not None and len(settlement_boundaries):
        return settlement_boundaries
    return districts[districts["district_id"].isin(list(district_ids))]

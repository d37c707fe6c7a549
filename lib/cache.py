"""The one module of lib/ that knows Streamlit: cached loaders keyed on the data version.

Cached functions take only hashable arguments (paths, ids, the data version, filter values),
never a GeoDataFrame, and return copies (``st.cache_data``), so a page can change what it gets.
When the data version changes, the keys change and old entries age out (bounded by max_entries).
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib.build import build_store
from lib.config import PROJECT_ROOT, Settings, get_settings
from lib.filters import Filters
from lib.i18n import Translator
from lib.schema import ECONOMIC_REGIONS
from lib.store import GeoPackageStore, open_store


def ensure_store() -> GeoPackageStore:
    """The store, built on first start (with a progress bar) when it does not exist yet."""
    settings = get_settings()
    store = open_store(settings)
    if not store.exists():
        bar = st.progress(0.0, text="Building the embedded data (first start, a few seconds)…")
        build_store(settings, progress=lambda message, share: bar.progress(min(share, 1.0), text=message))
        bar.empty()
    return store


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def load_layer(
    store_path: str, layer: str, data_version: str, district_ids: tuple[str, ...] | None = None, geometry: bool = True
):
    """One layer of the store, optionally for some districts only (cached per data version)."""
    return GeoPackageStore(store_path).read_layer(layer, district_ids=district_ids, geometry=geometry)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def load_metadata(store_path: str, data_version: str) -> dict:
    """The store's metadata: sources, data date, generator settings."""
    return GeoPackageStore(store_path).metadata()


# Programme-wide reference tables: a district filter would drop their whole-programme rows.
UNFILTERED_LAYERS = ("targets", "reported_figures")


def load_layers(
    store: GeoPackageStore, names: list[str], district_ids=None, without_geometry: tuple[str, ...] = ()
) -> dict[str, pd.DataFrame]:
    """Several layers at once, all at the store's current data version; layers named in
    ``without_geometry`` are read without it (figures need none, and it is most of their weight)."""
    version = store.data_version()
    ids = tuple(sorted(district_ids)) if district_ids is not None else None
    return {
        name: load_layer(
            str(store.path), name, version, None if name in UNFILTERED_LAYERS else ids, name not in without_geometry
        )
        for name in names
    }


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def district_choices(store_path: str, data_version: str) -> pd.DataFrame:
    """The return-area districts for the sidebar: ids, names and region, Karabakh first."""
    districts = GeoPackageStore(store_path).read_layer("districts")
    return_areas = pd.DataFrame(districts[districts["economic_region"].notna()].drop(columns="geometry"))
    order = {region: i for i, region in enumerate(ECONOMIC_REGIONS)}
    return return_areas.sort_values(
        ["economic_region", "name_az"], key=lambda c: c.map(order) if c.name == "economic_region" else c
    )


def shared_filters():
    """The filters the router (app.py) put in the session.

    On a freshly started server, Streamlit runs a deep link (e.g. /explorer) as an old-style
    `pages/` app, without the router, until some session has called ``st.navigation``. Then the
    router is run here instead; it renders the sidebar and runs this page, and the outer run stops.
    """
    if "filters" not in st.session_state:
        runpy.run_path(str(PROJECT_ROOT / "app.py"), run_name="__main__")
        st.stop()
    return st.session_state["filters"]


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the shared filters, their language, the store and its metadata."""

    filters: Filters
    t: Translator
    store: GeoPackageStore
    metadata: dict
    settings: Settings

    @property
    def basemap(self) -> dict:
        """Keyword arguments of the map builders for the configured (optional) basemap."""
        return {"tiles_url": self.settings.tiles_url, "tiles_attribution": self.settings.tiles_attribution}


def page_context() -> PageContext:
    filters = shared_filters()
    store = ensure_store()
    return PageContext(
        filters,
        Translator(filters.language),
        store,
        load_metadata(str(store.path), store.data_version()),
        get_settings(),
    )


@st.cache_resource(max_entries=24, show_spinner=False)
def shared_layer(
    store_path: str, layer: str, data_version: str, district_ids: tuple[str, ...] | None, geometry: bool = True
) -> pd.DataFrame:
    """One layer read once and shared by the cached computations below (never mutated: every
    lib function copies before changing a frame)."""
    return GeoPackageStore(store_path).read_layer(layer, district_ids=district_ids, geometry=geometry)


# The overview needs no house geometry: dates and units make every housing figure.
OVERVIEW_GEOMETRY = {"housing": False, "employment_projects": False, "returns": False}


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def overview_figures(
    store_path: str, data_version: str, district_ids: tuple[str, ...], as_of, since, data_date: str, all_districts: bool
) -> dict:
    """Everything the overview shows for one set of filters, computed once per data version."""
    from lib import diagnosis, metrics, progress, spatial

    layers = {
        name: shared_layer(
            store_path,
            name,
            data_version,
            None if name in UNFILTERED_LAYERS else district_ids,
            OVERVIEW_GEOMETRY.get(name, True),
        )
        for name in progress.LAYERS_NEEDED
    }
    table = progress.district_progress(layers, as_of, data_date)
    near = spatial.unreleased_hazards_near_settlements(layers["hazard_areas"], layers["settlement_boundaries"], as_of)
    return {
        "kpis": progress.key_figures(layers, as_of, since, data_date, all_districts=all_districts),
        "table": table,
        "summary": metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], as_of),
        "findings": diagnosis.what_holds_back(table, near, layers["settlements"]),
        "series": progress.returns_over_time(layers["returns"], as_of),
        "trajectory": progress.target_trajectory(layers["targets"]),
        "reported": progress.reported_totals(layers["reported_figures"], as_of),
    }

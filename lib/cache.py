"""Streamlit's caches over lib/: layers and computations keyed on the data version.

Cached functions take only hashable arguments (the store's key, the data version, ids, filter
values), never a GeoDataFrame or a file path: they find the store the router opened with
:func:`lib.store.store_for_key` and read it at the version the page started from, so an entry
holds what its key says even when a write lands during the run. Layers and what is built from them whole (daily totals, spatial joins) are
shared between sessions without a copy (``st.cache_resource``; nothing changes them in place);
small per-filter results are copied (``st.cache_data``). Every cache is bounded, and all of them
are emptied together when the data version changes (:func:`forget_other_versions`).
(``lib/map_view.py``, ``lib/widgets.py`` and ``lib/search_box.py`` are the only other modules of lib/ that
know Streamlit.)
"""

from __future__ import annotations

import gc
import inspect
import runpy
from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from lib import (
    access,
    daily_totals,
    diagnosis,
    disclosure,
    employment,
    export_figures,
    maps,
    metrics,
    mine_action,
    mine_action_tables,
    place_search,
    progress,
    proximity,
    readiness,
    return_index,
    selection,
    slides,
    spatial,
    static_maps,
    timelapse,
)
from lib.briefing import GEOBOUNDARIES_URL, briefing_pdf
from lib.build import build_store
from lib.config import PROJECT_ROOT, Settings, get_settings
from lib.filters import EARLIEST_DAY, Filters
from lib.i18n import Translator
from lib.provenance import source_kind
from lib.schema import ECONOMIC_REGIONS
from lib.store import StoreNotReady, VersionedStore, open_store, remember, store_for_key

# Before the first page the language is not known yet: the first start says it in all three.
BUILDING = "Daxili məlumatlar qurulur · Building the embedded data · Сборка встроенных данных…"
MIGRATING = "Məlumatlar yeni quruluşa köçürülür · Moving the data to the new layout · Перенос данных в новую структуру…"


@dataclass(frozen=True)
class Snapshot:
    """The configured store at one data version, as one actor's scope sees it: what a page run
    reads, and every cache's key. (Two snapshots of one version are equal whoever reads them:
    the scope keys the entries, not the version's bookkeeping.)"""

    key: str
    version: int
    scope: access.Scope = field(default=access.SYSTEM.scope, compare=False)

    def seen_by(self, actor: access.Actor) -> Snapshot:
        """This snapshot as ``actor`` may read it (:func:`load_layers` asks the policy with it)."""
        return replace(self, scope=actor.scope)

    @classmethod
    def of(cls, store: VersionedStore) -> Snapshot:
        """``store`` at its current version (kept for the caches to find by key)."""
        store = remember(store)
        state = store.state()  # once: on PostGIS every call is a round trip
        return cls(f"{store.key}#{state.instance}", state.version)


def ensure_store() -> Snapshot:
    """The configured store at its current version; the embedded GeoPackage is built on first start
    (with a progress bar) or brought into the current layout when an older version wrote it.

    Raises
    ------
    StoreNotReady
        When a database has no data yet or a layout this version cannot read (says what to run).
    """
    settings = get_settings()
    store = open_store(settings)
    if getattr(store, "needs_migration", lambda: False)():
        with st.spinner(MIGRATING):
            store.migrate()
    snapshot = Snapshot.of(store)
    if snapshot.version is None:
        if settings.database_url:
            raise StoreNotReady(f"{store.key} holds no data yet: load some with `python -m lib.cli db-load`")
        bar = st.progress(0.0, text=BUILDING)
        build_store(
            settings, progress=lambda message, share: bar.progress(min(share, 1.0), text=f"{BUILDING} {share:.0%}")
        )
        bar.empty()
        snapshot = Snapshot.of(store)
    forget_other_versions(snapshot)
    return snapshot


_seen_versions: dict[str, Snapshot | None] = {"current": None}


def forget_other_versions(data_version: Snapshot | None) -> bool:
    """Clear every cache of this module when the data version differs from the last one seen.

    Entries are keyed on the version, so stale ones are never served; at 100x the data they
    hold hundreds of MB, though, so they go at once rather than when they age out.
    Returns whether anything was cleared.
    """
    previous, _seen_versions["current"] = _seen_versions["current"], data_version
    if previous is None or previous == data_version:
        return False
    for cached in CACHED_BY_VERSION:
        cached.clear()
    gc.collect()
    return True


# Shown by a cache only when filling it takes over half a second (first read of a large layer,
# the daily totals at 100x): in every language at once, like the language chooser, since caches
# are shared by sessions in different languages.
PREPARING = "Məlumatlar hazırlanır · Preparing the data · Подготовка данных…"


@st.cache_resource(ttl=3600, max_entries=48, show_spinner=PREPARING)
def load_layer(
    store_key: str,
    layer: str,
    data_version: int,
    district_ids: tuple[str, ...] | None = None,
    geometry: bool = True,
    scope: access.Scope = access.SYSTEM.scope,
) -> pd.DataFrame:
    """One layer of the store, optionally for some districts only, read once per data version and
    shared by every session without a copy: copying 100x the houses on every run cost more than
    the page. Nothing may change a frame in place (lib/ builds new frames; pandas' copy-on-write
    keeps derived frames apart from it).

    ``scope`` is who the rows are for: the store asks the policy (:mod:`lib.access`) with it and it
    is part of the key, so one scope's rows never serve another. Callers pass
    :func:`lib.access.record_scope` of it, so that the roles reading the same rows share an entry.
    The default, the server's own scope, is for figures summed up before anyone sees them.

    Raises
    ------
    lib.access.AccessDenied
        When the scope may not read these records (nothing is cached).
    """
    frame = store_for_key(store_key).read_layer(
        layer, version=data_version, district_ids=district_ids, geometry=geometry, actor=scope
    )
    _out_of_garbage_collection()
    return frame


def _out_of_garbage_collection() -> None:
    """Move what is alive now (the cached layers above all) out of Python's cyclic garbage
    collector: every shapely geometry is an object it tracks, and at 100x the data each full
    collection walked hundreds of thousands of them, pausing a page run by 0.1 s or more.
    Refcounting still frees a layer once the cache lets go of it."""
    gc.collect()
    gc.freeze()


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def load_metadata(store_key: str, data_version: int) -> dict:
    """The store's metadata: sources, data date, generator settings."""
    return store_for_key(store_key).metadata(data_version)


# Programme-wide reference tables: a district filter would drop their whole-programme rows.
UNFILTERED_LAYERS = ("targets", "reported_figures")


def load_layers(
    store: Snapshot, names: list[str], district_ids=None, without_geometry: tuple[str, ...] = ()
) -> dict[str, pd.DataFrame]:
    """Several layers at once, all at the snapshot's data version, as its scope may read them
    (:meth:`lib.store.VersionedStore.read_layer`; a coordinator asking for every district gets
    theirs); layers named in ``without_geometry`` are read without it (figures need none, and it
    is most of their weight).

    Raises
    ------
    lib.access.AccessDenied
        When the snapshot's scope may not read one of the layers' records.
    """
    ids = tuple(sorted(district_ids)) if district_ids is not None else None
    return {
        name: load_layer(
            store.key,
            name,
            store.version,
            None if name in UNFILTERED_LAYERS else ids,
            name not in without_geometry,
            access.record_scope(store.scope, name),
        )
        for name in names
    }


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def district_choices(store_key: str, data_version: int) -> pd.DataFrame:
    """The return-area districts for the sidebar: ids, names and region, Karabakh first."""
    districts = store_for_key(store_key).read_layer("districts", version=data_version, geometry=False)
    return_areas = pd.DataFrame(districts[districts["economic_region"].notna()])
    order = {region: i for i, region in enumerate(ECONOMIC_REGIONS)}
    return return_areas.sort_values(
        ["economic_region", "name_az"], key=lambda c: c.map(order) if c.name == "economic_region" else c
    )


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=False)
def place_index(store_key: str, data_version: int) -> place_search.PlaceIndex:
    """The place search's index of the return-area settlements and districts (those the sidebar
    offers), built once per data version so that a keystroke costs a lookup."""
    settlements = load_layer(store_key, "settlements", data_version, None, False)
    return place_search.build_index(settlements, district_choices(store_key, data_version))


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
    store: Snapshot
    metadata: dict
    settings: Settings
    actor: access.Actor = access.PUBLIC_ACTOR

    @property
    def scope(self) -> access.Scope:
        return self.actor.scope

    def may(self, action: str, districts=None) -> bool:
        """Whether the signed-in actor may do ``action`` (:func:`lib.access.may`): for what a page offers."""
        return access.may(self.actor, action, districts)

    def heading(self, section: str, *, dated: bool = True, needs_districts: bool = True) -> None:
        """The page's title (``<section>.title``), the days its figures are for (``<section>.subtitle``)
        and, when no district is chosen, a sentence in place of the rest of the page."""
        t, filters = self.t, self.filters
        st.title(t(f"{section}.title"))
        if dated:
            st.caption(t(f"{section}.subtitle", date=t.day(filters.as_of), since=t.day(filters.since)))
        if needs_districts:
            self.stop_without_districts()

    def stop_unless(self, allowed: bool) -> None:
        """When the signed-in actor may not use this page (a link opened by someone without the
        role), say so in place of the page and end the run: the store would refuse it anyway."""
        if not allowed:
            st.info(
                self.t("access.page_needs_sign_in" if self.actor.role == access.PUBLIC else "access.page_not_for_role")
            )
            st.stop()

    def district_names(self, district_ids) -> list[str]:
        """The names of districts in the page's language (for sentences)."""
        choices = district_choices(self.store.key, self.store.version).set_index("district_id")
        return [str(choices[self.t.name_column].get(d, d)) for d in district_ids]

    def stop_without_districts(self) -> None:
        """Every page needs at least one district: otherwise say so and end the run here."""
        if not self.filters.districts:
            st.info(self.t("empty.no_districts"))
            st.stop()

    def totals(self, by: str = "district_id") -> daily_totals.DailyTotals:
        """The daily totals per district or settlement at the store's data version."""
        return daily_totals_of(self.store.key, self.store.version, self.metadata["data_date"], by)

    @property
    def threshold(self) -> int:
        return self.settings.suppression_threshold

    def disclosure_note(self) -> None:
        """In the public view, one sentence on how small counts are shown (lib.disclosure)."""
        if self.scope.suppressed:
            st.caption(self.t("disclosure.note", threshold=self.threshold))

    def overview_figures(self) -> dict:
        """The overview's figures for the shared filters (:func:`overview_figures`)."""
        store, filters = self.store, self.filters
        every_return_area = len(district_choices(store.key, store.version)) == len(filters.districts)
        return overview_figures(
            store.key,
            store.version,
            tuple(filters.districts),
            filters.as_of,
            filters.since,
            self.metadata["data_date"],
            every_return_area,
            self.scope,
            self.threshold,
        )

    def profile_figures(self, district_id: str, settlement_id: str | None) -> dict:
        """A district's or settlement's figures for the shared filters (:func:`profile_figures`)."""
        store, filters = self.store, self.filters
        return profile_figures(
            store.key,
            store.version,
            district_id,
            settlement_id,
            filters.as_of,
            filters.since,
            self.metadata["data_date"],
            self.scope,
            self.threshold,
        )

    def return_areas_figures(self) -> dict:
        """The return areas page's figures for the shared filters (:func:`return_areas_figures`)."""
        store, filters = self.store, self.filters
        return return_areas_figures(
            store.key,
            store.version,
            tuple(filters.districts),
            filters.as_of,
            self.metadata["data_date"],
            self.scope,
            self.threshold,
        )

    def safety_pairs(self) -> dict[str, pd.DataFrame]:
        """What lies within the safety distance of a hazard polygon in the page's districts
        (:func:`safety_pairs_in`): ``settlements``, ``housing`` and ``infrastructure`` pairs; keep
        a day's with :func:`lib.proximity.unreleased_on`."""
        store = self.store
        return safety_pairs_in(
            store.key, store.version, self.settings.safety_distance_m, tuple(sorted(self.filters.districts))
        )

    @property
    def tiles(self) -> dict:
        """The configured (optional) basemap, as keyword arguments of the map builders."""
        return {"tiles_url": self.settings.tiles_url, "tiles_attribution": self.settings.tiles_attribution}

    @property
    def map_options(self) -> dict:
        """Keyword arguments of the map builders: the configured (optional) basemap, and the
        pieces of maps kept for the store's data version (:func:`map_pieces`)."""
        return {
            "tiles_url": self.settings.tiles_url,
            "tiles_attribution": self.settings.tiles_attribution,
            "pieces": map_pieces(self.store.key, self.store.version),
        }

    def readiness_figures(self) -> dict:
        """The readiness checklist, housing pipeline and works for the shared filters (:func:`readiness_figures`)."""
        return self._analysis_figures(readiness_figures)

    def return_conditions_figures(self) -> dict:
        """The return conditions page's figures for the shared filters (:func:`return_conditions_figures`)."""
        return self._analysis_figures(return_conditions_figures)

    def _analysis_figures(self, figures_of) -> dict:
        # the analyses' figures are keyed alike: districts, day, data date, safety distance, scope
        store, filters = self.store, self.filters
        return figures_of(
            store.key,
            store.version,
            tuple(sorted(filters.districts)),
            filters.as_of,
            self.metadata["data_date"],
            self.settings.safety_distance_m,
            self.scope,
        )

    def presentation_figures(self) -> dict:
        """The presentation's figures for all return areas on the shared day (:func:`presentation_figures`)."""
        store, filters = self.store, self.filters
        every_district = tuple(sorted(district_choices(store.key, store.version)["district_id"]))
        return presentation_figures(
            store.key,
            store.version,
            every_district,
            filters.as_of,
            filters.since,
            self.metadata["data_date"],
            self.settings.safety_distance_m,
        )

    def timelapse_figures(self, height: int) -> dict:
        """The return over time on the map up to the shared day, as the public sees it (:func:`timelapse_figures`)."""
        store = self.store
        return timelapse_figures(
            store.key, store.version, self.filters.as_of, self.metadata["data_date"], self.t.language, height
        )

    def return_area_names(self) -> dict[str, str]:
        """Every return-area district's name in the page's language, by id (the sidebar's order)."""
        choices = district_choices(self.store.key, self.store.version)
        return dict(zip(choices["district_id"], choices[self.t.name_column]))

    def spotlight_figures(self, district_id: str) -> list:
        """A district's key figures as the public sees them (:func:`profile_figures`), for a slide."""
        store, filters = self.store, self.filters
        public = access.PUBLIC_ACTOR.scope
        return profile_figures(
            store.key,
            store.version,
            district_id,
            None,
            filters.as_of,
            filters.since,
            self.metadata["data_date"],
            public,
            self.threshold,
        )["kpis"]

    def briefing(self, district_id: str | None) -> bytes:
        """The programme's or a district's briefing as PDF bytes (:func:`briefing`)."""
        store = self.store
        return briefing(
            store.key, store.version, district_id, self.filters.as_of, self.metadata["data_date"], self.t.language
        )

    def map_image(self, district_id: str | None) -> bytes:
        """The programme's or a district's map as a PNG drawn on the server (:func:`map_image`)."""
        store = self.store
        as_of, data_date = self.filters.as_of, self.metadata["data_date"]
        return map_image(store.key, store.version, district_id, as_of, data_date, self.t.language)

    # --- mine action (issue 12) ---
    def mine_action_bases(self) -> dict:
        """What the mine action page shows of the page's districts that does not depend on the day
        (:func:`mine_action_bases`)."""
        return mine_action_bases(self.store.key, self.store.version, tuple(sorted(self.filters.districts)))

    def mine_action_figures(self) -> dict:
        """The mine action page's figures, charts' data and proximity tables for the shared
        filters (:func:`mine_action_figures`)."""
        store, filters = self.store, self.filters
        every_return_area = len(district_choices(store.key, store.version)) == len(filters.districts)
        return mine_action_figures(
            store.key,
            store.version,
            tuple(sorted(filters.districts)),
            filters.as_of,
            filters.since,
            self.settings.safety_distance_m,
            every_return_area,
        )

    def mine_action_map_layers(self):
        """What the mine action map draws of the page's districts whatever the day
        (:func:`mine_action_map_layers`)."""
        store = self.store
        return mine_action_map_layers(
            store.key, store.version, self.settings.safety_distance_m, tuple(sorted(self.filters.districts))
        )


def page_context() -> PageContext:
    actor = signed_in()
    filters = shared_filters()
    # the districts chosen before this actor signed in keep only theirs (the router does so too)
    filters = replace(filters, districts=tuple(access.visible_districts(actor, filters.districts)))
    store = ensure_store().seen_by(actor)
    return PageContext(
        filters,
        Translator(filters.language),
        store,
        load_metadata(store.key, store.version),
        get_settings(),
        actor,
    )


def signed_in() -> access.Actor:
    """Who this session is (the router keeps it once sign-in has said; nobody signed in: the public)."""
    return st.session_state.get("actor", access.PUBLIC_ACTOR)


# Figures need no house, project, asset or convoy geometry: dates and units make every one of them.
FIGURES_WITHOUT_GEOMETRY = ("housing", "employment_projects", "returns", "infrastructure")


def _all_layers(store_key: str, data_version: int, names=tuple(progress.LAYERS_NEEDED)) -> dict[str, pd.DataFrame]:
    return {
        name: load_layer(store_key, name, data_version, None, name not in FIGURES_WITHOUT_GEOMETRY) for name in names
    }


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def daily_totals_of(
    store_key: str, data_version: int, data_date: str, by: str = "district_id"
) -> daily_totals.DailyTotals:
    """Every additive figure per district (or settlement) on every day, built once per data version:
    changing the "as of" day is then a lookup (lib/daily_totals.py)."""
    names = ("districts", "settlements", *daily_totals.LAYERS_BY[by])
    return daily_totals.daily_totals(_all_layers(store_key, data_version, names), data_date, by=by)


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def hazards_near_settlements(store_key: str, data_version: int) -> pd.DataFrame:
    """Hazard polygons near each settlement (the spatial join, which does not depend on the day)."""
    layers = _all_layers(store_key, data_version, ("hazard_areas", "settlement_boundaries"))
    return spatial.hazards_near_settlements(layers["hazard_areas"], layers["settlement_boundaries"])


@st.cache_resource(ttl=3600, max_entries=2, show_spinner=PREPARING)
def safety_pairs(store_key: str, data_version: int, distance_m: float) -> dict[str, pd.DataFrame]:
    """What lies within the safety distance of hazard polygons: the (settlement outline, polygon)
    pairs (lib.proximity.hazard_pairs) and the houses' and assets' periods near unreleased land
    (lib.proximity.near_intervals), each with its settlement and district: the spatial join that
    does not depend on the day, once per data version. The
    houses' geometry is read for it and let go (the pages' figures use houses without it)."""
    layers = _all_layers(store_key, data_version, ("settlements", "settlement_boundaries", "hazard_areas"))
    district_of = layers["settlements"].set_index("settlement_id")["district_id"]
    store = store_for_key(store_key)
    features = {
        "settlements": (layers["settlement_boundaries"], "settlement_id"),
        "housing": (
            store.read_layer("housing", version=data_version, columns=["house_id", "settlement_id"]),
            "house_id",
        ),
        "infrastructure": (
            store.read_layer(
                "infrastructure", version=data_version, columns=["asset_id", "settlement_id", "district_id"]
            ),
            "asset_id",
        ),
    }
    pairs = {}
    for name, (frame, id_field) in features.items():
        if "district_id" not in frame.columns:
            frame = frame.assign(district_id=frame["settlement_id"].map(district_of))
        # outlines as pairs (each polygon near counts); houses and assets as their periods near one
        near = proximity.hazard_pairs if name == "settlements" else proximity.near_intervals
        pairs[name] = near(frame, id_field, layers["hazard_areas"], distance_m)
    _out_of_garbage_collection()
    return pairs


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def safety_pairs_in(
    store_key: str, data_version: int, distance_m: float, district_ids: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    """:func:`safety_pairs` of some districts' settlements, houses and assets (once per selection)."""
    return {
        name: pairs[pairs["district_id"].isin(district_ids)]
        for name, pairs in safety_pairs(store_key, data_version, distance_m).items()
    }


# What the overview's figures draw on besides the daily totals (no houses: the totals hold them).
OVERVIEW_LAYERS = tuple(name for name in progress.LAYERS_NEEDED if name != "housing")


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=PREPARING)
def overview_layers(store_key: str, data_version: int, district_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The overview's layers for some districts, filtered in memory from the shared whole layers
    (once per district selection, not on every change of day)."""
    layers = _all_layers(store_key, data_version, OVERVIEW_LAYERS)
    return selection.in_districts(layers, district_ids, keep_whole=UNFILTERED_LAYERS)


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=PREPARING)
def overview_bases(store_key: str, data_version: int, district_ids: tuple[str, ...]) -> dict:
    """What the overview's figures for some districts measure against, which does not change from
    day to day: per district (lib.progress.district_bases) and in all (lib.progress.kpi_bases), the
    target trajectory, and the hazard polygons near their settlements with each settlement's
    district. Once per district selection: at 100x the data a pass over every hazard polygon
    cost more than the rest of a change of day."""
    layers = overview_layers(store_key, data_version, district_ids)
    pairs = hazards_near_settlements(store_key, data_version)
    return {
        "districts": progress.district_bases(layers),
        "kpis": progress.kpi_bases(layers),
        "trajectory": progress.target_trajectory(layers["targets"]),
        "hazard_pairs": pairs.merge(layers["settlements"][["settlement_id", "district_id"]], on="settlement_id"),
    }


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def public_totals_of(
    store_key: str, data_version: int, data_date: str, by: str, threshold: int
) -> daily_totals.DailyTotals:
    """Families, persons and occupied homes of every settlement (``by="settlement_id"``) as the
    public sees them every day (lib.disclosure.public_counts), or of every district as the sum of
    its settlements' (lib.disclosure.summed): a public total is always the sum of its public parts.
    Once per data version."""
    if by == "settlement_id":
        return disclosure.public_counts(daily_totals_of(store_key, data_version, data_date, by), threshold)
    places = public_totals_of(store_key, data_version, data_date, "settlement_id", threshold)
    settlements = load_layer(store_key, "settlements", data_version, None, False)
    return disclosure.summed(places, settlements.set_index("settlement_id")["district_id"].rename("district_id"))


def _public_places(
    store_key: str, data_version: int, data_date: str, places: pd.DataFrame, day, threshold: int, by="settlement_id"
) -> pd.DataFrame:
    """Settlements' (or districts') figures on ``day`` as the public sees them (lib.disclosure.public_places)."""
    table = disclosure.public_places(
        places,
        by,
        daily_totals_of(store_key, data_version, data_date, by),
        public_totals_of(store_key, data_version, data_date, by, threshold),
        day,
        threshold,
    )
    if "jobs_per_10_families" in table.columns:
        table = disclosure.hide_ratio(table, "jobs_per_10_families", "jobs_created", 10)
    return table


def _public_selection(store_key: str, data_version: int, data_date: str, district_ids, threshold: int):
    """The chosen districts' figures together, exact and as the public sees them (the sum of the
    public districts'), each as one group (lib.disclosure.combined)."""
    exact = disclosure.combined(daily_totals_of(store_key, data_version, data_date), district_ids)
    public = public_totals_of(store_key, data_version, data_date, "district_id", threshold)
    return exact, disclosure.combined(public, district_ids)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=PREPARING)  # the outermost cache shows it
def overview_figures(
    store_key: str,
    data_version: int,
    district_ids: tuple[str, ...],
    as_of,
    since,
    data_date: str,
    all_districts: bool,
    scope: access.Scope,
    threshold: int,
) -> dict:
    """Everything the overview shows for one set of filters: lookups in the daily totals and
    small per-district tables, so that a change of day or districts takes milliseconds. For a
    scope whose figures are suppressed (the public), families and persons are as
    :mod:`lib.disclosure` shows them, here, before anything leaves the cache.

    Raises
    ------
    lib.access.AccessDenied
        When ``scope`` may not read these districts' figures (a coordinator asking for another's).
    """
    access.require(scope, access.READ_AGGREGATES, district_ids)
    layers = overview_layers(store_key, data_version, district_ids)
    bases = overview_bases(store_key, data_version, district_ids)
    totals = daily_totals_of(store_key, data_version, data_date)
    table = progress.district_progress(layers, as_of, data_date, totals, bases["districts"])
    near = spatial.unreleased_pairs(bases["hazard_pairs"], as_of)
    by_settlement = daily_totals_of(store_key, data_version, data_date, "settlement_id")
    kpis = progress.key_figures(
        layers, as_of, since, data_date, all_districts=all_districts, totals=totals, bases=bases["kpis"]
    )
    summary = metrics.settlement_summary(layers["settlements"], None, None, as_of, totals=by_settlement)
    series = progress.returns_over_time(layers["returns"], as_of)
    if scope.suppressed:
        summary = _public_places(store_key, data_version, data_date, summary, as_of, threshold)
        table = _public_places(store_key, data_version, data_date, table, as_of, threshold, by="district_id")
        exact, public = _public_selection(store_key, data_version, data_date, district_ids, threshold)
        kpis = disclosure.public_key_figures(kpis, exact, as_of, since, threshold, public=public)
        series = disclosure.public_returns(series, exact, threshold, public=public)
    return {
        "kpis": kpis,
        "table": table,
        "summary": summary,
        "findings": diagnosis.what_holds_back(table, near, layers["settlements"]),
        "series": series,
        "trajectory": bases["trajectory"],
        "reported": progress.reported_totals(layers["reported_figures"], as_of),
    }


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def return_areas_figures(
    store_key: str,
    data_version: int,
    district_ids: tuple[str, ...],
    as_of,
    data_date: str,
    scope: access.Scope,
    threshold: int,
) -> dict:
    """The return areas page's headline figures and settlements for one set of filters; for the
    public, families and persons as :mod:`lib.disclosure` shows them (as on the overview).
    Refused (:class:`lib.access.AccessDenied`) for districts the scope may not read."""
    access.require(scope, access.READ_AGGREGATES, district_ids)
    layers = _all_layers(
        store_key,
        data_version,
        ("settlements", "returns", "housing", "hazard_areas", "employment_projects", "reported_figures"),
    )
    layers = selection.in_districts(layers, district_ids, keep_whole=UNFILTERED_LAYERS)
    totals = daily_totals_of(store_key, data_version, data_date, "settlement_id")
    headlines = metrics.headline_figures(layers, as_of, data_date)
    summary = metrics.settlement_summary(layers["settlements"], None, None, as_of, totals=totals)
    if scope.suppressed:
        summary = _public_places(store_key, data_version, data_date, summary, as_of, threshold)
        exact, public = _public_selection(store_key, data_version, data_date, district_ids, threshold)
        headlines = disclosure.public_key_figures(headlines, exact, as_of, as_of, threshold, public=public)
        # a headline has no change: its comparison day is its own
        headlines = [replace(kpi, previous=None, change_shown=None) for kpi in headlines]
    return {"headlines": headlines, "summary": summary}


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def profile_figures(
    store_key: str,
    data_version: int,
    district_id: str,
    settlement_id: str | None,
    as_of,
    since,
    data_date: str,
    scope: access.Scope,
    threshold: int,
) -> dict:
    """The profile's key figures, its settlements on the day (lib.metrics.settlement_summary, the
    chosen one only when one is) and returns over time (None: the message id of the sentence in its
    place), for a district or one of its settlements;
    for the public as :mod:`lib.disclosure` shows them, the settlements' figures protected within
    the whole district as on every page. Refused (:class:`lib.access.AccessDenied`) for a
    district the scope may not read."""
    access.require(scope, access.READ_AGGREGATES, (district_id,))
    layers = {
        name: load_layer(store_key, name, data_version, None if name in UNFILTERED_LAYERS else (district_id,), True)
        for name in progress.LAYERS_NEEDED
    }
    chosen = selection.profile_scope(layers, settlement_id)
    series = progress.returns_over_time(chosen["returns"], as_of)
    # a district's bases do not change from day to day; one settlement's are few records
    bases = profile_bases(store_key, data_version, district_id) if settlement_id is None else None
    by_settlement = daily_totals_of(store_key, data_version, data_date, "settlement_id")
    kpis = progress.key_figures(
        chosen,
        as_of,
        since,
        data_date,
        all_districts=False,
        keys=progress.PROFILE_KPIS,
        # a whole district's figures are in the shared daily totals; one settlement's are worked out
        totals=None if settlement_id else daily_totals_of(store_key, data_version, data_date),
        settlement_id=settlement_id,
        bases=bases,
    )
    summary = metrics.settlement_summary(layers["settlements"], None, None, as_of, totals=by_settlement)
    if scope.suppressed:
        summary = _public_places(store_key, data_version, data_date, summary, as_of, threshold)
        if settlement_id is None:
            exact, public = _public_selection(store_key, data_version, data_date, [district_id], threshold)
        else:
            exact = disclosure.combined(by_settlement, [settlement_id])
            places = public_totals_of(store_key, data_version, data_date, "settlement_id", threshold)
            public = disclosure.combined(places, [settlement_id])
        kpis = disclosure.public_key_figures(kpis, exact, as_of, since, threshold, public=public)
        series = disclosure.public_returns(series, exact, threshold, public=public)
    if settlement_id is not None:
        summary = summary[summary["settlement_id"] == settlement_id]
    shown = series["families"].fillna(0).any()  # a public series of suppressed points alone says nothing
    suppressed = disclosure.shown_column("families") in series.columns and series["families"].isna().any()
    return {
        "kpis": kpis,
        "summary": summary,
        "returns": series if shown else None,
        "no_returns": "profile.returns_suppressed" if suppressed and not shown else "profile.no_returns",
    }


@st.cache_resource(ttl=3600, max_entries=16, show_spinner=False)
def profile_bases(store_key: str, data_version: int, district_id: str) -> progress.KpiBases:
    """What a district's key figures measure against (lib.progress.kpi_bases), once per district."""
    layers = {
        name: load_layer(store_key, name, data_version, None if name in UNFILTERED_LAYERS else (district_id,), True)
        for name in progress.LAYERS_NEEDED
    }
    return progress.kpi_bases(layers)


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=False)
def map_pieces(store_key: str, data_version: int) -> maps.MapPieces:
    """Parts of the maps that do not depend on the day (lib.maps.MapPieces), kept per data
    version and shared by every session: a change of day then writes only what changed."""
    return maps.MapPieces()


# Every cache keyed on the data version (forget_other_versions clears them together).


# a write that changes nothing, or one refused, is logged without a new version: kept a minute only
@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def version_history(
    store_key: str, data_version: int, language: str, actor: access.Actor | access.Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The data versions and the audit log, worded in ``language`` (lib.import_report), as
    ``actor`` may read them (a coordinator: their own writes; the key holds who).

    Raises
    ------
    lib.access.AccessDenied
        When ``actor`` may not read the history (nothing is cached).
    """
    from lib.import_report import audit_table, history_table

    store = store_for_key(store_key)
    t = Translator(language)
    names = account_names()
    history = history_table(store.history(actor), store.changes(actor), t, names)
    return history, audit_table(store.audit_log(actor), t, names)


def account_names() -> dict[str, str]:
    """The display name of every account by username (none when the accounts file cannot be read:
    the history then names usernames alone)."""
    from lib import accounts

    try:
        return {username: account.display_name for username, account in accounts.load().items()}
    except accounts.AccountError:
        return {}


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def figure_sources(store_key: str, data_version: int, district_ids: tuple[str, ...]) -> pd.DataFrame:
    """Records behind the overview's figures per layer and source (lib.provenance.sources_of):
    every record of the districts, so that a change of day costs nothing (at 100x the data a count
    per day took a fifth of a second)."""
    from lib.provenance import sources_of

    return sources_of(overview_layers(store_key, data_version, district_ids))


# --- readiness (issue 12) ---

READINESS_LAYERS = ("settlements", "infrastructure", "employment_projects")  # houses: in the daily totals


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=PREPARING)
def readiness_layers(store_key: str, data_version: int, district_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The records the readiness checklist reads, for some districts (filtered in memory from the
    shared whole layers once per selection, not on every change of day)."""
    return selection.in_districts(_all_layers(store_key, data_version, READINESS_LAYERS), district_ids)


def _outline_hazards_near(store_key: str, data_version: int, distance_m: float, district_ids, day) -> pd.DataFrame:
    """Per settlement of some districts (or all): the unreleased hazard polygons near its outline on
    ``day`` (lib.proximity.near_per_settlement without houses or assets). From the safety pairs,
    whose house periods the return conditions need anyway: no second join."""
    pairs = safety_pairs(store_key, data_version, distance_m)["settlements"]
    if district_ids is not None:
        pairs = pairs[pairs["district_id"].isin(district_ids)]
    return proximity.near_per_settlement(pairs, None, None, day)


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def readiness_bases(store_key: str, data_version: int, data_date: str, distance_m: float) -> dict:
    """When each asset, house and hazard polygon near a settlement is expected to be done
    (lib.readiness.expected_bases) and the planned homes of each settlement
    (lib.readiness.planned_units): they do not depend on the day, so once per data version."""
    layers = _all_layers(store_key, data_version, ("housing", "infrastructure", "hazard_areas", "employment_projects"))
    # the houses near need the safety pairs' house periods anyway (houses_near_of): their outline
    # pairs spare a second join
    pairs = safety_pairs(store_key, data_version, distance_m)["settlements"]
    bases = readiness.expected_bases(
        layers["housing"],
        layers["infrastructure"],
        pairs,
        layers["hazard_areas"],
        data_date,
        layers["employment_projects"],
    )
    return {**bases, "planned_units": readiness.planned_units(layers["housing"])}


@st.cache_data(ttl=3600, max_entries=64, show_spinner=PREPARING)
def readiness_figures(
    store_key: str,
    data_version: int,
    district_ids: tuple[str, ...],
    as_of,
    data_date: str,
    distance_m: float,
    scope: access.Scope,
) -> dict:
    """The readiness page for one set of filters: the checklist and state of every settlement
    (lib.readiness.readiness), its housing pipeline and the infrastructure completion by category.
    Per day only lookups and small tables: the daily totals, the safety pairs and the expected
    dates are built once per data version.

    Raises
    ------
    lib.access.AccessDenied
        When ``scope`` may not read these districts' records.
    """
    access.require(scope, access.READ_RECORDS, district_ids)
    layers = readiness_layers(store_key, data_version, district_ids)
    totals = daily_totals_of(store_key, data_version, data_date, "settlement_id")
    bases = readiness_bases(store_key, data_version, data_date, distance_m)
    # the checklist does not count houses near (at 100x, 600,000 periods)
    near = _outline_hazards_near(store_key, data_version, distance_m, district_ids, as_of)
    conditions = readiness.settlement_conditions(
        layers["settlements"],
        layers["infrastructure"],
        layers["employment_projects"],
        totals,
        near,
        as_of,
        data_date,
    )
    expected = readiness.expected_dates(conditions, bases, totals, as_of)
    ids = layers["settlements"]["settlement_id"]
    return {
        "checklist": readiness.readiness(conditions, expected, as_of),
        "pipeline": readiness.housing_pipeline_on(totals, bases["planned_units"], ids, as_of),
        "infrastructure": readiness.infrastructure_completion(layers["infrastructure"], as_of, data_date),
    }


# --- return conditions (issue 12) ---
# Layers the index and the employment figures read besides the daily totals and the safety pairs.
CONDITIONS_LAYERS = ("settlements", "infrastructure", "employment_projects", "mine_risk_education")


def _conditions_layers(store_key: str, data_version: int) -> dict[str, pd.DataFrame]:
    # a store written before mine-risk education was recorded reads it as empty: not measured
    return {name: load_layer(store_key, name, data_version, None, False) for name in CONDITIONS_LAYERS}


def _index_conditions(store_key: str, data_version: int, data_date: str, distance_m: float, day, district_ids=None):
    """The settlements' conditions on ``day`` (lib.return_index.index_conditions), of some
    districts or all: lookups in the daily totals and a pass over the day's outline hazard pairs."""
    layers = _conditions_layers(store_key, data_version)
    settlements = layers["settlements"]
    if district_ids is not None:
        settlements = settlements[settlements["district_id"].isin(district_ids)]
    # the houses near come from their daily counts
    near = _outline_hazards_near(store_key, data_version, distance_m, district_ids, day)
    return return_index.index_conditions(
        settlements,
        layers["infrastructure"],
        layers["employment_projects"],
        daily_totals_of(store_key, data_version, data_date, "settlement_id"),
        near,
        houses_near_of(store_key, data_version, data_date, distance_m),
        day,
        data_date,
        layers["mine_risk_education"],
    )


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def houses_near_of(store_key: str, data_version: int, data_date: str, distance_m: float) -> daily_totals.DailyTotals:
    """Each settlement's houses near unreleased hazardous land on every day
    (lib.return_index.houses_near_by_day), once per data version."""
    settlements = load_layer(store_key, "settlements", data_version, None, False)
    periods = safety_pairs(store_key, data_version, distance_m)["housing"]
    return return_index.houses_near_by_day(periods, settlements["settlement_id"], data_date)


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def return_index_history(store_key: str, data_version: int, data_date: str, distance_m: float) -> pd.DataFrame:
    """Every settlement's index at each month end from the first reconstruction to the data date
    (lib.return_index.index_over_time), once per data version."""
    settlements = load_layer(store_key, "settlements", data_version, None, False)
    first = settlements["reconstruction_date"].min()
    days = return_index.month_ends(first if pd.notna(first) else data_date, data_date)
    return return_index.index_over_time(
        lambda day: _index_conditions(store_key, data_version, data_date, distance_m, day), days, distance_m
    )


@st.cache_data(ttl=3600, max_entries=64, show_spinner=PREPARING)
def return_conditions_figures(
    store_key: str,
    data_version: int,
    district_ids: tuple[str, ...],
    as_of,
    data_date: str,
    distance_m: float,
    scope: access.Scope,
) -> dict:
    """The return conditions page's figures for some districts on a day: the index
    (lib.return_index.ReturnIndex), the settlements per severity class at each month end, the
    projects by sector and status, and jobs against families per settlement (lib.employment).

    Raises
    ------
    lib.access.AccessDenied
        When ``scope`` may not read these districts' records (the public; another's coordinator).
    """
    access.require(scope, access.READ_RECORDS, district_ids)
    conditions = _index_conditions(store_key, data_version, data_date, distance_m, as_of, district_ids)
    layers = _conditions_layers(store_key, data_version)
    ids = conditions["settlement_id"]
    history = return_index_history(store_key, data_version, data_date, distance_m)
    settlements = layers["settlements"][layers["settlements"]["district_id"].isin(district_ids)]
    projects = layers["employment_projects"][layers["employment_projects"]["settlement_id"].isin(ids)]
    jobs = employment.jobs_against_families(
        settlements, daily_totals_of(store_key, data_version, data_date, "settlement_id"), as_of
    )
    return {
        "index": return_index.return_index(conditions, distance_m),
        "over_time": return_index.severity_over_time(history[history["day"] <= pd.Timestamp(as_of)], ids),
        "sectors": employment.projects_by_sector_status(projects, as_of, data_date),
        "jobs": jobs,
        "behind": employment.returns_outpace_jobs(jobs),
    }


# --- mine action (issue 12) ---
MINE_ACTION_LAYERS = ("settlements", "settlement_boundaries", "hazard_areas", "mine_risk_education", "reported_figures")


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=PREPARING)
def mine_action_bases(store_key: str, data_version: int, district_ids: tuple[str, ...]) -> dict:
    """Some districts' layers of the mine action page (:data:`MINE_ACTION_LAYERS`, filtered in
    memory from the shared whole layers) and their hectares released per day and method
    (lib.mine_action.release_series): once per district selection, so that a change of day only
    compares dates."""
    layers = selection.in_districts(
        _all_layers(store_key, data_version, MINE_ACTION_LAYERS), district_ids, keep_whole=UNFILTERED_LAYERS
    )
    hazards = layers["hazard_areas"]
    return {
        **layers,
        "hazard_table": mine_action.prepared(hazards),
        "release_series": mine_action.release_series(hazards),
    }


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def mine_action_figures(
    store_key: str,
    data_version: int,
    district_ids: tuple[str, ...],
    as_of,
    since,
    distance_m: float,
    every_return_area: bool = True,
) -> dict:
    """Everything the mine action page shows for one set of filters but the map: key figures,
    the charts' tables, the national reports beside the data, and what lies within ``distance_m``
    of unreleased hazard polygons (per settlement, ranked for clearance, and the houses and assets
    near). Small tables only: the passes over the polygons are numpy comparisons of dates. The
    national reports cover every return area: with only some chosen (``every_return_area``
    False) they are not set beside the districts' data nor drawn on their chart."""
    bases = mine_action_bases(store_key, data_version, district_ids)
    hazards, series, sessions = bases["hazard_table"], bases["release_series"], bases["mine_risk_education"]
    figures, settlements = bases["reported_figures"], bases["settlements"]
    pairs = safety_pairs_in(store_key, data_version, distance_m, district_ids)
    near = mine_action.near_per_settlement(
        pairs["settlements"], *mine_action_near_counts(store_key, data_version, distance_m, district_ids), as_of
    )
    codes = mine_action.status_codes(hazards, as_of)  # once for every figure of the day
    before = mine_action_since(store_key, data_version, district_ids, since)
    rows = mine_action_tables.NEAR_ROWS
    return {
        "kpis": mine_action.key_figures(hazards, series, sessions, figures, as_of, since, codes, before),
        "status_by_device": mine_action.status_by_device(hazards, as_of, codes),
        "land_by_district": mine_action.land_by_district(hazards, as_of, codes),
        "items_found": mine_action.items_found(hazards, as_of, codes),
        "released_over_time": mine_action.released_over_time(series, as_of),
        "reported_cleared": mine_action.reported_series(figures, as_of).iloc[: None if every_return_area else 0],
        "reported": mine_action.reported_beside_data(figures, series, as_of, every_return_area),
        "every_return_area": every_return_area,
        "education_over_time": mine_action.education_over_time(sessions, as_of),
        "education_by_district": mine_action.education_by_district(sessions, settlements, as_of),
        "near": near,
        "priority": proximity.clearance_priority(near, settlements),
        "houses_near": mine_action.nearest_on(pairs["housing"], as_of, rows),
        "assets_near": mine_action.nearest_on(pairs["infrastructure"], as_of, rows),
        "houses_near_total": int(near["houses_near"].sum()),
        "assets_near_total": int(near["assets_near"].sum()),
    }


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def mine_action_near_counts(
    store_key: str, data_version: int, distance_m: float, district_ids: tuple[str, ...]
) -> tuple[mine_action.NearCounts, mine_action.NearCounts]:
    """The houses' and the assets' periods near hazardous land of some districts, sorted per
    settlement so that a day's count is a lookup (lib.mine_action.NearCounts): once per selection."""
    pairs = safety_pairs_in(store_key, data_version, distance_m, district_ids)
    return mine_action.NearCounts.of(pairs["housing"]), mine_action.NearCounts.of(pairs["infrastructure"])


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def mine_action_since(store_key: str, data_version: int, district_ids: tuple[str, ...], since) -> dict:
    """The mine action page's key figures on the comparison day (lib.mine_action.headline), which
    a change of the "as of" day leaves as they are."""
    bases = mine_action_bases(store_key, data_version, district_ids)
    return mine_action.headline(bases["hazard_table"], bases["release_series"], bases["mine_risk_education"], since)


@st.cache_resource(ttl=3600, max_entries=4, show_spinner=PREPARING)
def mine_action_map_layers(store_key: str, data_version: int, distance_m: float, district_ids: tuple[str, ...]):
    """What the mine action map draws of some districts whatever the day (lib.hazard_maps.MapLayers):
    once per district selection."""
    from lib.hazard_maps import MapLayers

    near = features_near_hazards_in(store_key, data_version, distance_m, district_ids)
    hazards = mine_action_bases(store_key, data_version, district_ids)["hazard_areas"]
    return MapLayers.of(hazards, near["housing"], near["infrastructure"])


@st.cache_resource(ttl=3600, max_entries=2, show_spinner=PREPARING)
def features_near_hazards(store_key: str, data_version: int, distance_m: float) -> dict:
    """The houses and assets ever within ``distance_m`` of a hazard polygon, with their geometry,
    one row per period near (lib.hazard_maps.near_features of :func:`safety_pairs`), for the map:
    once per data version; the other houses' geometry is read for it and let go."""
    from lib.hazard_maps import near_features

    pairs = safety_pairs(store_key, data_version, distance_m)
    store = store_for_key(store_key)
    near = {
        name: near_features(pairs[name], store.read_layer(name, version=data_version, columns=[id_field]), id_field)
        for name, id_field in (("housing", "house_id"), ("infrastructure", "asset_id"))
    }
    _out_of_garbage_collection()
    return near


@st.cache_resource(ttl=3600, max_entries=8, show_spinner=False)
def features_near_hazards_in(
    store_key: str, data_version: int, distance_m: float, district_ids: tuple[str, ...]
) -> dict:
    """:func:`features_near_hazards` of some districts (once per selection)."""
    return {
        name: frame[frame["district_id"].isin(district_ids)]
        for name, frame in features_near_hazards(store_key, data_version, distance_m).items()
    }


# --- conference presentation (issue 13) ---
@st.cache_data(ttl=3600, max_entries=16, show_spinner=PREPARING)
def presentation_figures(
    store_key: str, data_version: int, district_ids: tuple[str, ...], as_of, since, data_date: str, distance_m: float
) -> dict:
    """Every figure of the presentation's story (lib.slides) for all return areas on ``as_of``, as
    the public sees them whoever presents: the overview's key figures and returns against the
    target, each trend slide's measure month by month with its reported values, the settlements
    in each state of readiness (counts of places, nothing personal) and the district the
    spotlight opens on."""
    public = access.PUBLIC_ACTOR.scope
    threshold = get_settings().suppression_threshold
    overview = overview_figures(store_key, data_version, district_ids, as_of, since, data_date, True, public, threshold)
    totals = daily_totals_of(store_key, data_version, data_date)
    figures = load_layer(store_key, "reported_figures", data_version, None, False)
    readiness_checklist = readiness_figures(
        store_key, data_version, district_ids, as_of, data_date, distance_m, access.SYSTEM.scope
    )["checklist"]
    return {
        **{key: overview[key] for key in ("kpis", "series", "trajectory", "reported")},
        "trends": {
            slide: {
                "series": slides.monthly_series(totals, trend.measure, district_ids, as_of),
                "reported": progress.reported_totals(figures, as_of, trend.reported),
            }
            for slide, trend in slides.TRENDS.items()
        },
        "readiness": readiness.counts_by_state(readiness_checklist),
        "readiness_by_district": readiness.states_by_district(readiness_checklist),
        "spotlight": progress.district_with_most_returns(totals, as_of, list(district_ids)),
    }


@st.cache_data(ttl=3600, max_entries=12, show_spinner=PREPARING)
def timelapse_figures(store_key: str, data_version: int, as_of, data_date: str, language: str, height: int) -> dict:
    """The time-lapse of the return from the programme's start to ``as_of`` as the public sees it
    whoever presents (lib.timelapse: public families, "<5" marks), in ``language``: its figure
    and the sources it draws on (the convoys' published reports). Once per day and language: a
    rerun then sends the same figure, which keeps playing."""
    threshold = get_settings().suppression_threshold
    settlements = load_layer(store_key, "settlements", data_version, None, True)
    days = timelapse.frame_days(EARLIEST_DAY, as_of, places=len(settlements))
    frames = timelapse.timelapse_frames(
        settlements,
        public_totals_of(store_key, data_version, data_date, "settlement_id", threshold),
        days,
        exact_by_settlement=daily_totals_of(store_key, data_version, data_date, "settlement_id"),
        threshold=threshold,
    )
    districts = load_layer(store_key, "districts", data_version, None, True)
    figure = timelapse.return_timelapse(frames, districts, Translator(language), height, threshold=threshold)
    returns = load_layer(store_key, "returns", data_version, None, False)
    published = returns[(returns["date"] <= pd.Timestamp(as_of)) & (returns["source"].map(source_kind) == "published")]
    return {"figure": figure, "sources": sorted(set(published["source"])) + [GEOBOUNDARIES_URL]}


def _public_totals_for_export(store_key: str, data_version: int, data_date: str, threshold: int):
    """The daily totals an export draws on (lib.export_figures.PublicTotals), from the caches every
    page shares rather than built again."""
    return export_figures.PublicTotals(
        daily_totals_of(store_key, data_version, data_date, "settlement_id"),
        public_totals_of(store_key, data_version, data_date, "settlement_id", threshold),
        daily_totals_of(store_key, data_version, data_date, "district_id"),
        public_totals_of(store_key, data_version, data_date, "district_id", threshold),
    )


@st.cache_data(ttl=3600, max_entries=32, show_spinner=PREPARING)
def map_image(
    store_key: str, data_version: int, district_id: str | None, as_of, data_date: str, language: str
) -> bytes:
    """The programme's (``district_id`` None) or a district's map as a 1920x1080 PNG drawn on the
    server as the public sees it (lib.static_maps.map_png), from the layers every page shares."""
    threshold = get_settings().suppression_threshold
    return static_maps.map_png(
        _all_layers(store_key, data_version),
        as_of,
        data_date,
        Translator(language),
        district_id=district_id,
        threshold=threshold,
        totals=_public_totals_for_export(store_key, data_version, data_date, threshold),
    )


def briefing(store_key: str, data_version: int, district_id: str | None, as_of, data_date: str, language: str) -> bytes:
    """The programme's or a district's briefing as PDF bytes (lib.briefing.briefing_pdf), made
    when asked for (a download's click), from the layers every page shares."""
    threshold = get_settings().suppression_threshold
    totals = _public_totals_for_export(store_key, data_version, data_date, threshold)
    return briefing_pdf(
        _all_layers(store_key, data_version), data_date, district_id, language, as_of, threshold, totals
    )


# Every cache keyed on the data version, emptied together when it changes (forget_other_versions):
# found, not listed, so that a cache added later cannot be left holding an old version's layers.
CACHED_BY_VERSION = tuple(
    cached
    for cached in list(globals().values())
    if callable(getattr(cached, "clear", None))
    and callable(cached)
    and "data_version" in inspect.signature(cached).parameters
)

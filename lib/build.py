"""Building the embedded data: real records + demonstration data → the store."""

from __future__ import annotations

from datetime import UTC, datetime

from lib import facts
from lib.boundaries import BOUNDARIES_SOURCE, load_districts
from lib.config import Settings
from lib.demo import Progress, RealRecords, build_demo
from lib.store import VersionedStore, open_store

# Where each layer comes from. ``key`` names the messages that word it on screen
# (``source.<key>``, ``licence.<key>``) and ``layers`` the layers it covers; the English text is
# kept in the store's metadata for data tools.
SOURCES = [
    {
        "key": "boundaries",
        "layers": ["districts"],
        "layer": "districts",
        "source": BOUNDARIES_SOURCE,
        "licence": "gbOpen (open licence stated in the release metadata)",
    },
    {
        "key": "places",
        "layers": ["settlements"],
        "layer": "settlements",
        "source": "GeoNames and Wikipedia, per row (geodata/SETTLEMENTS.md)",
        "licence": "GeoNames CC BY 4.0; Wikipedia CC BY-SA 4.0",
    },
    {
        "key": "facts",
        "layers": ["returns", "reported_figures", "targets"],
        "layer": "returns, reported_figures, targets",
        "source": "Public news reports and official statements, per row (geodata/FACTS.md)",
        "licence": "facts; cited",
    },
    {
        "key": "demonstration",
        "layers": ["demonstration"],
        "layer": "all other records",
        "source": "demonstration data from lib/demo (seeded generator)",
        "licence": "this project",
    },
]


def real_records(settings: Settings) -> tuple[RealRecords, list]:
    """The real inputs: districts (downloaded or local) and the curated tables."""
    districts, name_matches = load_districts(settings)
    settlements = facts.curated_settlements()
    return (
        RealRecords(districts, settlements, facts.reported_convoys(), facts.reported_figures(), facts.targets()),
        name_matches,
    )


def build_store(
    settings: Settings,
    *,
    seed: int | None = None,
    scale: float | None = None,
    progress: Progress | None = None,
    store: VersionedStore | None = None,
) -> VersionedStore:
    """Build every layer and write them to the store (the configured one by default) as one new
    version: on a store with data, the rows that differ from the built ones are the change."""
    seed = settings.demo_seed if seed is None else seed
    scale = settings.demo_scale if scale is None else scale
    report = progress or (lambda message, share: None)
    report("Reading district boundaries and curated records", 0.0)
    real, name_matches = real_records(settings)
    layers = build_demo(real, seed=seed, scale=scale, progress=lambda m, s: report(m, 0.05 + 0.8 * s))
    report("Checking and writing the data", 0.9)
    store = store or open_store(settings)
    store.write_layers(
        layers,
        note=f"built embedded data (seed {seed}, scale {scale:g})",
        action="build",
        metadata={
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_date": real.data_date.strftime("%Y-%m-%d"),
            "demo_seed": seed,
            "demo_scale": scale,
            "sources": SOURCES,
            "district_names_unmatched": [m.name for m in name_matches if m.match == "unmatched"],
            "district_names_normalised": [m.name for m in name_matches if m.match == "normalised"],
        },
    )
    report("Done", 1.0)
    return store

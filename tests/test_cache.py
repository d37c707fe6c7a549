"""The shared caches: read once, shared without copies, and emptied when the data version changes."""

import gc
import weakref

import pytest

from lib import cache
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(tiny_layers(), note="first version")
    cache.forget_other_versions(cache.Snapshot.of(store))
    yield store
    for cached in cache.CACHED_BY_VERSION:
        cached.clear()


def test_a_layer_is_read_once_and_shared_without_a_copy(store):
    first = cache.load_layers(cache.Snapshot.of(store), ["housing"])["housing"]
    again = cache.load_layers(cache.Snapshot.of(store), ["housing"])["housing"]
    assert again is first


def test_a_new_data_version_empties_the_caches_and_serves_the_new_data(store):
    old = cache.load_layers(cache.Snapshot.of(store), ["housing"])["housing"]
    held = weakref.ref(old)
    layers = tiny_layers()
    layers["housing"] = layers["housing"].iloc[:2]
    store.write_layers({"housing": layers["housing"]}, note="second version")

    assert cache.forget_other_versions(cache.Snapshot.of(store))
    del old
    gc.collect()
    assert held() is None  # the old version's frames are gone, not just unreachable by key
    assert len(cache.load_layers(cache.Snapshot.of(store), ["housing"])["housing"]) == 2
    assert not cache.forget_other_versions(cache.Snapshot.of(store))  # same version: nothing cleared

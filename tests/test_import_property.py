"""Good files corrupted at random: the store changes only when the import is valid, and then it
holds exactly the file's rows."""

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.cli import main
from lib.importing import prepare_import
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers

HEADER = ["event_id", "date", "settlement_id", "families", "persons"]
GOOD_ROWS = [
    ["c-1", "15.03.2025", "AZ-LAC-a", "4", "15"],
    ["c-2", "16.03.2025", "AZ-ZAN-b", "6", "21"],
    ["c-3", "17.03.2025", "AZ-LAC-a", "1", "3"],
]
# Cell values a coordinator's file gets wrong, and good ones, so some corrupted files stay valid.
CELLS = st.sampled_from(
    [
        "", "-4", "4,5", "abc", "31.02.2025", "15.03.2031", "2025-03-15", "AZ-XXX-z", "AZ-ZAN-b",
        "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "Ağdam ə ğ ı ö ü ç ş", "1e9", "7", "c-1",
    ]
)  # fmt: skip
BYTES = st.sampled_from([b";", b"\r\n", b'"', b"\x00", b"\xff\xfe", b"\xd9", b"-", b"."])


def to_csv(rows) -> bytes:
    lines = [";".join(HEADER), *(";".join(row) for row in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@st.composite
def corrupted_files(draw) -> bytes:
    rows = [list(row) for row in GOOD_ROWS]
    for _ in range(draw(st.integers(0, 3))):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(HEADER) - 1))
        rows[row][column] = draw(CELLS)
    data = bytearray(to_csv(rows))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(BYTES)
        else:
            del data[at : at + draw(st.integers(1, 8))]
    if draw(st.booleans()) and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = GeoPackageStore(tmp_path_factory.mktemp("property") / "store.gpkg")
    store.write_layers(tiny_layers(), note="first version", author="builder")
    return store


def fingerprint(store) -> tuple:
    return store.data_version(), hashlib.sha256(store.path.read_bytes()).hexdigest()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=corrupted_files())
def test_the_store_changes_only_when_the_import_is_valid(data, store, tmp_path_factory):
    path = tmp_path_factory.mktemp("file") / "convoys.csv"
    path.write_bytes(data)
    preview = prepare_import(store, "returns", data, path.name)
    before = fingerprint(store)
    code = main(["import", str(path), "--layer", "returns", "--commit", "--store", str(store.path)])
    after = fingerprint(store)
    if not preview.is_valid:
        assert code != 0
        assert after == before
        return
    assert code == 0
    if preview.changes_nothing:
        assert after[0] == before[0]
        return
    assert after[0] == before[0] + 1
    stored = store.read_layer("returns").set_index("event_id")
    for record in preview.frame.itertuples(index=False):
        assert stored.loc[record.event_id, "families"] == record.families
        assert stored.loc[record.event_id, "persons"] == record.persons
        assert stored.loc[record.event_id, "date"] == record.date

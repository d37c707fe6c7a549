"""Where the records behind the figures come from: published, the committee's files, demonstration."""

from lib.i18n import Translator
from lib.provenance import source_kind, sources_of, sources_table
from tests.fixtures import tiny_layers


def test_a_source_is_published_a_committee_file_or_demonstration():
    assert source_kind("https://report.az/x | https://apa.az/y") == "published"
    assert source_kind("demonstration data: generated") == "demonstration"
    assert source_kind("lachin-convoys.xlsx (2026-12-02)") == "committee"


def test_records_are_counted_per_layer_and_source_with_the_committees_files_first():
    layers = tiny_layers()
    layers["returns"].loc[2, "source"] = "lachin-convoys.xlsx (2026-12-02)"
    table = sources_of(layers)
    convoys = table[table["layer"] == "returns"]
    assert convoys.iloc[0].tolist() == ["returns", "committee", "lachin-convoys.xlsx (2026-12-02)", 1]
    assert set(zip(convoys["kind"], convoys["records"])) == {("committee", 1), ("published", 1), ("demonstration", 1)}
    # demonstration records are counted together, without their generator's wording
    assert table.loc[table["kind"] == "demonstration", "source"].eq("").all()
    worded = sources_table(table, Translator("ru"))
    assert worded.iloc[0].tolist()[:2] == ["Переселенческие караваны", "Импортированный файл комитета"]


def test_only_records_known_on_a_day_are_counted_when_a_day_is_given():
    table = sources_of(tiny_layers(), "2023-03-01")
    assert table.loc[table["layer"] == "returns", "records"].sum() == 1

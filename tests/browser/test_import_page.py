"""A coordinator's import in Chromium: two rows flagged with Excel's row numbers, fixed, previewed,
committed; the overview counts the new convoys; a restore takes them out again."""

import csv
import io
import shutil

import pytest

LACHIN = ("AZ-LAC-zabukh", "AZ-LAC-sus", "AZ-LAC-beylik")


def convoys_csv(rows) -> bytes:
    """As Excel on Windows saves "CSV UTF-8" in an Azerbaijani locale: BOM, ';', dd.mm.yyyy, CRLF."""
    lines = ["event_id;date;settlement_id;families;persons", *rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


BAD = convoys_csv(
    [
        f"lac-2026-001;02.03.2026;{LACHIN[0]};21;84",
        f"lac-2026-002;31.02.2026;{LACHIN[1]};14;55",  # Excel row 3: no 31 February
        f"lac-2026-003;03.03.2026;{LACHIN[2]};9;31",
        f"lac-2026-004;04.03.2026;{LACHIN[0]};-12;40",  # Excel row 5: a negative count
    ]
)
GOOD = convoys_csv(
    [
        f"lac-2026-001;02.03.2026;{LACHIN[0]};21;84",
        f"lac-2026-002;28.02.2026;{LACHIN[1]};14;55",
        f"lac-2026-003;03.03.2026;{LACHIN[2]};9;31",
        f"lac-2026-004;04.03.2026;{LACHIN[0]};12;40",
    ]
)


@pytest.fixture
def import_app(start_app, app_env, built_store, tmp_path):
    """A server on a store of its own: this test writes to it."""
    path = tmp_path / "store.gpkg"
    shutil.copy(built_store.path, path)
    return start_app(env={**app_env, "GREAT_RETURN_STORE_PATH": str(path), "GREAT_RETURN_TEST_INSTANCE": "import"})


def families_returned(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Families returned").first
    value = metric.get_by_test_id("stMetricValue").inner_text()
    return int(value.replace(",", "").strip())


def upload(page, name: str, data: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )


def test_a_coordinator_fixes_two_flagged_rows_commits_and_can_restore(import_app, offline_page):
    page = offline_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{import_app}/?lang=en", wait_until="domcontentloaded")
    before = families_returned(page)

    page.goto(f"{import_app}/import_data?lang=en", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Import data").wait_for()
    page.get_by_test_id("stSelectbox").filter(has_text="Into which layer").click()
    page.get_by_role("option", name="Relocation convoys").click()
    upload(page, "lachin-convoys.csv", BAD)
    page.get_by_text("lachin-convoys.csv has 2 problems").wait_for(timeout=60_000)
    offline_page.screenshot("import-problems-en")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the problems as CSV").click()
    problems = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert sorted(row[1] for row in problems[1:]) == ["3", "5"]

    upload(page, "lachin-convoys.csv", GOOD)
    page.get_by_text("Into “Relocation convoys”: 4 added, 0 changed, 0 removed").wait_for(timeout=60_000)
    offline_page.screenshot("import-preview-en")
    page.get_by_role("button", name="Commit (as a new data version)").click()
    page.get_by_text("Written as data version").wait_for(timeout=60_000)

    page.goto(f"{import_app}/?lang=en", wait_until="domcontentloaded")
    assert families_returned(page) == before + 21 + 14 + 9 + 12
    page.get_by_text("Where these figures come from").click()
    offline_page.screenshot("overview-after-import-en")

    page.goto(f"{import_app}/import_data?lang=en", wait_until="domcontentloaded")
    page.get_by_role("tab", name="Versions and audit log").click()
    page.get_by_test_id("stSelectbox").filter(has_text="Version to bring back").click()
    page.get_by_role("option").first.click()
    page.get_by_text("Yes, make the data what it was at this version").click()
    page.get_by_role("button", name="Restore").click()
    page.get_by_text("restored as the new version").wait_for(timeout=60_000)
    page.goto(f"{import_app}/?lang=en", wait_until="domcontentloaded")
    assert families_returned(page) == before
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []


def test_a_repair_is_only_applied_when_ticked_and_can_be_undone(import_app, offline_page):
    from pathlib import Path

    bow_tie = Path(__file__).parent.parent / "import_corpus/files/check_self_intersecting_polygon.geojson"
    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{import_app}/import_data?lang=en", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Import data").wait_for()
    page.get_by_test_id("stSelectbox").filter(has_text="Into which layer").click()
    page.get_by_role("option", name="Hazard areas").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bow_tie))
    page.get_by_text("has 1 problem.").wait_for(timeout=60_000)
    repair = page.get_by_text("Repair the outlines that cross themselves")
    repair.click()
    page.get_by_text("Repairs applied:").wait_for(timeout=60_000)
    page.get_by_text("Into “Hazard areas”:").wait_for(timeout=60_000)
    offline_page.screenshot("import-repaired-en")
    page.get_by_role("button", name="Undo the repairs").click()
    page.get_by_text("has 1 problem.").wait_for(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0

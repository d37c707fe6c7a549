"""A coordinator's import in Chromium, signed in as each role the story needs: the Lachin
coordinator's file has two rows flagged with Excel's row numbers and an Aghdam row refused as not
theirs; fixed, previewed, committed; the overview counts the new convoys; leadership sees the
versions and can change nothing; the data admin sees who did what and restores the version before."""

import csv
import io
import shutil

import pytest

from tests.browser.conftest import choose, sign_in, sign_out

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
NOT_MINE = convoys_csv(
    [
        f"lac-2026-001;02.03.2026;{LACHIN[0]};21;84",
        "agm-2026-001;02.03.2026;AZ-AGM-aghdam-city;30;120",  # Excel row 3: Aghdam is not hers
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


def go_to(page, name: str) -> None:
    """Open a page from the sidebar's menu (a new address would be a new session: signed out)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()


def test_a_lachin_coordinator_imports_leadership_looks_and_the_data_admin_restores(import_app, offline_page):
    page = offline_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{import_app}/?lang=en", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Progress of the Great Return").wait_for()
    sign_in(page, "nigar", "en")
    page.get_by_text("Signed in as Nigar Hüseynova").wait_for()
    before = families_returned(page)  # every district
    sign_out(page, "en")

    sign_in(page, "aysel", "en")
    go_to(page, "Import")
    page.get_by_role("heading", name="Import data").wait_for()
    page.get_by_text("You may import data for: Lachin.").wait_for()
    choose(
        page.get_by_test_id("stSelectbox").filter(has_text="Into which layer"),
        page.get_by_role("option", name="Relocation convoys"),
    )
    upload(page, "lachin-convoys.csv", NOT_MINE)
    page.get_by_text("which is not one of yours").wait_for(timeout=60_000)
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
    sign_out(page, "en")

    sign_in(page, "rauf", "en")  # leadership reads everything and can change nothing
    go_to(page, "Import")
    page.get_by_text("Only a data admin can restore an earlier version.").wait_for()
    assert page.get_by_test_id("stFileUploader").count() == 0
    assert page.get_by_role("button", name="Restore").count() == 0
    sign_out(page, "en")

    sign_in(page, "nigar", "en")
    go_to(page, "Overview")
    page.get_by_role("heading", name="Progress of the Great Return").wait_for()
    assert families_returned(page) == before + 21 + 14 + 9 + 12
    page.get_by_text("Where these figures come from").click()
    offline_page.screenshot("overview-after-import-en")
    go_to(page, "Import")
    page.get_by_role("tab", name="Versions and audit log").click()
    audit = page.get_by_test_id("stDataFrame").last
    audit.wait_for()
    offline_page.screenshot("audit-log-en")
    choose(
        page.get_by_test_id("stSelectbox").filter(has_text="Version to bring back"), page.get_by_role("option").first
    )
    page.get_by_text("Yes, make the data what it was at this version").click()
    page.get_by_role("button", name="Restore").click()
    page.get_by_text("restored as the new version").wait_for(timeout=60_000)
    go_to(page, "Overview")
    page.get_by_role("heading", name="Progress of the Great Return").wait_for()
    assert families_returned(page) == before
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []


def test_a_repair_is_only_applied_when_ticked_and_can_be_undone(import_app, offline_page):
    from pathlib import Path

    bow_tie = Path(__file__).parent.parent / "import_corpus/files/check_self_intersecting_polygon.geojson"
    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{import_app}/import_data?lang=en", wait_until="domcontentloaded")
    page.get_by_text("Sign in (in the sidebar) to see this page").wait_for()
    sign_in(page, "nigar", "en")  # the link's page opens once signed in
    page.get_by_role("heading", name="Import data").wait_for()
    choose(
        page.get_by_test_id("stSelectbox").filter(has_text="Into which layer"),
        page.get_by_role("option", name="Hazard areas"),
    )
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

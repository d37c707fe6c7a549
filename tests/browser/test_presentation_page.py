"""The presentation in Chromium, offline, as the public opens it in a hall: full screen with no
sidebar, each slide at 1920x1080 and at a projector's 1366x768 in the language chosen, moved
through with the arrow keys; nothing is asked of another host."""

import re

import pytest

from lib import slides
from lib.i18n import Translator
from tests.browser.conftest import choose

RAW = re.compile(r"\b(None|NaT|nan)\b|\b[a-z]+_[a-z_]+\b")
SIZES = [("en", 1920, 1080), ("az", 1366, 768), ("ru", 1366, 768)]


def _wait_for_slide(page, t: Translator, slide: str, timeout: int = 90_000) -> None:
    page.get_by_role("heading", name=t(f"slide.{slide}.title")).wait_for(timeout=timeout)
    # the footer, with the data date, is the last thing a slide writes
    footer = t("presentation.data_date", date="{}").split("{}")[0].strip()
    page.get_by_test_id("stCaptionContainer").filter(has_text=footer).last.wait_for(timeout=timeout)
    # and the full-screen style has arrived (Streamlit loads st.html's code when first used, so in
    # a fresh browser it may come a moment after the slide's text)
    page.get_by_test_id("stSidebar").wait_for(state="hidden", timeout=timeout)


def _words_on_screen(page) -> str:
    """The main area's text as read, without the names of Material icons (``expand_more``), which
    the browser draws as symbols."""
    return page.get_by_test_id("stMain").evaluate(
        """main => { const copy = main.cloneNode(true);
                     copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach(icon => icon.remove());
                     return copy.innerText; }"""
    )


def _press_until(page, key: str, t: Translator, slide: str) -> None:
    """Press ``key`` until ``slide`` shows: a key pressed while the page redraws may be lost, as a
    presenter pressing again would find."""
    for _ in range(3):
        page.keyboard.press(key)
        try:
            _wait_for_slide(page, t, slide, timeout=10_000)
            return
        except Exception:
            continue
    _wait_for_slide(page, t, slide)


def _open_slide(offline_page, app_url: str, slide: str, query: str = ""):
    """The page opened in English at 1920x1080 on ``slide`` (``query``: more of the link), drawn."""
    page = offline_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/presentation?lang=en&slide={slide}{query}", wait_until="domcontentloaded")
    _wait_for_slide(page, Translator("en"), slide)
    return page


@pytest.mark.parametrize(("language", "width", "height"), SIZES)
def test_every_slide_fills_the_screen_in_its_language(app_url, offline_page, language, width, height):
    page = offline_page.page
    page.set_viewport_size({"width": width, "height": height})
    t = Translator(language)
    for slide in slides.SLIDES:
        page.goto(f"{app_url}/presentation?lang={language}&slide={slide}", wait_until="domcontentloaded")
        _wait_for_slide(page, t, slide)
        if slide in ("target", "land", "houses", "jobs", "readiness", "timelapse"):
            page.locator(".js-plotly-plot").first.wait_for()
        if slide == "spotlight":
            page.get_by_test_id("stImage").first.wait_for()
        offline_page.screenshot(f"presentation-{slide}-{language}-{width}")
        assert not page.get_by_test_id("stSidebar").is_visible()
        assert page.get_by_test_id("stException").count() == 0
        text = _words_on_screen(page)
        assert not RAW.search(text), (slide, RAW.search(text))
    assert offline_page.blocked == []


def test_the_arrow_keys_move_through_the_story(app_url, offline_page):
    page, t = _open_slide(offline_page, app_url, "target"), Translator("en")
    _press_until(page, "ArrowRight", t, "timelapse")
    _press_until(page, "ArrowRight", t, "land")
    assert "slide=land" in page.url
    _press_until(page, "ArrowLeft", t, "timelapse")
    assert offline_page.blocked == []


def test_after_choosing_a_district_in_the_spotlight_the_arrow_keys_move_on(app_url, offline_page):
    page, t = _open_slide(offline_page, app_url, "spotlight", "&district=AZ-SUS"), Translator("en")
    page.get_by_test_id("stImage").first.wait_for()
    chooser = page.get_by_test_id("stSelectbox").filter(has_text=t("presentation.district"))
    choose(chooser, page.get_by_role("option", name="Lachin"))
    page.wait_for_url("**district=AZ-LAC**")
    page.get_by_test_id("stImage").first.wait_for()
    _press_until(page, "ArrowRight", t, "target")  # the story goes round
    assert offline_page.blocked == []


def test_captions_and_footer_are_dark_enough_for_the_back_of_a_hall(app_url, offline_page):
    page = _open_slide(offline_page, app_url, "target")
    # each caption's colour as drawn on white (its opacity and its parents' mixed in), then its
    # contrast with the white page (WCAG: 7:1 is the enhanced level, for text read from afar)
    ratios = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"] p')].map(p => {
            let alpha = 1;
            for (let n = p; n; n = n.parentElement) alpha *= parseFloat(getComputedStyle(n).opacity);
            const [r, g, b] = getComputedStyle(p).color.match(/\\d+/g).map(Number)
                .map(c => (255 - alpha * (255 - c)) / 255)
                .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
            return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
        })"""
    )
    assert ratios and min(ratios) >= 7, ratios


def _open_menu(page):
    body = page.get_by_test_id("stPopoverBody")
    if not body.is_visible():
        page.get_by_test_id("stPopover").get_by_role("button").first.click()
    body.wait_for()
    return body


def test_the_menu_speaks_russian_and_hands_over_the_briefing_and_a_district_map(app_url, offline_page):
    import io

    from PIL import Image
    from pypdf import PdfReader

    page, russian = _open_slide(offline_page, app_url, "target", "&district=AZ-SUS"), Translator("ru")
    _open_menu(page).get_by_text("Русский").click()
    _wait_for_slide(page, russian, "target")
    menu = _open_menu(page)
    with page.expect_download(timeout=120_000) as briefing:
        menu.get_by_role("button", name=russian("presentation.download.briefing_programme")).click()
    pdf = PdfReader(briefing.value.path())
    assert len(pdf.pages) >= 2
    assert russian("briefing.title_programme") in pdf.pages[0].extract_text()
    with page.expect_download(timeout=120_000) as picture:
        menu.get_by_role("button", name=russian("presentation.download.map_district", district="Шуша")).click()
    image = Image.open(io.BytesIO(picture.value.path().read_bytes()))
    assert image.size == (1920, 1080)
    assert len(image.convert("RGB").getcolors(1_000_000)) > 50  # a map, not a blank page
    assert briefing.value.suggested_filename.endswith(".pdf") and "AZ-SUS" in picture.value.suggested_filename
    offline_page.screenshot("presentation-menu-ru")
    assert offline_page.blocked == []


def test_the_timer_moves_to_the_next_slide_by_itself(app_url, offline_page):
    page, t = _open_slide(offline_page, app_url, "jobs"), Translator("en")
    menu = _open_menu(page)
    choose(
        menu.get_by_test_id("stSelectbox"),
        page.get_by_role("option", name=t("presentation.timer_every", seconds=slides.ADVANCE_SECONDS[0])),
    )
    page.keyboard.press("Escape")  # the menu closed, as a presenter leaves it
    # nothing pressed: after its seconds the slide gives way to the next, and the next to the one after
    _wait_for_slide(page, t, "readiness", timeout=(slides.ADVANCE_SECONDS[0] + 20) * 1000)
    _wait_for_slide(page, t, "spotlight", timeout=(slides.ADVANCE_SECONDS[0] + 20) * 1000)
    assert offline_page.blocked == []

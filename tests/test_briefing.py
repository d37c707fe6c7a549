"""The PDF briefing (lib.briefing): it opens, has its pages, and speaks the reader's language."""

import io

import pandas as pd
import pytest
from pypdf import PdfReader

from lib.briefing import UnknownLanguage, briefing_pdf
from lib.export_figures import UnknownDistrict, public_totals, read_export_layers
from lib.i18n import Translator


@pytest.fixture(scope="module")
def export_layers(built_store):
    return read_export_layers(built_store)


@pytest.fixture(scope="module")
def briefings(export_layers):
    """Briefings made once per module, by (district, language)."""
    layers, data_date = export_layers
    made = {}

    def briefing(district_id, language, threshold=5):
        key = (district_id, language, threshold)
        if key not in made:
            made[key] = briefing_pdf(layers, data_date, district_id, language, threshold=threshold)
        return made[key]

    return briefing


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    ("language", "name", "heading"),
    [("az", "Laçın", "Əsas göstəricilər"), ("ru", "Лачин", "Основные показатели"), ("en", "Lachin", "Headline")],
)
def test_a_district_briefing_opens_and_names_the_district_in_the_chosen_language(briefings, language, name, heading):
    pdf = briefings("AZ-LAC", language)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3  # figures and map; charts and settlements; sources
    text = _text(pdf)
    assert Translator(language)("briefing.title_district", district=name) in text
    assert heading in text


def test_the_programme_briefing_says_its_data_date_sources_and_demonstration_mark(briefings, export_layers):
    _, data_date = export_layers
    t = Translator("ru")
    text = _text(briefings(None, "ru"))
    assert t("briefing.title_programme") in text
    assert t.day(pd.Timestamp(data_date)) in text
    assert "e0231866" in text and "https://" in text  # geoBoundaries' citation and the reports' addresses
    assert t("basis.demonstration") in text


def test_the_briefing_embeds_dejavu_so_azerbaijani_and_cyrillic_letters_survive(briefings):
    reader = PdfReader(io.BytesIO(briefings("AZ-LAC", "az")))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
            fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)
    assert "ə" in _text(briefings("AZ-LAC", "az"))


def test_a_briefing_given_the_daily_totals_uses_them_instead_of_building_them_again(
    briefings, export_layers, monkeypatch
):
    layers, data_date = export_layers
    totals = public_totals(layers, data_date, 5)

    def built_again(*args, **kwargs):
        raise AssertionError("the daily totals were built again")

    monkeypatch.setattr("lib.export_figures.public_totals", built_again)
    pdf = briefing_pdf(layers, data_date, "AZ-LAC", "en", threshold=5, totals=totals)
    assert _text(pdf) == _text(briefings("AZ-LAC", "en"))


def test_the_programme_briefing_cites_the_reports_behind_its_headline_targets_and_reported_values(export_layers):
    from lib.export_figures import export_figures

    layers, data_date = export_layers
    figures = export_figures(layers, data_date, None, None, 5)
    cited = [kpi.base.source for kpi in figures.kpis if kpi.base is not None and kpi.base.source]
    cited += [kpi.reported.source for kpi in figures.kpis if kpi.reported is not None]
    urls = {url.strip() for cell in cited for url in cell.split(" | ") if url.strip().startswith("http")}
    assert urls, "the headline figures cite no report"
    assert urls <= set(figures.sources), urls - set(figures.sources)


def test_a_public_briefing_marks_counts_below_the_threshold_instead_of_showing_them(briefings):
    text = _text(briefings("AZ-LAC", "en", threshold=10**6))
    assert "<1,000,000" in text or "<1000000" in text


def test_a_briefing_in_an_unknown_language_or_district_is_refused_naming_the_known_ones(export_layers):
    layers, data_date = export_layers
    with pytest.raises(UnknownLanguage, match="'de'.*az, en, ru"):
        briefing_pdf(layers, data_date, None, "de")
    with pytest.raises(UnknownDistrict, match="'AZ-NOPE'.*AZ-LAC"):
        briefing_pdf(layers, data_date, "AZ-NOPE", "en")

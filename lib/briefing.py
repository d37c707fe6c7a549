"""A PDF briefing of the programme or of one district: headline figures, the map, charts, sources.

Written with fpdf2 in the reader's language, with matplotlib's own DejaVu fonts embedded (they
hold ə, ğ, ı, ö, ü, ç, ş and Cyrillic; no system font, no download). A briefing is handed to an
audience, so its figures are the public view (lib.export_figures): families and persons as the
public sees them, small counts marked "<5". Every page carries the data date and, where
demonstration data enter the figures, the demonstration mark.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from lib.config import get_settings
from lib.disclosure import column_texts
from lib.export_figures import ExportFigures, PublicTotals, export_figures, read_export_layers
from lib.i18n import LANGUAGES, Translator, place_names
from lib.kpi import Kpi
from lib.presentation import kpi_value
from lib.static_maps import DEMO_COLOUR, map_png
from lib.styling import OKABE_ITO, SETTLEMENT_STATUS_COLOURS

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
GEOBOUNDARIES_URL = "https://www.geoboundaries.org/"
DEMO_RGB = tuple(int(DEMO_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
TEXT_RGB = (34, 34, 34)
MUTED_RGB = (90, 90, 90)
CHART_DPI = 200


class UnknownLanguage(ValueError):
    """A language the catalogues do not have."""


def checked_language(language: str) -> str:
    """``language`` when the dashboard speaks it. Raises :class:`UnknownLanguage` naming the known ones."""
    if language not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {language!r}; the languages are {', '.join(LANGUAGES)}")
    return language


class _Briefing(FPDF):
    """A4 pages whose footer says the data date, the page and, when due, the demonstration mark."""

    def __init__(self, t: Translator, footer_text: str, demonstration: bool):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.t, self.footer_text, self.demonstration = t, footer_text, demonstration
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=22)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED_RGB)
        page = self.t("briefing.page", page=str(self.page_no()), pages="{nb}")
        self.cell(0, 4, f"{self.footer_text} · {page}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.demonstration:
            self.set_text_color(*DEMO_RGB)
            self.set_font(FONT, "B", 8)
            self.cell(0, 4, self.t("basis.demonstration"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT_RGB)

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 10)

    def paragraph(self, text: str, size: float = 10, colour=TEXT_RGB, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT_RGB)
        self.set_font(FONT, "", 10)

    def png(self, image: bytes, width_px: int, height_px: int) -> None:
        """An image across the text width, on a new page when it does not fit below."""
        width = self.epw
        height = width * height_px / width_px
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        self.image(io.BytesIO(image), x=self.l_margin, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 2)


def _base_text(kpi: Kpi, t: Translator) -> str:
    """What a figure is measured against, in words (lib.presentation's caption without its link)."""
    base = kpi.base
    if base is None or kpi.shown:  # a figure kept from the public: no share of it either
        return ""
    if base.value == 0:
        return t(f"kpi_base_none.{base.kind}")
    share = "" if kpi.share is None else t.percent(kpi.share)
    total = "" if base.value is None else t.number(base.value)
    if base.kind == "target":
        return t("kpi_base.target", share=share, total=total, date=t.day(base.date))
    return t(f"kpi_base.{base.kind}", share=share, total=total)


def _headlines(pdf: _Briefing, figures: ExportFigures, t: Translator) -> None:
    pdf.heading(t("briefing.headlines"))
    pdf.set_font(FONT, "", 10)
    with pdf.table(
        col_widths=(34, 18, 48), text_align=("LEFT", "RIGHT", "LEFT"), line_height=5.5, first_row_as_headings=False
    ) as table:
        for kpi in figures.kpis:
            row = table.row()
            row.cell(t(f"kpi.{kpi.key}"))
            row.cell(kpi_value(kpi, t))
            row.cell(_base_text(kpi, t))
    statuses = figures.settlements["status"].value_counts()
    counted = [
        f"{t.term('settlement_status', status)}: {t.number(statuses[status])}"
        for status in SETTLEMENT_STATUS_COLOURS
        if statuses.get(status, 0)
    ]
    if counted:
        pdf.ln(2)
        pdf.paragraph(f"{t('briefing.settlements_by_status')}: " + "; ".join(counted) + ".")


def _settlements_table(pdf: _Briefing, figures: ExportFigures, t: Translator) -> None:
    settlements = figures.settlements.assign(shown_name=place_names(figures.settlements, t))
    families = column_texts(settlements, "families_returned", t)
    settlements = settlements.assign(shown_families=families)
    order = settlements.sort_values(["families_returned", "shown_name"], ascending=[False, True], na_position="last")
    pdf.heading(t("briefing.settlements"))
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=(30, 32, 18, 18, 22), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"), line_height=4.8
    ) as table:
        header = table.row()
        for key in ("col.name", "col.status", "col.families_returned", "col.units_completed", "col.planned_households"):
            header.cell(t(key))
        for row in order.itertuples():
            cells = table.row()
            cells.cell(str(row.shown_name))
            cells.cell(t.term("settlement_status", row.status))
            cells.cell(row.shown_families)
            cells.cell(t.number(row.units_completed))
            cells.cell(t.number(row.planned_households))
    pdf.set_font(FONT, "", 10)


def _date_axis(ax) -> None:
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _number_axis(ax, t: Translator) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: t.number(value)))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _figure(width_in: float, height_in: float) -> Figure:
    """A Figure of its own, not pyplot's global state: the app's sessions may draw at the same time."""
    figure = Figure(figsize=(width_in, height_in), dpi=CHART_DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def _chart_png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white")
    return buffer.getvalue()


def returns_chart(figures: ExportFigures, t: Translator) -> bytes:
    """Families returned at each month end (public figures; a suppressed month is left out)
    against the programme's target trajectory, or a district's planned households."""
    figure = _figure(9, 4.2)
    ax = figure.subplots()
    returns = figures.returns
    ax.step(
        returns["date"],
        returns["families"],
        where="post",
        color=OKABE_ITO["bluish_green"],
        linewidth=2.2,
        label=t("briefing.families_public"),
    )
    if len(figures.target):
        ax.plot(
            figures.target["date"],
            figures.target["value"],
            linestyle="--",
            marker="o",
            color=OKABE_ITO["vermillion"],
            linewidth=1.6,
            label=t("briefing.target"),
        )
    elif figures.planned_households:
        ax.axhline(
            figures.planned_households,
            linestyle="--",
            color=OKABE_ITO["vermillion"],
            linewidth=1.6,
            label=t("briefing.planned_households"),
        )
    _date_axis(ax)
    _number_axis(ax, t)
    top = max(
        returns["families"].max(skipna=True) if returns["families"].notna().any() else 0,
        figures.target["value"].max() if len(figures.target) else figures.planned_households,
    )
    ax.set_ylim(0, max(top, 1) * 1.08)
    # the target rises to the upper right, a district's plan runs along the top
    ax.legend(frameon=False, loc="upper left" if len(figures.target) else "lower right", fontsize=10)
    figure.tight_layout()
    return _chart_png(figure)


def works_chart(figures: ExportFigures, t: Translator) -> bytes:
    """Homes completed, hectares released and jobs created at each month end, one panel each."""
    figure = _figure(9, 3.2)
    axes = figure.subplots(1, 3)
    works = figures.works
    panels = (
        ("units_completed", OKABE_ITO["blue"]),
        ("hectares_released", OKABE_ITO["orange"]),
        ("jobs_created", OKABE_ITO["reddish_purple"]),
    )
    for ax, (column, colour) in zip(axes, panels):
        ax.plot(works["date"], works[column], color=colour, linewidth=2)
        ax.fill_between(works["date"], works[column], color=colour, alpha=0.15, linewidth=0)
        ax.set_title(t(f"kpi.{column}"), fontsize=10, loc="left")
        _date_axis(ax)
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        _number_axis(ax, t)
        ax.tick_params(labelsize=8)
    figure.tight_layout()
    return _chart_png(figure)


def _sources(pdf: _Briefing, figures: ExportFigures, t: Translator, threshold: int) -> None:
    pdf.heading(t("briefing.sources"))
    pdf.paragraph(t("briefing.source_boundaries"))
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(0, 80, 160)
    pdf.write(4.5, GEOBOUNDARIES_URL, link=GEOBOUNDARIES_URL)
    pdf.ln(6)
    pdf.set_text_color(*TEXT_RGB)
    pdf.paragraph(t("briefing.source_places"))
    if figures.sources:
        pdf.ln(1)
        pdf.paragraph(t("briefing.source_reports"))
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(0, 80, 160)
        for url in figures.sources:
            pdf.multi_cell(0, 4, url, link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*TEXT_RGB)
    pdf.ln(2)
    pdf.heading(t("briefing.public_view"), size=11)
    pdf.paragraph(t("disclosure.note", threshold=threshold), size=9)
    if figures.demonstration:
        pdf.ln(2)
        pdf.paragraph(t("export.demo_note"), size=9, colour=DEMO_RGB, bold=True)


def briefing_pdf(
    layers: dict[str, pd.DataFrame],
    data_date,
    district_id: str | None = None,
    language: str = "az",
    day=None,
    threshold: int | None = None,
    totals: PublicTotals | None = None,
) -> bytes:
    """The briefing as PDF bytes.

    Parameters
    ----------
    layers : the store's layers (lib.export_figures.read_export_layers; :func:`briefing_pdf_of_store`
        reads them).
    data_date : the data's last day.
    district_id : None for the programme (every return-area district), else a return-area district.
    language : az, en or ru.
    day : the day the figures are for (default: the data date; never after it).
    threshold : the public view's suppression threshold (default: the setting).
    totals : the daily totals of these layers (lib.export_figures.public_totals), when the caller
        already holds them (the dashboard's caches): not built again.

    Raises
    ------
    lib.export_figures.UnknownDistrict, UnknownLanguage
        Naming the value and the known ones.
    """
    t = Translator(checked_language(language))
    threshold = get_settings().suppression_threshold if threshold is None else threshold
    figures = export_figures(layers, data_date, district_id, day, threshold, totals)
    districts = layers["districts"]
    if district_id:
        name = place_names(districts[districts["district_id"] == district_id], t).iloc[0]
        title = t("briefing.title_district", district=name)
    else:
        title = t("briefing.title_programme")
    dates = t("static_map.dates", day=t.day(figures.day), data_date=t.day(figures.data_date))

    pdf = _Briefing(t, dates, figures.demonstration)
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Great Return dashboard")
    pdf.add_page()
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(dates, size=11, colour=MUTED_RGB)
    if figures.demonstration:
        pdf.ln(1)
        pdf.paragraph(t("export.demo_note"), size=9, colour=DEMO_RGB, bold=True)
    _headlines(pdf, figures, t)
    pdf.ln(3)
    # a map for a page: the same drawing, its type half as large again against the page's smaller size
    image = map_png(layers, figures.day, data_date, t, district_id, 1920, 1500, threshold, 1.5, figures.totals)
    pdf.png(image, 1920, 1500)

    pdf.add_page()
    pdf.heading(t("briefing.returns_chart") if district_id is None else t("briefing.returns_chart_district"))
    pdf.png(returns_chart(figures, t), 9 * CHART_DPI, int(4.2 * CHART_DPI))
    pdf.heading(t("briefing.works_chart"))
    pdf.png(works_chart(figures, t), 9 * CHART_DPI, int(3.2 * CHART_DPI))
    _settlements_table(pdf, figures, t)

    pdf.add_page()
    _sources(pdf, figures, t, threshold)
    return bytes(pdf.output())


def briefing_pdf_of_store(store, district_id: str | None = None, language: str = "az", day=None, threshold=None):
    """:func:`briefing_pdf` of a :class:`lib.store.VersionedStore`'s current data."""
    layers, data_date = read_export_layers(store)
    return briefing_pdf(layers, data_date, district_id, language, day, threshold)

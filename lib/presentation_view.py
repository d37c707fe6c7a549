"""Streamlit glue of the conference presentation (pages/presentation.py): the full screen, the bar
that moves between slides (buttons, arrow keys, a timer), large cards and each slide's footer.

What the slides show is chosen and worded by lib/slides.py, lib/charts.py and lib/presentation.py.
"""

from __future__ import annotations

import time
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import charts, slides
from lib.briefing import GEOBOUNDARIES_URL
from lib.chart_images import chart_image, chart_images_available
from lib.filters import choice_from_link
from lib.i18n import LANGUAGES, Translator
from lib.kpi import Kpi
from lib.presentation import kpi_caption, kpi_value
from lib.timelapse import CHART_CONFIG
from lib.widgets import linked_choice, show_link_notes

# No sidebar, no Streamlit header or toolbar; type read from the back of a hall (the cards'
# values, the titles, the captions), black on white: captions without Streamlit's 60 % opacity, and
# no focus ring left on the menu's button once the menu is closed (it would stay on the projection).
_FULL_SCREEN_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 1rem; max-width: 100%; }
[data-testid="stAppViewContainer"] { color: #000; background: #fff; }
h1 { font-size: 2.8rem !important; }
[data-testid="stMetricValue"] { font-size: 4.2rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.5rem; }
[data-testid="stMetricDelta"] { font-size: 1.3rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.2rem; color: #222 !important; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stPopover"] button:focus { box-shadow: none !important; outline: none !important; }
[data-testid="stButtonGroup"] button p { font-size: 1.05rem; }
@media (max-width: 1500px) { [data-testid="stButtonGroup"] button p { font-size: 0.875rem; } }
.st-key-slide_clicker { display: none; }
.st-key-slide_text p { font-size: 1.6rem; }
@media (max-height: 800px) {
  h1 { font-size: 2.1rem !important; }
  [data-testid="stMetricValue"] { font-size: 3rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.25rem; }
  .st-key-slide_text p { font-size: 1.3rem; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1rem; }
  h1 { padding: 0.25rem 0 0.5rem !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 0.5rem; }
}
"""

# The charts' type on a slide, in px (lib/charts.py draws for a laptop screen).
SLIDE_FONT_PX = 22


def full_screen() -> None:
    st.html(f"<style>{_FULL_SCREEN_CSS}</style>")


def _go_to(index: int) -> None:
    st.session_state["slide"] = index
    st.session_state["slide_shown_at"] = time.monotonic()


def _set_language(language: str) -> None:
    # the router's chooser too (the browser sends its value on every run, which would win)
    st.session_state["filter_language"] = language
    st.session_state["language"] = language


def slide_bar(t: Translator) -> tuple[int, DeltaGenerator]:
    """The bar above every slide: back and forward (also the Left and Right arrow keys), a chooser
    of the slides by name, the way out, and under a button the language and the timer. Returns
    the slide's index, kept in the link (``?slide=``) so a presenter can open the talk on any
    slide, and that button's menu, where :func:`downloads` goes once the slide is drawn."""
    state = st.session_state
    if "slide" not in state:
        _go_to(slides.slide_index(st.query_params.get("slide")))
    index = state["slide"]
    back, chooser, forward, options, leave = st.columns([0.8, 9, 0.8, 1.6, 1.2], vertical_alignment="center")
    for column, symbol, direction, key, step in (
        (back, "◀", "back", "Left", -1),
        (forward, "▶", "forward", "Right", 1),
    ):
        column.button(
            symbol,
            key=f"slide_{direction}",
            help=t(f"presentation.{direction}"),
            shortcut=key,
            on_click=_go_to,
            args=(slides.moved(index, step),),
        )
    with st.container(key="slide_clicker"):  # a presenter's remote sends Page Down / Page Up
        for symbol, key, step in (("⏭", "PageDown", 1), ("⏮", "PageUp", -1)):
            st.button(symbol, key=f"slide_{key}", shortcut=key, on_click=_go_to, args=(slides.moved(index, step),))
    picked = chooser.segmented_control(
        t("presentation.slides"),
        range(len(slides.SLIDES)),
        default=index,
        format_func=lambda i: f"{i + 1}. {t(f'slide.{slides.SLIDES[i]}.short')}",
        key=f"slide_chooser_{index}_{t.language}",
        label_visibility="collapsed",
    )
    if picked is not None and picked != index:
        _go_to(picked)
        st.rerun()
    menu = options.popover(t.language.upper(), icon=":material/settings:", width="stretch")
    with menu:
        st.segmented_control(
            t("presentation.language"),
            list(LANGUAGES),
            default=t.language,
            format_func=LANGUAGES.get,
            key=f"slide_language_{t.language}",
            on_change=lambda: _set_language(state[f"slide_language_{t.language}"] or t.language),
        )
        seconds = st.selectbox(
            t("presentation.timer"),
            (0, *slides.ADVANCE_SECONDS),
            format_func=lambda s: t("presentation.timer_off") if not s else t("presentation.timer_every", seconds=s),
            key=f"slide_timer_{t.language}",
        )
        st.caption(t("presentation.keys_help"))
    leave.page_link("pages/overview.py", label=t("presentation.leave"), icon=":material/close:")
    if seconds:
        _advance_every(seconds, index)
    st.query_params["slide"] = slides.SLIDES[index]
    return index, menu


def _advance_every(seconds: int, index: int) -> None:
    """Move to the next slide once it has been on the screen ``seconds`` (checked each second)."""

    @st.fragment(run_every=1)
    def tick() -> None:
        if time.monotonic() - st.session_state.get("slide_shown_at", 0) >= seconds:
            _go_to(slides.moved(index, 1))
            st.rerun()

    tick()


def slide_title(slide: str, t: Translator) -> None:
    st.title(t(f"slide.{slide}.title"))


def big_figures(kpis: list[Kpi], t: Translator) -> None:
    """Key figures as large cards side by side, each with what it is measured against and its source."""
    for column, kpi in zip(st.columns(max(len(kpis), 2)), kpis):
        column.metric(t(f"kpi.{kpi.key}"), kpi_value(kpi, t))
        column.caption(kpi_caption(kpi, t))


def counts(counted: dict[str, int], label_of, t: Translator, per_row: int = 4) -> None:
    """Counts as large cards, ``per_row`` to a row (``label_of``: the card's label of each key)."""
    items = list(counted.items())
    for first in range(0, len(items), per_row):
        for column, (key, count) in zip(st.columns(per_row), items[first : first + per_row]):
            column.metric(label_of(key), t.number(count))


def big_chart(figure: go.Figure | None, *, key: str, height: int = 380) -> go.Figure | None:
    """A chart across the slide in type for a hall (nothing when there is nothing to draw);
    returns the figure as drawn, for its downloads."""
    if figure is None:
        return None
    font = {"size": SLIDE_FONT_PX}
    # the legend above the plot: under it, the axis title and the legend collide in large type
    figure.update_layout(
        font=font, height=height, legend={"font": font, "orientation": "h", "y": 1.02, "yanchor": "bottom"}
    )
    figure.update_xaxes(tickfont=font, title_font=font)
    figure.update_yaxes(tickfont=font, title_font=font)
    st.plotly_chart(figure, width="stretch", key=key, config={"displayModeBar": False})
    return figure


def slide_footer(t: Translator, data_date, sources, demonstration: bool) -> str:
    """The day the slide's data are for, its sources (a link to each reporting site) and, when
    demonstration data enter it, the demonstration mark; returns the same as plain text, for the
    slide's chart as an image."""
    sites = slides.source_sites(sources)
    parts, plain = (
        [t("presentation.data_date", date=t.day(data_date))],
        [t("presentation.data_date", date=t.day(data_date))],
    )
    if sites:
        parts.append(f"{t('presentation.sources')}: " + " · ".join(f"[{site}]({url})" for site, url in sites.items()))
        plain.append(f"{t('presentation.sources')}: " + ", ".join(sites))
    if demonstration:
        parts.append(f"**{t('basis.demonstration')}**")
        plain.append(t("basis.demonstration"))
    st.caption(" · ".join(parts))
    return " · ".join(plain)


def lead(text: str) -> None:
    """A sentence in large type under a slide's cards."""
    with st.container(key="slide_text"):
        st.markdown(text)


def figure_grid(kpis: list[Kpi], t: Translator, per_row: int = 2) -> None:
    """Key figures as large cards, ``per_row`` to a row (beside a map)."""
    for first in range(0, len(kpis), per_row):
        big_figures(kpis[first : first + per_row], t)


BLUR_SCRIPT = "<script>if (document.activeElement) document.activeElement.blur();</script>"


def _chosen_in_spotlight() -> None:
    st.session_state["spotlight_chosen"] = True


def spotlight(page, district_id: str, t: Translator) -> tuple[str, list[str], bool]:
    """One district up close: a chooser (its value in the link, ``?district=``), its key figures
    as the public sees them and its map as an image drawn on the server. Returns the district
    shown, its sources and whether demonstration data enter what it shows."""
    cards, picture = st.columns([2, 3])
    with cards:
        names = page.return_area_names()
        district, notes = linked_choice(
            t("presentation.district"),
            names,
            "district",
            key=f"spotlight_{t.language}",
            default=district_id,
            on_change=_chosen_in_spotlight,
        )
        show_link_notes(notes, t)
        if st.session_state.pop("spotlight_chosen", False):
            # the chooser keeps the keyboard, and Streamlit's shortcuts ignore keys typed into a
            # field: the arrows (and a remote's keys) move the slides again
            st.html(BLUR_SCRIPT, unsafe_allow_javascript=True)
        kpis = page.spotlight_figures(district)
        figure_grid(kpis, t)
    with picture:
        st.image(page.map_image(district), width="stretch")
    return district, slides.figure_sources(kpis) + [GEOBOUNDARIES_URL], any(kpi.demonstration for kpi in kpis)


def linked_district(page, default: str) -> str:
    """The district of the link (``?district=``) when it is a return area, else ``default``: the
    spotlight's, which the downloads offer from every slide."""
    asked, _ = choice_from_link(st.query_params.to_dict(), "district", page.return_area_names())
    return asked or default


# The time-lapse's height: its map is fitted to it (lib.timelapse.map_view), and a slide of a
# 1366x768 screen has about this much below its bar and title and above its footer.
TIMELAPSE_HEIGHT_PX = 540


def timelapse(page, t: Translator) -> tuple[list[str], bool]:
    """The return over time on the map (lib/timelapse.py), played, paused and stepped in the
    browser with nothing from outside. Returns its sources and that demonstration data enter it
    (the generated convoys beside the reported ones)."""
    figures = page.timelapse_figures(TIMELAPSE_HEIGHT_PX)
    st.plotly_chart(figures["figure"], theme=None, config=CHART_CONFIG, key="timelapse")
    return figures["sources"], True


def downloads(
    menu: DeltaGenerator, page, district_id: str, slide: str, chart: go.Figure | None, note: str, t: Translator
) -> None:
    """In the bar's menu, what a presenter takes away for slides and reports: the programme's and
    ``district_id``'s briefing (PDF) and map (PNG, 1920x1080), and the slide's ``chart`` as PNG
    and SVG with the slide's title and ``note`` (its date, sources, demonstration mark) — drawn by
    Chromium: without it, a sentence says what is missing. Each file is made when its button is
    clicked."""
    name = page.return_area_names()[district_id]
    day = pd.Timestamp(page.filters.as_of).strftime("%Y-%m-%d")
    stem = f"great-return_{{}}_{t.language}_{day}"
    files = [
        ("briefing_programme", lambda: page.briefing(None), stem.format("programme") + ".pdf", "application/pdf"),
        ("briefing_district", lambda: page.briefing(district_id), stem.format(district_id) + ".pdf", "application/pdf"),
        ("map_programme", lambda: page.map_image(None), stem.format("map_programme") + ".png", "image/png"),
        ("map_district", lambda: page.map_image(district_id), stem.format(f"map_{district_id}") + ".png", "image/png"),
    ]
    with menu:
        st.markdown(f"**{t('presentation.downloads')}**")
        for key, data, file_name, mime in files:
            label = t(f"presentation.download.{key}", district=name)
            st.download_button(label, data, file_name, mime, key=f"download_{key}", icon=":material/download:")
        if chart is None:
            return
        if not chart_images_available():
            st.caption(t("presentation.chart_images_unavailable"))
            return
        image = charts.slide_image(chart, t(f"slide.{slide}.title"), note)
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                t(f"presentation.download.chart_{fmt}"),
                partial(chart_image, image, fmt),
                stem.format(f"chart_{slide}") + f".{fmt}",
                mime,
                key=f"download_chart_{fmt}",
                icon=":material/download:",
            )

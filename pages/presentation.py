"""Conference presentation: the return told in slides on a full screen, offline, as the public may see it."""

import streamlit as st

from lib import charts, readiness_charts, slides
from lib import presentation_view as view
from lib.cache import page_context

page = page_context()
t = page.t

view.full_screen()
figures = page.presentation_figures()
index, menu = view.slide_bar(t)
slide = slides.SLIDES[index]
view.slide_title(slide, t)
shown = slides.slide_figures(figures["kpis"], slide)
sources = slides.figure_sources(shown)
demonstration = any(kpi.demonstration for kpi in shown)
district = view.linked_district(page, figures["spotlight"])
chart = None

if slide == "target":
    view.big_figures(shown, t)
    trajectory = charts.returns_trajectory(figures["series"], figures["trajectory"], figures["reported"], t)
    chart = view.big_chart(trajectory, key=slide)
    sources += list(figures["reported"]["source"])
elif slide == "timelapse":
    sources, demonstration = view.timelapse(page, t)
elif slide in slides.TRENDS:
    trend, over_time = slides.TRENDS[slide], figures["trends"][slide]
    view.big_figures(shown, t)
    name, unit = t(f"kpi.{trend.measure}"), t(f"unit.{trend.unit}")
    chart = view.big_chart(
        charts.measure_over_time(over_time["series"], over_time["reported"], name, unit, t), key=slide
    )
    sources += list(over_time["reported"]["source"])
elif slide == "readiness":
    cards, right = st.columns([2, 3])
    with cards:
        view.counts(figures["readiness"], lambda state: t(f"readiness.state.{state}"), t, per_row=2)
        view.lead(t("slide.readiness.lead", total=t.number(sum(figures["readiness"].values()))))
    with right:
        by_district = readiness_charts.states_by_district(figures["readiness_by_district"], page.return_area_names(), t)
        chart = view.big_chart(by_district, key=slide, height=520)
    demonstration = True  # the checklist rests on demonstration works, houses and hazards
else:
    district, sources, demonstration = view.spotlight(page, district, t)

note = view.slide_footer(t, page.metadata["data_date"], sources, demonstration)
view.downloads(menu, page, district, slide, chart, note, t)

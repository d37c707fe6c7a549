"""The time-lapse alone, built from the cached figures as the presentation page builds it: for
tests/browser/test_timelapse.py while that page (``/presentation?slide=timelapse``) is not there.

``?lang=az|en|ru`` chooses the language. Importing it draws nothing.
"""

from __future__ import annotations

if __name__ == "__main__":  # as Streamlit runs it
    import streamlit as st

    from lib import cache, timelapse
    from lib.config import get_settings
    from lib.filters import EARLIEST_DAY
    from lib.i18n import LANGUAGES, Translator

    st.set_page_config(page_title="Time-lapse test", layout="wide")
    store = cache.ensure_store()
    data_date = cache.load_metadata(store.key, store.version)["data_date"]
    threshold = get_settings().suppression_threshold
    settlements = cache.load_layer(store.key, "settlements", store.version)
    districts = cache.load_layer(store.key, "districts", store.version)
    days = timelapse.frame_days(EARLIEST_DAY, data_date, places=len(settlements))
    frames = timelapse.timelapse_frames(
        settlements,
        cache.public_totals_of(store.key, store.version, data_date, "settlement_id", threshold),
        days,
        exact_by_settlement=cache.daily_totals_of(store.key, store.version, data_date, "settlement_id"),
        threshold=threshold,
    )
    language = st.query_params.get("lang", "az")
    t = Translator(language if language in LANGUAGES else "az")
    figure = timelapse.return_timelapse(frames, districts, t, threshold=threshold)
    st.plotly_chart(figure, theme=None, config=timelapse.CHART_CONFIG, key="timelapse")

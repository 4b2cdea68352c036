"""The chosen place's sentences, newest first, each with its article and a "Wrong place?" control.

The panel scrolls on its own beside the map, so the map stays in view while a reader reads; on a
phone (where it comes under the map) choosing a place brings it into view.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.app import view
from geo.app.widgets import chooser, data
from geo.store.frames import ARTICLES, KIND, LAT, LON, MENTIONS, PLACE, PLACE_KEY
from geo.store.queries import Filters

PANEL_KEY = "panel"
PHONE_WIDTH = 640
"""Pixels: below this the columns stack, and a chosen place's sentences are scrolled into view."""
_SCROLL = """
<script>
setTimeout(function () {
    if (!window.matchMedia("(max-width: %dpx)").matches) return;
    var panel = document.querySelector(".st-key-%s");
    if (panel) panel.scrollIntoView({behavior: "smooth", block: "start"});
}, 300);  /* %s */
</script>
"""
"""Brings the panel into view on a phone (``st.html`` runs it: no text from articles in it; the
comment makes each request new, so it runs again)."""


def sentences(places: pd.DataFrame, filters: Filters, height: int, scroll: bool) -> None:
    """The panel of the chosen place (or how to choose one), ``height`` pixels tall."""
    with st.container(height=height, key=PANEL_KEY):
        key = st.session_state.get("place")
        chosen = places.loc[places[PLACE_KEY] == key] if key else places.iloc[:0]
        if chosen.empty:
            st.info("Click a place on the map (or Tab to it and press Enter), or tick a row of the table, "
                    "to read the sentences that name it.")  # fmt: skip
            return
        place = chosen.iloc[0]
        where = view.place_where(place[PLACE], place["admin1"], place["country_code"])
        st.subheader(place[PLACE])
        st.caption(
            f"{place[KIND]}{' · ' + where if where else ''} · {view.counted(int(place[MENTIONS]), 'mention')} in "
            f"{view.counted(int(place[ARTICLES]), 'article')}"
        )
        items = data.sentences(data.store_path(), data.version(), key, filters)
        for number, item in enumerate(items):
            _item(number, item, place)
        if len(items) >= data.SENTENCES_SHOWN:
            st.caption(f"The newest {data.SENTENCES_SHOWN} sentences; narrow the dates to read older ones.")
    if scroll:
        st.html(_SCROLL % (PHONE_WIDTH, PANEL_KEY, st.session_state.get("place")), unsafe_allow_javascript=True)


def _item(number: int, item: dict, place: pd.Series) -> None:
    estimated = " (estimated)" if item["date_estimated"] else ""
    date = "undated" if item["date"] is None else f"{item['date']:%d %b %Y}{estimated}"
    title = html.escape(item["title"] or item["article_id"])
    source = html.escape(item["outlet"] or Path(item["source"] or "").name)
    st.markdown(
        f"<div class='sentence'>{view.sentence_html(item)}</div>"
        f"<div class='source'><b>{title}</b> · {date} · {source}</div>",
        unsafe_allow_html=True,
    )
    with st.container(horizontal=True, gap="small"):
        if st.button("Open article", key=f"open-{number}-{item['article_id']}", type="tertiary"):
            st.session_state.article = (item["article_id"], str(place[PLACE_KEY]))
            st.rerun()
        start, end = item["spans"][0]
        if st.button("Wrong place?", key=f"wrong-{number}-{item['article_id']}", type="tertiary",
                     help="Choose another place for this name, or none"):  # fmt: skip
            chooser.ask({
                "name": item["sentence"][start:end], "article_id": item["article_id"],
                "start": item["sentence_start"] + start, "place_key": str(place[PLACE_KEY]),
                "place": str(place[PLACE]), "point": (float(place[LAT]), float(place[LON])),
            })  # fmt: skip

"""The chosen place's sentences, newest first, each with its article and a "Wrong place?" control;
those of ``data.SENTENCE_ARTICLES`` articles at a time ("Show more" adds older ones).

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
SHOWN = "sentence_articles"
"""Session state: (place key, articles listed) once a reader has asked for more of a place's sentences."""
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
        articles = _articles_shown(key)
        items = data.sentences(data.store_path(), data.version(), key, filters, articles)
        for number, item in enumerate(items):
            _item(number, item, place)
        if (in_view := int(place[ARTICLES])) > articles:
            st.caption(f"Sentences from the newest {articles:,} of {in_view:,} articles.")
            st.button(
                "Show more", key="more_sentences", on_click=_show_more, args=(key, articles), type="tertiary",
                icon=":material/expand_more:", help=f"Add the sentences of {data.SENTENCE_ARTICLES} older articles",
            )  # fmt: skip
    if scroll:
        st.html(_SCROLL % (PHONE_WIDTH, PANEL_KEY, st.session_state.get("place")), unsafe_allow_javascript=True)


def _articles_shown(place_key: str) -> int:
    """How many articles' sentences the panel lists for this place: the first page, or more."""
    shown_for, articles = st.session_state.get(SHOWN, (None, 0))
    return articles if shown_for == place_key else data.SENTENCE_ARTICLES


def _show_more(place_key: str, articles: int) -> None:
    st.session_state[SHOWN] = (place_key, articles + data.SENTENCE_ARTICLES)


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

"""An article in a dialog: its text with every recognised name highlighted (hover: the place and the
confidence; the place the reader came from stands out), and its names with a "Wrong place?" control."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from geo.app import view
from geo.app.widgets import chooser, data
from geo.store.frames import KIND, LAT, LON, PLACE, PLACE_KEY


@st.dialog("Article", width="large")
def show(article_id: str, came_from: str | None = None) -> None:
    """The article, opened from the sentences of the place ``came_from``."""
    article = data.reader(data.store_path()).article(article_id)
    if article is None:
        st.error("This article is no longer in the store.")
        return
    st.markdown(f"### {html.escape(article['title'] or article_id)}", unsafe_allow_html=True)
    date = article["date"].isoformat() if article["date"] else "undated"
    sources = " · ".join(html.escape(source) for source in article["sources"])
    st.caption(f"{date}{' (estimated)' if article['date_estimated'] else ''} · {sources}")
    if article["url"]:
        st.link_button("Open the source", article["url"])
    mentions = article["mentions"]
    st.markdown(
        f"<div class='article'>{view.article_html(article['text'], mentions, came_from)}</div>",
        unsafe_allow_html=True,
    )
    if not mentions.empty:
        st.markdown("**Names in this article**")
        _names(article_id, mentions)


def _names(article_id: str, mentions: pd.DataFrame) -> None:
    """One line per name as written and the place it went to, with a "Wrong place?" control."""
    mentions = mentions.assign(placed=mentions[PLACE_KEY].fillna(""))
    for number, ((name, key), group) in enumerate(mentions.groupby(["text", "placed"], sort=False)):
        first = group.iloc[0]
        target = f"{first[PLACE]} ({first[KIND]})" if key else "no place"
        line, control = st.columns([4, 1], vertical_alignment="center")
        line.markdown(
            f"“{html.escape(name)}” → {html.escape(target)} · {view.counted(len(group), 'mention')}",
            unsafe_allow_html=True,
        )
        if control.button("Wrong place?" if key else "Place it", key=f"name-{number}", type="tertiary"):
            chooser.ask({
                "name": name, "article_id": article_id, "start": int(first["start"]), "place_key": key or None,
                "place": first[PLACE] if key else None,
                "point": (float(first[LAT]), float(first[LON])) if key else None,
            })  # fmt: skip

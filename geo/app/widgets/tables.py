"""The tables under the map: the places in view (tick one to choose it), and the stored articles
(tick some to remove them: a wrong upload, say), with the articles stored unparsed and why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.app import view
from geo.app.widgets import data, selection
from geo.errors import StoreBusy
from geo.store.frames import ADMIN1, ARTICLES, CONFIDENCE, COUNTRY_CODE, KIND, LAST_DATE, MENTIONS, PLACE
from geo.store.queries import Filters, Overview

PLACE_COLUMNS = {
    PLACE: "Place",
    KIND: "Kind",
    COUNTRY_CODE: "Country",
    ADMIN1: "Region",
    MENTIONS: st.column_config.NumberColumn("Mentions"),
    ARTICLES: st.column_config.NumberColumn("Articles"),
    CONFIDENCE: st.column_config.NumberColumn("Top confidence", format="percent"),
    LAST_DATE: st.column_config.DateColumn("Last mentioned", format="YYYY-MM-DD"),
}
"""The places table's columns, in order, and their headings."""
ARTICLE_COLUMNS = {
    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
    "title": "Title",
    "outlet": "Outlet",
    "source": "Source",
    "places": st.column_config.NumberColumn("Places"),
    "place_names": "Most named",
    "note": "Not parsed because",
}
"""The articles table's columns, in order, and their headings."""


PLACES_LISTED = 1000
"""Rows of the places table: the most-mentioned places in view. Nobody scrolls further (search finds
the rest), and every row is sent to the browser: the 6,379 places of a large store's view were 1.8 MB."""


def listed(places: pd.DataFrame) -> pd.DataFrame:
    """The places the table lists (``places`` is ordered most-mentioned first)."""
    return places.head(PLACES_LISTED)


def places_table(places: pd.DataFrame, filters: Filters) -> None:
    """The places in view; ticking a row chooses the place (see ``selection``)."""
    key = selection.table_key(filters)
    shown = listed(places)
    if len(shown) < len(places):
        st.caption(
            f"The {len(shown):,} most-mentioned of {len(places):,} places in view: search for a name to list others."
        )
    rows = selection.ticked_rows(shown)
    st.dataframe(
        shown[list(PLACE_COLUMNS)], on_select="rerun", selection_mode="single-row", hide_index=True, width="stretch",
        key=key, column_config=PLACE_COLUMNS, placeholder="",
        selection_default={"selection": {"rows": rows}} if rows else None,
    )  # fmt: skip
    selection.table_drawn(key, rows)


def articles_table(stored: Overview) -> None:
    """The newest stored articles; the ticked ones can be removed with everything found in them."""
    listed = data.articles(data.store_path(), data.version())
    shown = f"the newest {len(listed):,} of " if len(listed) < stored.articles else ""
    st.caption(f"Showing {shown}{view.counted(stored.articles, 'stored article')}. Tick articles to remove them.")
    for note, count in stored.unparsed.items():
        st.caption(f"{view.counted(count, 'article')} stored but not parsed: {note}.")
    event = st.dataframe(
        listed[list(ARTICLE_COLUMNS)], on_select="rerun", selection_mode="multi-row", hide_index=True,
        width="stretch", key=f"articles-{data.version()}", column_config=ARTICLE_COLUMNS, placeholder="",
    )  # fmt: skip
    ticked = list(event.selection.rows) if event else []
    if not ticked:
        return
    ids = listed.iloc[ticked]["article_id"].tolist()
    if st.button(f"Remove {view.counted(len(ids), 'article')}", type="primary", key="remove_articles",
                 help="Take them out of the store, with their places; the files are not touched"):  # fmt: skip
        try:
            removed = data.store().remove(ids)
        except StoreBusy as busy:
            st.error(f"{busy}. Nothing was removed.")
            return
        st.session_state.notice = f"Removed {view.counted(removed, 'article')}."
        st.rerun()

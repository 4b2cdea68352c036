"""The readers' corrections, newest first, each with Undo; and the names recognised but placed nowhere,
each with a way to place it."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from geo.app import view
from geo.app.choices import SCOPE_LABELS
from geo.app.widgets import chooser, data
from geo.errors import StoreBusy
from geo.store.corrections import Scope


def listed() -> None:
    """Every correction (name, from, to, scope, when) with an Undo button."""
    found = data.corrections_listed(data.store_path(), data.version())
    if found.empty:
        st.caption("No corrections yet. “Wrong place?” under a sentence, or in an article, makes one.")
        return
    st.caption(f"{view.counted(len(found), 'correction')}, newest first; Undo puts the names back as they were.")
    for row in found.to_dict("records"):
        line, control = st.columns([5, 1], vertical_alignment="center")
        origin = row["from_place"] if isinstance(row["from_place"], str) else "no place"
        when = pd.Timestamp(row["created_at"]).strftime("%d %b %Y %H:%M")
        line.markdown(
            f"“{html.escape(row['name'])}”: {html.escape(origin)} → <b>{html.escape(row['to_place'])}</b>"
            f" · {html.escape(SCOPE_LABELS[Scope(row['scope'])])} · {when}",
            unsafe_allow_html=True,
        )
        if control.button("Undo", key=f"undo-{row['id']}", type="tertiary"):
            _undo(int(row["id"]), row["name"])


def _undo(correction_id: int, name: str) -> None:
    try:
        data.corrections().undo(correction_id)
    except StoreBusy as busy:
        st.error(f"{busy}. Nothing was changed: try again in a moment.")
        return
    st.session_state.notice = f"Undone: “{name}” is back as the geoparser placed it."
    st.rerun()


def unresolved() -> None:
    """Names the geoparser recognised but found no place for, most frequent first."""
    found = data.unresolved(data.store_path(), data.version())
    if found.empty:
        st.caption("Every recognised name has a place.")
        return
    st.caption("Recognised as places, but not found in the gazetteer: place them, or say they are none.")
    for number, row in enumerate(found.to_dict("records")):
        line, control = st.columns([5, 1], vertical_alignment="center")
        line.markdown(
            f"“{html.escape(row['name'])}” · {view.counted(int(row['mentions']), 'mention')} in "
            f"{view.counted(int(row['articles']), 'article')}",
            unsafe_allow_html=True,
        )
        if control.button("Place it", key=f"place-{number}", type="tertiary"):
            chooser.ask({
                "name": row["name"], "article_id": row["article_id"], "start": int(row["start"]),
                "place_key": None, "place": None, "point": None,
            })  # fmt: skip

"""When: the date slider, Play with a step back and forward, the day shown, and the timeline, where
dragging across the bars chooses the dates.

Session state: ``dates`` (the slider, in the URL), ``playing``, ``pending_dates`` (the next window
Play moves to: a slider's value cannot change once it is drawn in a run), ``timeline_epoch`` (raised
to clear the timeline's drag once it has been applied).
"""

from __future__ import annotations

import datetime as dt
import html
import time

import pandas as pd
import streamlit as st

from geo.app import view
from geo.app.window import Window, at_end, brushed, label, play_start, stepped, tick_dates
from geo.store.frames import DATE, MENTIONS

PLAY_SECONDS = 1.0
"""How long Play shows each day."""
BRUSH = "brush"
"""The timeline's drag selection (a Vega-Lite interval parameter)."""
SELECTED_COLOUR, OTHER_COLOUR = "#d62728", "#b0b0b0"
"""Timeline bars inside and outside the chosen dates."""
TIMELINE_HEIGHT = 110
"""Pixels: the timeline's height on the page, axis labels included."""


def _window(bounds: Window) -> Window:
    return tuple(st.session_state.get("dates", bounds))


def _toggle_play(bounds: Window) -> None:
    playing = st.session_state.get("playing", False)
    st.session_state.playing = not playing
    if not playing:
        st.session_state.dates = play_start(_window(bounds), bounds)


def _step(bounds: Window, days: int) -> None:
    st.session_state.playing = False
    moved = stepped(_window(bounds), bounds, days)
    if moved is not None:
        st.session_state.dates = moved


def controls(bounds: Window) -> Window:
    """The date slider, and Play with a day back and a day forward; the dates chosen."""
    if "pending_dates" in st.session_state:
        st.session_state.dates = st.session_state.pop("pending_dates")
    playing = st.session_state.get("playing", False)
    slider, buttons = st.columns([3, 2], vertical_alignment="bottom")
    with slider:
        window = st.slider(
            "Dates", min_value=bounds[0], max_value=bounds[1], key="dates", format="YYYY-MM-DD",
            bind="query-params", **({} if "dates" in st.session_state else {"value": bounds}),
        )  # fmt: skip
    current = tuple(window)
    with buttons, st.container(horizontal=True, gap="small"):
        st.button(
            "Day back", icon=":material/skip_previous:", key="step_back", on_click=_step, args=(bounds, -1),
            disabled=stepped(current, bounds, -1) is None, help="Move the dates one day back",
        )  # fmt: skip
        st.button(
            "Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
            key="play", on_click=_toggle_play, args=(bounds,), type="primary" if playing else "secondary",
            help="Step through the days, one a second",
        )  # fmt: skip
        st.button(
            "Day forward", icon=":material/skip_next:", key="step_forward", on_click=_step, args=(bounds, 1),
            disabled=stepped(current, bounds, 1) is None, help="Move the dates one day forward",
        )  # fmt: skip
    return current


def day_banner(window: Window, articles: int) -> None:
    """While playing, or on a single day: that day in large type, and when it has no articles, so."""
    one_day = window[0] == window[1]
    if not st.session_state.get("playing") and not one_day:
        return
    quiet = "" if articles else f"<span class='quiet'>No articles on {'this day' if one_day else 'these days'}</span>"
    st.markdown(f"<div class='day'>{html.escape(label(window))} {quiet}</div>", unsafe_allow_html=True)


def advance(bounds: Window) -> None:
    """At the end of a run while playing: after a pause, the window one day on; at the last day, stop
    (and run again, so the button says Play)."""
    window = _window(bounds)
    if at_end(window, bounds):
        st.session_state.playing = False
        st.rerun()
    time.sleep(PLAY_SECONDS)
    st.session_state.pending_dates = stepped(window, bounds, 1)
    st.rerun()


def timeline_space() -> None:
    """The timeline's room, kept empty (in a visitor's first run: see ``mapview.first_view``)."""
    st.container(height=TIMELINE_HEIGHT, border=False)


def timeline(days: pd.DataFrame, bounds: Window, window: Window | None) -> None:
    """Mentions per day over the whole range, the chosen days in colour; a drag across it chooses
    those days (the slider follows)."""
    days = view.timeline_days(days, *bounds)
    if days.empty:
        return
    if window is None:
        days["selected"] = True
    else:
        days["selected"] = (days[DATE] >= pd.Timestamp(window[0])) & (days[DATE] <= pd.Timestamp(window[1]))
    ticks = [pd.Timestamp(day).isoformat() for day in tick_dates(*bounds)]
    epoch = st.session_state.get("timeline_epoch", 0)
    event = st.vega_lite_chart(
        days, timeline_spec(ticks), on_select="rerun", selection_mode=BRUSH, key=f"timeline-{epoch}", width="stretch"
    )
    interval = (event or {}).get("selection", {}).get(BRUSH) if event else None
    chosen = brushed(interval, DATE, bounds) if interval else None
    if chosen is not None and bounds[0] < bounds[1]:
        st.session_state.pending_dates = chosen
        st.session_state.playing = False
        st.session_state.timeline_epoch = epoch + 1
        st.rerun()


def timeline_spec(ticks: list[str]) -> dict:
    """The timeline's Vega-Lite spec: a bar a day, the chosen days in colour, a drag along the dates
    (``BRUSH``). Written as the spec itself: Altair built and validated the same chart in ~0.1 s a rerun."""
    return {
        "mark": {"type": "bar"},
        "height": TIMELINE_HEIGHT,
        "params": [{"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}}],
        "encoding": {
            "x": {"field": DATE, "type": "temporal", "title": None,
                  "axis": {"values": ticks, "format": "%d %b", "labelOverlap": True}},
            "y": {"field": MENTIONS, "type": "quantitative", "title": "mentions"},
            "color": {"condition": {"test": "datum.selected", "value": SELECTED_COLOUR}, "value": OTHER_COLOUR},
            "tooltip": [
                {"field": DATE, "type": "temporal", "title": "day", "format": "%a %d %b %Y"},
                {"field": MENTIONS, "type": "quantitative"},
            ],
        },
    }  # fmt: skip


def caption_for_single_day(day: dt.date) -> None:
    st.caption(f"All dated articles are from {day:%d %b %Y}.")

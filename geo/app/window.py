"""The date window a reader looks at: playing it day by day, stepping it, choosing it on the timeline.

Plain functions of dates (no Streamlit): a window is a (first, last) pair of days inside the
store's bounds, both included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

__all__ = ["Window", "at_end", "brushed", "label", "play_start", "stepped", "tick_dates"]

Window = tuple[dt.date, dt.date]
TICKS = 8
"""Most dates labelled under the timeline: more would overlap at phone width."""


def play_start(window: Window, bounds: Window) -> Window:
    """Where Play starts: the whole range plays one day at a time from its first day; a window that
    has reached the last day starts again from the first, keeping its width; any other window
    plays on from where it is."""
    if window == bounds:
        return bounds[0], bounds[0]
    if window[1] >= bounds[1]:
        return bounds[0], bounds[0] + (window[1] - window[0])
    return window


def at_end(window: Window, bounds: Window) -> bool:
    """Whether the window has reached the last day (Play stops there)."""
    return window[1] >= bounds[1]


def stepped(window: Window, bounds: Window, days: int) -> Window | None:
    """The window moved ``days`` on (back when negative), keeping its width; None when it is already
    at that end. A step past an end stops at the end."""
    width = window[1] - window[0]
    start = window[0] + dt.timedelta(days=days)
    start = max(bounds[0], min(start, bounds[1] - width))
    moved = (start, start + width)
    return None if moved == window else moved


def brushed(interval: Mapping[str, list], field: str, bounds: Window) -> Window | None:
    """The days an interval dragged across the timeline covers (a Vega-Lite selection: ``field`` to
    [start, end] as epoch milliseconds or ISO text), within the bounds; None for an empty one."""
    values = interval.get(field) or []
    if len(values) != 2:
        return None
    first, last = sorted(_day(value) for value in values)
    first, last = max(first, bounds[0]), min(last, bounds[1])
    return (first, last) if first <= last else None


def _day(value: object) -> dt.date:
    stamp = pd.Timestamp(value, unit="ms") if isinstance(value, (int, float)) else pd.Timestamp(str(value))
    return (stamp + pd.Timedelta(hours=12)).date()  # a bar spans its day: its nearest day


def tick_dates(first: dt.date, last: dt.date, most: int = TICKS) -> list[dt.date]:
    """At most ``most`` distinct days from ``first`` to ``last``, both included, as evenly spaced as
    whole days allow."""
    days = (last - first).days
    count = min(most, days + 1)
    if count <= 1:
        return [first]
    offsets = sorted({round(n * days / (count - 1)) for n in range(count)})
    return [first + dt.timedelta(days=offset) for offset in offsets]


def label(window: Window) -> str:
    """The window as a reader says it: "Saturday 26 February 2022", or "26 Feb – 3 Mar 2022"."""
    first, last = window
    if first == last:
        return f"{first:%A} {first.day} {first:%B %Y}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"

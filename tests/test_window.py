"""The date window: Play's start and stop, steps, a drag on the timeline, tick labels, how it reads."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo.app import window

D = [dt.date(2022, 2, 26) + dt.timedelta(days=n) for n in range(20)]
BOUNDS = (D[0], D[19])


def test_play_starts_on_the_first_day_or_goes_on_from_where_it_is():
    assert window.play_start(BOUNDS, BOUNDS) == (D[0], D[0])
    assert window.play_start((D[3], D[5]), BOUNDS) == (D[3], D[5])
    assert window.play_start((D[17], D[19]), BOUNDS) == (D[0], D[2])  # at the end: again from the start
    assert window.at_end((D[19], D[19]), BOUNDS) and not window.at_end((D[18], D[18]), BOUNDS)


def test_steps_keep_the_width_and_stop_at_the_ends():
    assert window.stepped((D[3], D[5]), BOUNDS, 1) == (D[4], D[6])
    assert window.stepped((D[3], D[5]), BOUNDS, -1) == (D[2], D[4])
    assert window.stepped((D[0], D[2]), BOUNDS, -1) is None
    assert window.stepped((D[17], D[19]), BOUNDS, 1) is None
    assert window.stepped(BOUNDS, BOUNDS, 1) is None
    assert window.stepped((D[16], D[18]), BOUNDS, 5) == (D[17], D[19])


def test_a_drag_on_the_timeline_chooses_the_days_it_covers():
    def ms(day: dt.date, hours: float = 0) -> float:
        return (pd.Timestamp(day) + pd.Timedelta(hours=hours)).value / 1e6

    assert window.brushed({"date": [ms(D[2], -3), ms(D[5], 7)]}, "date", BOUNDS) == (D[2], D[5])
    assert window.brushed({"date": [ms(D[5], 2), ms(D[2])]}, "date", BOUNDS) == (D[2], D[5])
    assert window.brushed({"date": ["2022-02-20T00:00:00", "2022-02-27T00:00:00"]}, "date", BOUNDS) == (D[0], D[1])
    assert window.brushed({"date": []}, "date", BOUNDS) is None
    assert window.brushed({"date": [ms(D[19], 30), ms(D[19], 40)]}, "date", BOUNDS) is None  # past the last day


def test_ticks_are_few_distinct_and_include_both_ends():
    assert window.tick_dates(D[0], D[0]) == [D[0]]
    ticks = window.tick_dates(D[0], D[19])
    assert ticks[0] == D[0] and ticks[-1] == D[19] and len(ticks) <= window.TICKS
    assert len(set(ticks)) == len(ticks) and ticks == sorted(ticks)
    assert window.tick_dates(D[0], D[2]) == D[:3]
    long = window.tick_dates(dt.date(2020, 1, 1), dt.date(2024, 1, 1))
    assert len(long) <= window.TICKS and len(set(long)) == len(long)


def test_the_window_reads_as_words():
    assert window.label((D[0], D[0])) == "Saturday 26 February 2022"
    assert window.label((D[0], D[5])) == "26 Feb – 3 Mar 2022"
    assert window.label((dt.date(2021, 12, 30), dt.date(2022, 1, 2))) == "30 Dec 2021 – 2 Jan 2022"

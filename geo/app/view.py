"""What the dashboard shows, as plain functions of what the store's queries return (no Streamlit here).

The queries (``geo.store.queries.StoreReader``) hand out per-place and per-day aggregates, one
place's sentences and one article; these functions turn them into what a reader sees: escaped
HTML with the names highlighted, a complete day-by-day timeline, and the exports. Every string
from an article that reaches HTML goes through ``html.escape`` here.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from gazetteer import KINDS, Match
from geo.store.frames import ADMIN1, COUNTRY_CODE, DATE, EXPORT_COLUMNS, KIND, LAT, LON, MENTIONS, PLACE, PLACE_KEY

__all__ = [
    "KIND_CHOICES", "Mark", "article_html", "counted", "highlight", "mention_title", "place_where", "sentence_html",
    "summary", "timeline_days", "to_csv", "to_geojson",
]  # fmt: skip

KIND_CHOICES = tuple(sorted(KINDS, key=lambda kind: kind == "continent"))
"""The kinds in the order the dashboard offers them: continents last, as they say least about
where the news is."""


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """A highlighted span: its offsets, the text shown on hover and a CSS class ("" for none)."""

    start: int
    end: int
    title: str = ""
    css_class: str = ""


def highlight(text: str, spans: Iterable[tuple[int, int] | Mark]) -> str:
    """Escaped HTML of ``text`` with each span ((start, end) or ``Mark``) wrapped in ``<mark>``;
    a span overlapping an earlier one is left out."""
    pieces, cursor = [], 0
    for mark in sorted({span if isinstance(span, Mark) else Mark(*span) for span in spans}):
        if mark.start < cursor:
            continue
        attributes = "".join(
            f' {name}="{html.escape(value, quote=True)}"'
            for name, value in (("class", mark.css_class), ("title", mark.title))
            if value
        )
        pieces.append(html.escape(text[cursor : mark.start]))
        pieces.append(f"<mark{attributes}>{html.escape(text[mark.start : mark.end])}</mark>")
        cursor = mark.end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")


def sentence_html(item: dict) -> str:
    """One sentence of ``StoreReader.sentences``, escaped, with the place's names highlighted."""
    return highlight(item["sentence"] or "", item["spans"])


CHOSEN, UNPLACED = "chosen", "unplaced"
"""CSS classes of an article's marks: a mention of the place the reader came from; a name placed nowhere."""


def article_html(text: str, article_mentions: pd.DataFrame, chosen: str | None = None) -> str:
    """A whole article, escaped, with every recognised name highlighted: hovering one tells its place
    and confidence; mentions of the ``chosen`` place (the one the reader clicked) stand out, names
    placed nowhere are marked apart."""
    marks = []
    for mention in article_mentions.to_dict("records"):
        key = mention[PLACE_KEY] if isinstance(mention[PLACE_KEY], str) else None
        css = CHOSEN if key is not None and key == chosen else UNPLACED if key is None else ""
        marks.append(Mark(int(mention["start"]), int(mention["end"]), mention_title(mention), css))
    return highlight(text, marks)


def mention_title(mention: dict) -> str:
    """What hovering a mention says: its place (kind, where) and the confidence, or why it has none."""
    corrected = mention.get("match") == str(Match.CORRECTED)
    if not isinstance(mention.get(PLACE_KEY), str):
        return "Marked “not a place” by a reader" if corrected else "No place found for this name"
    where = place_where(mention[PLACE], mention.get(ADMIN1), mention.get(COUNTRY_CODE))
    how = "corrected by a reader" if corrected else f"confidence {float(mention['score']):.0%}"
    return f"{mention[PLACE]} ({mention[KIND]}{', ' + where if where else ''}) · {how}"


def place_where(name: str, admin1: object, country_code: object) -> str:
    """"Kharkiv, UA": the admin area and country of a place, without repeating its own name."""
    return ", ".join(str(part) for part in (admin1, country_code) if isinstance(part, str) and part and part != name)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """"1 article", "2,041 articles"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def summary(places: int, mentions: int, articles: int, undated: int = 0) -> str:
    """The line above the map: "33 places · 201 mentions · 5 articles" (and undated articles)."""
    parts = [counted(places, "place"), counted(mentions, "mention"), counted(articles, "article")]
    if undated:
        parts.append(f"{counted(undated, 'undated article')}")
    return " · ".join(parts)


def timeline_days(days: pd.DataFrame, first: dt.date | None = None, last: dt.date | None = None) -> pd.DataFrame:
    """Mentions per day with every day of the span present (days without mentions at 0)."""
    if days.empty and first is None:
        return pd.DataFrame({DATE: pd.Series(dtype="datetime64[ns]"), MENTIONS: pd.Series(dtype=int)})
    counts = pd.Series(days[MENTIONS].to_numpy(), index=pd.to_datetime(days[DATE]))
    start = pd.Timestamp(first) if first is not None else counts.index.min()
    end = pd.Timestamp(last) if last is not None else counts.index.max()
    every = pd.date_range(start, end, freq="D")
    counts = counts.reindex(every, fill_value=0)
    return pd.DataFrame({DATE: every, MENTIONS: counts.to_numpy().astype(int)})


def to_csv(batches: Iterable[pd.DataFrame]) -> bytes:
    """Exported mentions (batches of ``frames.EXPORT_COLUMNS``) as CSV (UTF-8), dates as YYYY-MM-DD."""
    out = io.StringIO()
    header = True
    for frame in batches:
        frame = frame[list(EXPORT_COLUMNS)].assign(**{DATE: _iso_dates(frame[DATE])})
        frame.to_csv(out, index=False, header=header)
        header = False
    if header:
        pd.DataFrame(columns=list(EXPORT_COLUMNS)).to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def to_geojson(batches: Iterable[pd.DataFrame]) -> str:
    """Exported mentions as a GeoJSON FeatureCollection of points, dates as YYYY-MM-DD."""
    features = []
    for frame in batches:
        frame = frame[list(EXPORT_COLUMNS)].assign(**{DATE: _iso_dates(frame[DATE])})
        for row in frame.itertuples(index=False, name=None):
            values = dict(zip(EXPORT_COLUMNS, row))
            properties = {
                column: None if _missing(value) else _plain(value)
                for column, value in values.items()
                if column not in (LAT, LON)
            }
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(values[LON]), float(values[LAT])]},
                    "properties": properties,
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _iso_dates(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d").where(dates.notna(), None)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _plain(value: object) -> object:
    """A JSON-ready value: numpy scalars as Python numbers and booleans."""
    return value.item() if hasattr(value, "item") else value

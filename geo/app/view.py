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

import pandas as pd

from gazetteer import KINDS
from geo.store.frames import DATE, EXPORT_COLUMNS, LAT, LON, MENTIONS

__all__ = ["KIND_CHOICES", "article_html", "highlight", "sentence_html", "timeline_days", "to_csv", "to_geojson"]

KIND_CHOICES = tuple(sorted(KINDS, key=lambda kind: kind == "continent"))
"""The kinds in the order the dashboard offers them: continents last, as they say least about
where the news is."""


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escaped HTML of ``text`` with each (start, end) span wrapped in ``<mark>``."""
    pieces, cursor = [], 0
    for start, end in sorted(set(spans)):
        if start < cursor:
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")


def sentence_html(item: dict) -> str:
    """One sentence of ``StoreReader.sentences``, escaped, with the place's names highlighted."""
    return highlight(item["sentence"] or "", item["spans"])


def article_html(text: str, article_mentions: pd.DataFrame) -> str:
    """A whole article, escaped, with every place mention highlighted."""
    return highlight(text, zip(article_mentions["start"], article_mentions["end"]))


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

"""What the dashboard shows, as plain functions of the stored mentions (no Streamlit here).

The mentions frame is ``Store.mentions_frame()``: one row per place mention with its place and
its article's title, date and source. Filtering keeps rows; the other functions summarise them.
Every string that reaches HTML goes through ``html.escape`` here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass

import pandas as pd

KINDS = ("country", "region", "city", "feature", "continent")


@dataclass(frozen=True, slots=True)
class Filters:
    """The dashboard's current view."""

    start: dt.date | None = None
    end: dt.date | None = None
    include_undated: bool = True
    kinds: tuple[str, ...] = KINDS
    min_score: float = 0.0
    query: str = ""


def date_bounds(mentions: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last article date among the mentions (None when nothing is dated)."""
    dates = mentions["date"].dropna()
    if dates.empty:
        return None
    return pd.Timestamp(dates.min()).date(), pd.Timestamp(dates.max()).date()


def filter_mentions(mentions: pd.DataFrame, filters: Filters, article_texts: dict[str, str] | None = None) -> pd.DataFrame:
    """Mentions in the date range (plus undated ones if asked), of the kinds, scores and query given.

    The query matches, case-insensitively, a place's name, the mention's text, the article's
    title, or anywhere in the article's text when ``article_texts`` is given.
    """
    dates = pd.to_datetime(mentions["date"])
    keep = dates.isna() if filters.include_undated else pd.Series(False, index=mentions.index)
    in_range = dates.notna()
    if filters.start is not None:
        in_range &= dates >= pd.Timestamp(filters.start)
    if filters.end is not None:
        in_range &= dates <= pd.Timestamp(filters.end)
    keep |= in_range
    keep &= mentions["kind"].isin(filters.kinds) & (mentions["score"] >= filters.min_score)
    query = filters.query.strip().casefold()
    if query:
        hit = (
            mentions["place"].str.casefold().str.contains(query, regex=False)
            | mentions["text"].str.casefold().str.contains(query, regex=False)
            | mentions["title"].fillna("").str.casefold().str.contains(query, regex=False)
        )
        if article_texts:
            matching = {i for i, text in article_texts.items() if query in text.casefold()}
            hit |= mentions["article_id"].isin(matching)
        keep &= hit
    return mentions[keep]


def places_summary(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per place: where it is, how often and in how many articles it is mentioned."""
    if mentions.empty:
        return pd.DataFrame(
            columns=["place_key", "place", "kind", "country_code", "admin1", "lat", "lon", "mentions", "articles", "last_date"]
        )
    grouped = mentions.groupby("place_key", sort=False)
    summary = grouped.agg(
        place=("place", "first"),
        kind=("kind", "first"),
        country_code=("country_code", "first"),
        admin1=("admin1", "first"),
        lat=("lat", "first"),
        lon=("lon", "first"),
        mentions=("article_id", "size"),
        articles=("article_id", "nunique"),
        last_date=("date", "max"),
    )
    return summary.reset_index().sort_values(["mentions", "place"], ascending=[False, True], ignore_index=True)


def timeline(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions per day (dated articles only), every day of the span present."""
    dated = pd.to_datetime(mentions["date"]).dropna()
    if dated.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "mentions": pd.Series(dtype=int)})
    counts = dated.value_counts().sort_index()
    days = pd.date_range(counts.index.min(), counts.index.max(), freq="D")
    counts = counts.reindex(days, fill_value=0)
    return pd.DataFrame({"date": counts.index, "mentions": counts.to_numpy()})


def undated_articles(mentions: pd.DataFrame) -> int:
    """How many articles with place mentions have no date."""
    return int(mentions.loc[mentions["date"].isna(), "article_id"].nunique())


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
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


def sentences_for(mentions: pd.DataFrame, place_key: str, article_texts: dict[str, str]) -> list[dict]:
    """Every sentence that mentions a place, newest article first, with the place highlighted.

    Each item: article_id, title, date, source, url, and ``html`` (escaped, with ``<mark>``).
    Several mentions in one sentence give one item.
    """
    rows = mentions[mentions["place_key"] == place_key]
    rows = rows.assign(_date=pd.to_datetime(rows["date"])).sort_values(
        ["_date", "article_id", "sentence_start"], ascending=[False, True, True], na_position="last"
    )
    items = []
    for (article_id, sentence_start, sentence_end), group in rows.groupby(
        ["article_id", "sentence_start", "sentence_end"], sort=False
    ):
        text = article_texts.get(article_id, "")
        sentence = text[sentence_start:sentence_end]
        spans = [(s - sentence_start, e - sentence_start) for s, e in zip(group["start"], group["end"])]
        first = group.iloc[0]
        items.append(
            {
                "article_id": article_id,
                "title": _optional(first["title"]),
                "date": None if pd.isna(first["date"]) else pd.Timestamp(first["date"]).date(),
                "date_estimated": bool(first["date_estimated"]),
                "source": _optional(first["source"]),
                "url": _optional(first["url"]),
                "html": highlight(sentence, spans),
            }
        )
    return items


def _optional(value: object) -> str | None:
    """A text field of a frame row, None when missing (pandas gives NaN or None)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def article_html(text: str, article_mentions: pd.DataFrame) -> str:
    """A whole article, escaped, with every place mention highlighted."""
    return highlight(text, list(zip(article_mentions["start"], article_mentions["end"])))


EXPORT_COLUMNS = [
    "article_id", "date", "date_estimated", "title", "source", "url", "text", "start", "end", "score", "match",
    "place", "kind", "country_code", "admin1", "lat", "lon",
]  # fmt: skip


def to_csv(mentions: pd.DataFrame) -> bytes:
    """The mentions of the view as CSV (UTF-8)."""
    return mentions[EXPORT_COLUMNS].to_csv(index=False).encode("utf-8")


def to_geojson(mentions: pd.DataFrame) -> str:
    """The mentions of the view as a GeoJSON FeatureCollection of points."""
    features = []
    for row in mentions[EXPORT_COLUMNS].itertuples(index=False):
        properties = {
            column: (None if pd.isna(value) else value.isoformat() if hasattr(value, "isoformat") else value)
            for column, value in zip(EXPORT_COLUMNS, row)
            if column not in ("lat", "lon")
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(row.lon), float(row.lat)]},
                "properties": properties,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)

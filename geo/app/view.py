"""What the dashboard shows, as plain functions of the stored mentions (no Streamlit here).

The mentions frame is ``Store.mentions_frame()``: one row per place mention with its place and
its article's title, date and source (columns named in ``geo.store.frames``). Filtering keeps
rows; the other functions summarise them. Every string that reaches HTML goes through
``html.escape`` here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass

import pandas as pd

from gazetteer import KINDS
from geo.store.frames import (
    ARTICLE_ID,
    ARTICLES,
    DATE,
    DATE_ESTIMATED,
    END,
    EXPORT_COLUMNS,
    KIND,
    LAST_DATE,
    LAT,
    LON,
    MENTIONS,
    PLACE,
    PLACE_DETAILS,
    PLACE_KEY,
    PLACES_FRAME,
    SCORE,
    SENTENCE_END,
    SENTENCE_START,
    SOURCE,
    START,
    TEXT,
    TITLE,
    URL,
)

KIND_CHOICES = tuple(sorted(KINDS, key=lambda kind: kind == "continent"))
"""The kinds in the order the dashboard offers them: continents last, as they say least about
where the news is."""


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
    dates = mentions[DATE].dropna()
    if dates.empty:
        return None
    return pd.Timestamp(dates.min()).date(), pd.Timestamp(dates.max()).date()


def filter_mentions(
    mentions: pd.DataFrame, filters: Filters, article_texts: dict[str, str] | None = None
) -> pd.DataFrame:
    """Mentions in the date range (plus undated ones if asked), of the kinds, scores and query given.

    The query matches, case-insensitively, a place's name, the mention's text, the article's
    title, or anywhere in the article's text when ``article_texts`` is given.
    """
    dates = pd.to_datetime(mentions[DATE])
    keep = dates.isna() if filters.include_undated else pd.Series(False, index=mentions.index)
    in_range = dates.notna()
    if filters.start is not None:
        in_range &= dates >= pd.Timestamp(filters.start)
    if filters.end is not None:
        in_range &= dates <= pd.Timestamp(filters.end)
    keep |= in_range
    keep &= mentions[KIND].isin(filters.kinds) & (mentions[SCORE] >= filters.min_score)
    query = filters.query.strip().casefold()
    if query:
        hit = (
            mentions[PLACE].str.casefold().str.contains(query, regex=False)
            | mentions[TEXT].str.casefold().str.contains(query, regex=False)
            | mentions[TITLE].fillna("").str.casefold().str.contains(query, regex=False)
        )
        if article_texts:
            matching = {i for i, text in article_texts.items() if query in text.casefold()}
            hit |= mentions[ARTICLE_ID].isin(matching)
        keep &= hit
    return mentions[keep]


def places_summary(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per place: where it is, how often and in how many articles it is mentioned."""
    if mentions.empty:
        return pd.DataFrame(columns=list(PLACES_FRAME))
    details = {column: (column, "first") for column in PLACE_DETAILS}
    counts = {MENTIONS: (ARTICLE_ID, "size"), ARTICLES: (ARTICLE_ID, "nunique"), LAST_DATE: (DATE, "max")}
    summary = mentions.groupby(PLACE_KEY, sort=False).agg(**details, **counts)
    return summary.reset_index().sort_values([MENTIONS, PLACE], ascending=[False, True], ignore_index=True)


def timeline(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions per day (dated articles only), every day of the span present."""
    dated = pd.to_datetime(mentions[DATE]).dropna()
    if dated.empty:
        return pd.DataFrame({DATE: pd.Series(dtype="datetime64[ns]"), MENTIONS: pd.Series(dtype=int)})
    counts = dated.value_counts().sort_index()
    days = pd.date_range(counts.index.min(), counts.index.max(), freq="D")
    counts = counts.reindex(days, fill_value=0)
    return pd.DataFrame({DATE: counts.index, MENTIONS: counts.to_numpy()})


def undated_articles(mentions: pd.DataFrame) -> int:
    """How many articles with place mentions have no date."""
    return int(mentions.loc[mentions[DATE].isna(), ARTICLE_ID].nunique())


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

    Each item: the article's article_id, title, date, date_estimated, source and url (keyed by
    their column names), and ``html``, the sentence (escaped, with ``<mark>``). Several mentions in
    one sentence give one item.
    """
    rows = mentions[mentions[PLACE_KEY] == place_key]
    rows = rows.assign(_date=pd.to_datetime(rows[DATE])).sort_values(
        ["_date", ARTICLE_ID, SENTENCE_START], ascending=[False, True, True], na_position="last"
    )
    items = []
    for (article_id, sentence_start, sentence_end), group in rows.groupby(
        [ARTICLE_ID, SENTENCE_START, SENTENCE_END], sort=False
    ):
        text = article_texts.get(article_id, "")
        sentence = text[sentence_start:sentence_end]
        spans = [(s - sentence_start, e - sentence_start) for s, e in zip(group[START], group[END])]
        first = group.iloc[0]
        items.append(
            {
                ARTICLE_ID: article_id,
                TITLE: _optional(first[TITLE]),
                DATE: None if pd.isna(first[DATE]) else pd.Timestamp(first[DATE]).date(),
                DATE_ESTIMATED: bool(first[DATE_ESTIMATED]),
                SOURCE: _optional(first[SOURCE]),
                URL: _optional(first[URL]),
                "html": highlight(sentence, spans),
            }
        )
    return items


def _optional(value: object) -> str | None:
    """A text field of a frame row, None when missing (pandas gives NaN or None)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def article_html(text: str, article_mentions: pd.DataFrame) -> str:
    """A whole article, escaped, with every place mention highlighted."""
    return highlight(text, list(zip(article_mentions[START], article_mentions[END])))


def to_csv(mentions: pd.DataFrame) -> bytes:
    """The mentions of the view as CSV (UTF-8)."""
    return mentions[list(EXPORT_COLUMNS)].to_csv(index=False).encode("utf-8")


def to_geojson(mentions: pd.DataFrame) -> str:
    """The mentions of the view as a GeoJSON FeatureCollection of points."""
    features = []
    for row in mentions[list(EXPORT_COLUMNS)].itertuples(index=False, name=None):
        values = dict(zip(EXPORT_COLUMNS, row))
        properties = {
            column: (None if pd.isna(value) else value.isoformat() if hasattr(value, "isoformat") else value)
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
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)

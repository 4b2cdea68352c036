"""The column names of the frames the store hands out, defined once for the store's SQL, the
dashboard's views, the map and the exports.

The mentions frame (``Store.mentions_frame``) has one row per place mention, with its place and its
article; the places summary (``geo.app.view.places_summary``) one row per place. Both use these
names, so code that reads a column imports its name from here.
"""

from __future__ import annotations

# The mention
ARTICLE_ID = "article_id"
START = "start"
END = "end"
TEXT = "text"
"""The mention as the article writes it ("Kiev")."""
SCORE = "score"
MATCH = "match"
SENTENCE_START = "sentence_start"
SENTENCE_END = "sentence_end"

# Its place
PLACE_KEY = "place_key"
PLACE = "place"
"""The place's name in the gazetteer ("Kyiv")."""
KIND = "kind"
COUNTRY_CODE = "country_code"
ADMIN1 = "admin1"
LAT = "lat"
LON = "lon"

# Its article
TITLE = "title"
DATE = "date"
DATE_ESTIMATED = "date_estimated"
SOURCE = "source"
URL = "url"

# Counts of the places summary
MENTIONS = "mentions"
ARTICLES = "articles"
LAST_DATE = "last_date"
CONFIDENCE = "confidence"
"""The highest confidence a place's mentions in the view reach (in steps of ``schema.SCORE_STEPS``)."""

MENTIONS_FRAME = (
    ARTICLE_ID, START, END, TEXT, SCORE, MATCH, SENTENCE_START, SENTENCE_END,
    PLACE_KEY, PLACE, KIND, COUNTRY_CODE, ADMIN1, LAT, LON,
    TITLE, DATE, DATE_ESTIMATED, SOURCE, URL,
)  # fmt: skip
"""The columns of the mentions frame, in order."""

PLACE_DETAILS = (PLACE, KIND, COUNTRY_CODE, ADMIN1, LAT, LON)
"""What the summary tells of a place besides its key: the same in every mention of it."""

PLACES_FRAME = (PLACE_KEY, *PLACE_DETAILS, MENTIONS, ARTICLES, LAST_DATE, CONFIDENCE)
"""The columns of the places summary, in order."""

EXPORT_COLUMNS = (
    ARTICLE_ID, DATE, DATE_ESTIMATED, TITLE, SOURCE, URL, TEXT, START, END, SCORE, MATCH,
    PLACE, KIND, COUNTRY_CODE, ADMIN1, LAT, LON,
)  # fmt: skip
"""The columns of a CSV or GeoJSON export of mentions, in order."""

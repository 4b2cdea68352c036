"""When an article was published: from metadata, from its dateline or header, else estimated from its text.

Datelines read: a ` date YYYY-MM-DD ` marker, a "CITY, Country, Month D, YYYY —" lead, a header
line stating a date (`Updated: Mon, 28 Feb 2022`, `14.03.2022 09:15`: dotted dates are day first).

Our own small patterns find candidate date strings; dateparser (imported on first use, it is slow to
load) turns each candidate into a date. Whole paragraphs never go to dateparser: it would find dates
in words like "may" or "march".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

DATELINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?!\S)\s*", re.IGNORECASE)
"""A leading ` date YYYY-MM-DD ` in front of an article's lead paragraph."""

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DAY_MONTH = rf"(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH})"
_DOTTED = re.compile(rf"(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>{_YEAR})")
"""A printed dd.mm.yyyy date (day first, as sites that print dotted dates write them)."""
_FULL_DATE = re.compile(
    rf"\b(?:{_DAY_MONTH},?\s+{_YEAR}|{_YEAR}-[01]?\d-[0-3]?\d|[01]?\d/[0-3]?\d/{_YEAR}|{_DOTTED.pattern})(?!\d)",
    re.IGNORECASE,
)
_YEAR_ANYWHERE = re.compile(_YEAR)
"""Every full date has a year: a text without one skips `_FULL_DATE`, whose search costs ten times as much."""
_CITY_DATELINE = re.compile(
    rf"[A-Z][A-Z'’.\- ]*[A-Z](?:,\s+[A-Z][\w'’.\- ]*?)*,\s+(?P<date>{_DAY_MONTH},?\s+{_YEAR})"
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:—|–|--|-)"
)
"""A lead's dateline: "ODESA, Ukraine, March 20, 2022 —" (an agency in brackets may follow)."""
_LABEL = re.compile(r"\b(?:updated|published|posted|dated?|filed)\b", re.IGNORECASE)
_BODY_DATE = re.compile(rf"\b(?P<day_month>{_DAY_MONTH})(?:,?\s+(?P<year>{_YEAR}))?(?![\d,]\d)")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(rf"\b({'|'.join(_WEEKDAYS)})\b(?!,?\s+{_DAY_MONTH})")

_RECENT_TEXTS = 64
"""Texts whose body dates are kept: an article read without a date is estimated again, against the
stream's median date, right after it is read (see `ArticleStream`); reading them is most of `_estimate`."""
_HEADER_LINES = 6
_MAX_HEADER_WORDS = 4
_LEAP_YEAR = 2000
_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


def article_date(
    text: str,
    metadata_date: str | None = None,
    reference: dt.date | None = None,
    *,
    latest: dt.date,
    stated: Iterable[str | dt.date | None] = (),
) -> tuple[dt.date | None, bool]:
    """The article's publication date and whether it was estimated from the text.

    Tries the metadata date, then the `stated` ones in order (a date marker cleaning removed, a
    page's printed date line), then a dateline or header in the first lines, then estimates from the
    body (see `_estimate`). Never a date after `latest`, the last possible publication date (the
    day the article is read); (None, False) when the text says nothing.
    """
    for value in (metadata_date, *stated):
        found = value if isinstance(value, dt.date) else value and _metadata_date(value)
        if found and found <= latest:
            return found, False
    head = [line for line in text.splitlines() if line.strip()][:_HEADER_LINES]
    for line in head:
        if (found := line_date(line)) and found <= latest:
            return found, False
    estimate = _estimate(text, reference, latest)
    return (estimate, True) if estimate else (None, False)


def _metadata_date(value: str) -> dt.date | None:
    """The calendar date of a metadata value: ISO 8601 (any time or zone kept as written) or a full date."""
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        found = _full_date(value)
        return _parse(found.group()) if found else None


def _full_date(text: str) -> re.Match[str] | None:
    """The first full date in `text` (`_FULL_DATE`)."""
    return _FULL_DATE.search(text) if _YEAR_ANYWHERE.search(text) else None


def line_date(line: str) -> dt.date | None:
    """The date a header line states: ` date 2022-02-26 ...`, `Updated: Mon, 28 Feb 2022`, `March 17, 2022`.

    A date counts when it leads the line as a dateline ("ODESA, Ukraine, March 20, 2022 —"), follows
    a label (updated, published, posted, date, filed) or stands nearly alone on a line that does not
    end like a sentence.
    """
    if dateline := DATELINE.match(line):
        return _parse(dateline.group(1))
    if dateline := _CITY_DATELINE.match(line):
        return _parse(dateline.group("date"))
    found = _full_date(line)
    if found is None:
        return None
    rest = line[: found.start()] + line[found.end() :]
    alone = len(rest.split()) <= _MAX_HEADER_WORDS and not line.rstrip().endswith((".", "!", "?"))
    return _parse(found.group()) if alone or _LABEL.search(line, 0, found.start()) else None


def _estimate(text: str, reference: dt.date | None, latest: dt.date) -> dt.date | None:
    """Estimate the publication date from the body: the newest calendar date it mentions (none after
    `latest`), moved on to the first day of the weekday the article names most ("said on Thursday").

    A date without a year takes the year that puts it closest to `reference` (else to the newest
    dated mention); with neither, it is ignored. None when no usable date is mentioned.
    """
    mentions = _mentions(text)
    dated = [_parse(f"{day_month} {year}") for day_month, year in mentions if year]
    anchor = reference or max((d for d in dated if d and d <= latest), default=None)
    undated = [_nearest(day_month, anchor) for day_month, year in mentions if not year and anchor]
    newest = max((d for d in dated + undated if d and d <= latest), default=None)
    if newest is None:
        return None
    weekdays = Counter(_WEEKDAYS.index(name) for name in _WEEKDAY.findall(text))
    if not weekdays:
        return newest
    weekday = max(weekdays, key=lambda day: (weekdays[day], -((day - newest.weekday()) % 7)))
    estimate = newest + dt.timedelta(days=(weekday - newest.weekday()) % 7)
    return estimate if estimate <= latest else newest


@lru_cache(maxsize=_RECENT_TEXTS)
def _mentions(text: str) -> tuple[tuple[str, str | None], ...]:
    """Each day and month the body mentions, and the year written with it (None without one)."""
    return tuple((match.group("day_month"), match.group("year")) for match in _BODY_DATE.finditer(text))


def _nearest(day_month: str, anchor: dt.date) -> dt.date | None:
    """The date `day_month` ("March 14") names in the year that puts it closest to `anchor`."""
    month_day = _parse(f"{day_month} {_LEAP_YEAR}")
    if month_day is None:
        return None
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(month_day.replace(year=year))
        except ValueError:
            continue
    return min(candidates, key=lambda candidate: abs(candidate - anchor), default=None)


_MONTHS = {name[:3].lower(): number for number, name in enumerate(calendar.month_name) if name}
_NAMED_DATE = re.compile(
    rf"(?:(?P<month>{_MONTH})\s+(?P<day>{_DAY})|(?P<day2>{_DAY})\s+(?P<month2>{_MONTH})),?\s+(?P<year>{_YEAR})",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def _parse(candidate: str) -> dt.date | None:
    """A date from a full day-month-year string our patterns found.

    ISO dates, "14.03.2022" and "February 24, 2022" / "24 Feb. 2022" are read directly (dateparser takes
    ~3 ms a call); anything else goes to dateparser.
    """
    try:
        return dt.date.fromisoformat(candidate)
    except ValueError:
        pass
    if dotted := _DOTTED.fullmatch(candidate.strip()):
        try:
            return dt.date(int(dotted["year"]), int(dotted["month"]), int(dotted["day"]))
        except ValueError:
            return None
    if named := _NAMED_DATE.fullmatch(candidate.strip()):
        month = _MONTHS[(named["month"] or named["month2"])[:3].lower()]
        day = int(re.sub(r"\D", "", named["day"] or named["day2"]))
        try:
            return dt.date(int(named["year"]), month, day)
        except ValueError:
            return None
    import dateparser

    parsed = dateparser.parse(candidate, languages=["en"], settings=_SETTINGS)
    return parsed.date() if parsed else None

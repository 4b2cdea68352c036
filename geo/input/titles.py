"""A plain-text article's title: its headline line, its lead's first sentence, else its first heading."""

from __future__ import annotations

import re

from geo.input.dates import line_date

MAX_TITLE = 200
"""Longest title: longer lines are paragraphs."""
MIN_HEADING_WORDS = 3
"""Fewest words of a heading further down: shorter lines are labels ("Advertisement", "Kyiv")."""
_NOT_A_HEADLINE = re.compile(r"(?:by|source|updated|published|posted|filed|photo)\b", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.,:;][\"'’”)]*$")
_FIRST_SENTENCE = re.compile(r".+?[.!?](?=\s+[\"'“‘(]?[A-Z]|$)")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+")


def headline(text: str, *, lead: bool = False) -> str | None:
    """The title of a cleaned article, if it has one.

    The first line is the title when it is a heading: the article goes on after it, it is at most
    200 characters, does not end like a sentence and is no byline, metadata or date line. `lead`
    says the first line is the article's lead paragraph (a date marker led it): its first sentence
    is the title. Else the first heading of at least three words further down. `#` marks are dropped.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    if lead:
        sentence = _FIRST_SENTENCE.match(lines[0])
        title = sentence.group() if sentence else lines[0]
        return title if len(title) <= MAX_TITLE else _first_heading(lines[1:])
    if _is_heading(lines[0]):
        return _MARKDOWN_HEADING.sub("", lines[0], count=1)
    return _first_heading(lines[1:])


def _first_heading(lines: list[str]) -> str | None:
    """The first heading of at least three words that has a line after it."""
    for line in lines[:-1]:
        if _is_heading(line) and len(line.split()) >= MIN_HEADING_WORDS:
            return _MARKDOWN_HEADING.sub("", line, count=1)
    return None


def _is_heading(line: str) -> bool:
    return (
        len(line) <= MAX_TITLE
        and any(char.isalpha() for char in line)
        and not _NOT_A_HEADLINE.match(line)
        and not _ENDS_SENTENCE.search(line)
        and line_date(line) is None
    )

"""Publication dates: metadata, datelines and headers, and estimates from the text."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from geo.input.clean import clean_text
from geo.input.dates import _FULL_DATE, _full_date, article_date, line_date

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
TEXT = {path.name[:3]: clean_text(path.read_text(encoding="utf-8")).text for path in sorted(SEEDS.glob("*.txt"))}
BODY = "Shelling was reported in Kharkiv, officials said.\n\nResidents sheltered in the metro."
MARCH_17 = dt.date(2022, 3, 17)
READ_ON = dt.date(2023, 6, 1)
"""The day these tests read their articles: no date after it is accepted."""


@pytest.mark.parametrize("seed", ["000", "001", "002"])
def test_seed_date_markers(seed: str) -> None:
    cleaned = clean_text((SEEDS / next(n for n in NAMES if n.startswith(seed))).read_text(encoding="utf-8"))
    assert cleaned.marked_date == dt.date(2022, 2, 26)
    assert article_date(cleaned.text, latest=READ_ON, stated=[cleaned.marked_date]) == (dt.date(2022, 2, 26), False)


def test_seed_004_header() -> None:
    assert article_date(TEXT["004"], latest=READ_ON) == (dt.date(2022, 2, 28), False)


def test_seed_003_is_estimated_from_its_text_with_a_reference() -> None:
    # "imagery ... from March 14" (a Monday), moved on to the Thursday it talks about most.
    assert article_date(TEXT["003"], reference=dt.date(2022, 2, 27), latest=READ_ON) == (MARCH_17, True)


def test_seed_003_without_reference_has_no_date() -> None:
    assert article_date(TEXT["003"], latest=READ_ON) == (None, False)


@pytest.mark.parametrize(
    "header",
    [
        " date 2022-03-17 Russian forces shelled Kharkiv",
        "Published March 17, 2022",
        "Published: Thu 17 Mar 2022 10.05 GMT",
        "Updated: Thu, 17 Mar 2022 00:21:08 GMT",
        "Last updated on March 17th, 2022 at 9:00 am",
        "March 17, 2022",
        "Thursday, March 17, 2022",
        "17 March 2022",
        "2022-03-17",
        "Posted: 3/17/2022",
        "Mar. 17, 2022",
        "By Jane Doe | March 17, 2022",
    ],
)
def test_header_formats(header: str) -> None:
    text = f"{header}\n\n{BODY}"
    assert article_date(text, latest=READ_ON) == (MARCH_17, False)


def test_header_is_looked_for_in_the_first_lines_only() -> None:
    text = "\n".join(["Kyiv"] * 6 + ["Published March 17, 2022", BODY])
    assert article_date(text, latest=READ_ON) == (MARCH_17, True)  # a date in the body: an estimate
    text = "\n".join(["Kyiv"] * 5 + ["Published March 17, 2022", BODY])
    assert article_date(text, latest=READ_ON) == (MARCH_17, False)


def test_a_date_inside_a_sentence_is_not_a_header() -> None:
    assert line_date("Russia launched its invasion of Ukraine on February 24, 2022, officials recalled.") is None
    assert line_date("The invasion began on 24 February 2022.") is None
    text = "Russia launched its invasion of Ukraine on February 24, 2022, officials recalled.\n\nMore fighting."
    assert article_date(text, latest=READ_ON) == (dt.date(2022, 2, 24), True)


def test_metadata_wins_over_the_header() -> None:
    text = f"Published March 17, 2022\n\n{BODY}"
    assert article_date(text, "2022-03-20", latest=READ_ON) == (dt.date(2022, 3, 20), False)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("2022-03-20", dt.date(2022, 3, 20)),
        ("2022-03-20T23:30:00-05:00", dt.date(2022, 3, 20)),
        ("2022-03-20T04:00:00Z", dt.date(2022, 3, 20)),
        ("Sun, 20 Mar 2022 10:00:00 GMT", dt.date(2022, 3, 20)),
        ("March 20, 2022", dt.date(2022, 3, 20)),
        ("20220320", dt.date(2022, 3, 20)),
    ],
)
def test_metadata_formats(metadata: str, expected: dt.date) -> None:
    assert article_date(BODY, metadata, latest=READ_ON) == (expected, False)


@pytest.mark.parametrize("metadata", ["yesterday", "soon", "March 2022", "", "n/a"])
def test_unusable_metadata_falls_through(metadata: str) -> None:
    assert article_date(f"Published March 17, 2022\n\n{BODY}", metadata, latest=READ_ON) == (MARCH_17, False)
    assert article_date(BODY, metadata, latest=READ_ON) == (None, False)


def test_never_a_date_after_the_day_of_reading() -> None:
    later = f"Published March 17, 2024\n\n{BODY}"
    assert article_date(later, "2024-01-01", latest=READ_ON) == (None, False)
    assert article_date(later, "2024-01-01", reference=dt.date(2022, 3, 1), latest=READ_ON) == (None, False)
    text = "Talks are planned for March 30, 2024, after fighting on March 14, 2022."
    assert article_date(text, latest=READ_ON) == (dt.date(2022, 3, 14), True)


def test_the_day_of_reading_itself_is_accepted() -> None:
    text = f"Published March 17, 2022\n\n{BODY}"
    assert article_date(text, latest=MARCH_17) == (MARCH_17, False)
    assert article_date(text, latest=MARCH_17 - dt.timedelta(days=1)) == (None, False)
    assert article_date(text, "2022-03-18", latest=MARCH_17) == (MARCH_17, False)  # the metadata is later


def test_the_estimate_moves_on_to_a_weekday_no_later_than_the_day_of_reading() -> None:
    text = "Images from March 14, 2022 showed the convoy.\n\nOn Friday, officials said."
    assert article_date(text, latest=READ_ON) == (dt.date(2022, 3, 18), True)
    assert article_date(text, latest=dt.date(2022, 3, 16)) == (dt.date(2022, 3, 14), True)


@pytest.mark.parametrize(
    "text",
    [
        "Troops may march on the capital.\n\nIn March they may return, officials said on Thursday.",
        "May God help us, she said on Sunday.\n\nMarch was cold.",
        "May 1,000 soldiers return? No one in Kyiv could say on Friday.",
        BODY,
    ],
)
def test_no_date_is_invented_from_words(text: str) -> None:
    assert article_date(text, reference=dt.date(2022, 3, 1), latest=READ_ON) == (None, False)


def test_a_date_without_a_year_takes_the_year_closest_to_the_reference() -> None:
    text = "Fighting resumed on Dec. 30 near Bakhmut, the army said on Friday."
    assert article_date(text, reference=dt.date(2023, 1, 2), latest=READ_ON) == (dt.date(2022, 12, 30), True)
    # Dec. 30 2021 is nearer to June 2022 than Dec. 30 2022; it was a Thursday, the Friday after is the 31st.
    assert article_date(text, reference=dt.date(2022, 6, 1), latest=READ_ON) == (dt.date(2021, 12, 31), True)


def test_a_date_without_a_year_takes_the_year_of_a_dated_mention() -> None:
    text = "Troops reached Kherson on March 3, the mayor said on Thursday.\n\nThe invasion began on 24 February 2022."
    assert article_date(text, latest=READ_ON) == (dt.date(2022, 3, 3), True)  # 3 March 2022 was a Thursday


def test_the_estimate_moves_to_the_weekday_mentioned_most() -> None:
    text = "Images from March 14, 2022 showed the convoy.\n\nOn Wednesday, then on Friday, Friday's talks."
    assert article_date(text, latest=READ_ON) == (dt.date(2022, 3, 18), True)
    weekday_of_a_date = "Russia invaded on Thursday, February 24, 2022.\n\nThe UN met on Saturday."
    assert article_date(weekday_of_a_date, latest=READ_ON) == (dt.date(2022, 2, 26), True)


@pytest.mark.parametrize(
    "lead",
    [
        "ODESA, Ukraine, March 17, 2022 — Russian warships shelled the coast overnight, officials said.",
        "KYIV, March 17, 2022 (Reuters) - Talks resumed on Thursday.",
        "NEW YORK, N.Y., 17 March 2022 -- The UN met again.",
    ],
)
def test_a_city_dateline_in_the_lead_dates_the_article(lead: str) -> None:
    assert article_date(f"{lead}\n\n{BODY}", latest=READ_ON) == (MARCH_17, False)


@pytest.mark.parametrize(
    "line", ["17.03.2022", "17.03.2022, 09:15", "Published: 17.03.2022", "Опубліковано 17.03.2022"]
)
def test_dotted_dates_are_day_first(line: str) -> None:
    assert line_date(line) == MARCH_17


def test_stated_dates_come_after_metadata_and_before_the_header() -> None:
    text = f"Published March 17, 2022\n\n{BODY}"
    assert article_date(text, None, latest=READ_ON, stated=[None, "2022-03-20"]) == (dt.date(2022, 3, 20), False)
    assert article_date(text, "2022-03-21", latest=READ_ON, stated=["2022-03-20"]) == (dt.date(2022, 3, 21), False)
    assert article_date(text, None, latest=READ_ON, stated=[dt.date(2022, 3, 19)]) == (dt.date(2022, 3, 19), False)
    assert article_date(text, None, latest=READ_ON, stated=["2024-01-01"]) == (MARCH_17, False)  # after reading


def test_full_dates_are_found_as_the_whole_pattern_finds_them() -> None:
    """Looking for a year first skips lines without a date and misses none."""
    pieces = ["March 17", "17 mar.", "Feb 30", "2022", "1999", "2100", "03/17/", "17.03.", "-03-17", "20", "٢٠٢٢", "x"]
    pieces += [" ", ", ", "-", "/", ".", "th"]
    rng = random.Random(31)
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 9)))
        found, expected = _full_date(text), _FULL_DATE.search(text)
        assert (found and found.span()) == (expected and expected.span()), repr(text)

"""Sentence bounds around a position, from punctuation and line breaks."""

from __future__ import annotations

import pytest

from geo.parsing.sentences import Sentences

TEXT = (
    "Shelling hit Kharkiv. Mr. Petrenko said St. Andrew's church stood.\n"
    "Trains left at 9 a.m. for Lviv!\n\n"
    '"Where is Odesa?" she asked. (Nobody knew.) Ferries ran to U.S.A. ports...\n'
    "They docked at the St.\n\n"
    "Next day ships sailed to Izmail. Then came the end.Of course. lower case goes on."
)


def _sentence(text: str, word: str) -> str:
    start, end = Sentences(text).around(text.index(word))
    return text[start:end]


@pytest.mark.parametrize(
    ("word", "sentence"),
    [
        ("Kharkiv", "Shelling hit Kharkiv."),
        ("Petrenko", "Mr. Petrenko said St. Andrew's church stood."),  # titles and "St." end nothing
        ("Andrew", "Mr. Petrenko said St. Andrew's church stood."),
        ("Lviv", "Trains left at 9 a.m. for Lviv!"),  # a line break ends a sentence
        ("Odesa", '"Where is Odesa?" she asked.'),  # a question inside quotes ends at the quote, not before
        ("Nobody", "(Nobody knew.)"),
        ("ports", "Ferries ran to U.S.A. ports..."),  # initials end nothing
        ("docked", "They docked at the St."),  # a line break ends it even after an abbreviation
        ("Izmail", "Next day ships sailed to Izmail."),
        ("course", "Then came the end.Of course. lower case goes on."),  # no space or no capital: no end
    ],
)
def test_the_sentence_around_a_word(word: str, sentence: str) -> None:
    assert _sentence(TEXT, word) == sentence


def test_an_end_mark_before_a_line_break_ends_its_line_and_the_spaces_around_are_left_out() -> None:
    text = "One in Kyiv.\n   Two in Lviv. \n\nThree in Odesa"
    assert _sentence(text, "Kyiv") == "One in Kyiv."
    assert _sentence(text, "Lviv") == "Two in Lviv."
    assert _sentence(text, "Odesa") == "Three in Odesa"
    assert Sentences("").around(0) == (0, 0)

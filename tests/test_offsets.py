"""The offset map of a row's cleaned text: read like a tuple, stored as runs."""

from __future__ import annotations

import json
import pickle
import random
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import pytest

from geo.input.clean import clean_text
from geo.input.read import read_articles
from geo.offsets import OffsetMap

MESSY = (
    "  Share this article: Facebook | Twitter\r\n"
    "Shelling\u200b resumed near Kharkiv on Tuesday, officials said.\n\n\n"
    "{{ad-slot}}Residents of Izium left by train for Lviv.\u00a0More than 2,000 people waited.\n"
    "Advertisement\n"
    "The mayor of Odesa said the port was closed.   \n"
)


@pytest.mark.parametrize(
    "offsets",
    [(), (0,), (5, 6, 7, 8), (0, 1, 2, 7, 8, 9, 9, 9, 30), (3, 2, 1), tuple(clean_text(MESSY).offsets)],
)
def test_a_map_reads_exactly_like_the_offsets_it_was_built_from(offsets: tuple[int, ...]) -> None:
    mapped = OffsetMap.of(offsets)
    assert len(mapped) == len(offsets)
    assert tuple(mapped) == offsets
    assert [mapped[i] for i in range(-len(offsets), 0)] == [offsets[i] for i in range(-len(offsets), 0)]
    assert mapped[1:-1] == offsets[1:-1] and mapped[::3] == offsets[::3]
    for outside in (len(offsets), -len(offsets) - 1):
        with pytest.raises(IndexError):
            mapped[outside]


def test_random_offsets_survive_the_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(200):
        offsets, position = [], 0
        for _ in range(rng.randrange(0, 60)):
            position += rng.choice((0, 1, 1, 1, 1, 2, 9))
            offsets.append(position)
        assert list(OffsetMap.of(offsets)) == offsets


def _random_part(rng: random.Random, after: int) -> Sequence[int]:
    """A range or a tuple of offsets, often going on from `after` (so runs span parts)."""
    start = after + 1 if rng.random() < 0.5 else rng.randrange(0, 60)
    size = rng.randrange(0, 7)
    if rng.random() < 0.5:
        return range(start, start + rng.choice((1, 1, 1, 2)) * size, rng.choice((1, 1, 1, 2)))
    offsets, position = [], start
    for _ in range(size):
        offsets.append(position)
        position += rng.choice((0, 1, 1, 1, 2))
    return tuple(offsets)


def test_joined_parts_map_exactly_like_their_offsets_one_after_another() -> None:
    rng = random.Random(11)
    for _ in range(500):
        parts: list[Sequence[int]] = []
        for _ in range(rng.randrange(0, 8)):
            parts.append(_random_part(rng, parts[-1][-1] if parts and parts[-1] else 0))
        offsets = tuple(chain.from_iterable(parts))
        joined = OffsetMap.joined(parts)
        assert joined == OffsetMap.of(offsets)  # the same runs, not only the same reading
        assert tuple(joined) == offsets and joined[2:-1] == offsets[2:-1]


def test_a_long_row_s_map_stays_small_in_memory_and_in_a_worker_s_pickle(tmp_path: Path) -> None:
    sentence = "Officials in Kharkiv said {{tag}} convoy {} reached Odesa at dawn.\u200b "
    text = "\n\n".join("".join(sentence.format(12 * n + k) for k in range(12)) for n in range(12))
    (tmp_path / "wire.jsonl").write_text(json.dumps({"id": "a1", "text": text}) + "\n", encoding="utf-8")
    (article,), problems = read_articles([tmp_path], root=tmp_path)
    assert not problems
    assert len(article.given_offsets) == len(article.text) + 1 > 7_000
    start = article.text.index("Odesa")
    begin, end = article.to_given(start, start + len("Odesa"))
    assert text[begin:end] == "Odesa"
    # One int a character pickled to about three bytes each (20 kB here); runs are one pair a cut.
    assert len(pickle.dumps(article.given_offsets)) < len(article.text) // 4

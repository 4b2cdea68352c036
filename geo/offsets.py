"""A compact map from each character of a cleaned text to its index in the text as given.

Cleaning keeps most characters in runs (a line, the stretch between two removed characters), so
the map is stored as runs: where each run starts in the cleaned text and where it starts in the
given text. A 3,000-character article held one int object per character (about 100 kB, kept for
every article in flight and pickled to the parsing workers); its runs take a few dozen ints.
Cleaning builds the map from its kept stretches (`OffsetMap.joined`) without listing every index.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

__all__ = ["OffsetMap"]


@dataclass(frozen=True, slots=True)
class OffsetMap(Sequence[int]):
    """``offsets[i]``: the given index of cleaned character i; read like the tuple it was built from.

    Run k covers cleaned indexes ``starts[k]`` up to the next run's start, and maps them to
    ``given[k]``, ``given[k] + 1``, and so on.
    """

    starts: tuple[int, ...]
    given: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, offsets: Iterable[int]) -> OffsetMap:
        """The runs of a per-character list of given indexes (a run starts where an index is not
        the one before it plus one)."""
        values = np.fromiter(offsets, dtype=np.int64)
        starts = np.flatnonzero(np.diff(values, prepend=values[:1]) != 1)
        return cls(tuple(starts.tolist()), tuple(values[starts].tolist()), len(values))

    @classmethod
    def joined(cls, parts: Iterable[Sequence[int]]) -> OffsetMap:
        """The map of the parts' indexes one after another, with the runs `of` would find; a `range`
        part (a stretch kept whole) is taken as one run without listing its indexes."""
        starts: list[int] = []
        given: list[int] = []
        length = 0
        for part in parts:
            for start, first in _part_runs(part):
                position = length + start
                if not starts or given[-1] + position - starts[-1] != first:
                    starts.append(position)
                    given.append(first)
            length += len(part)
        return cls(tuple(starts), tuple(given), length)

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[int]:
        ends = (*self.starts[1:], self.length)
        for start, end, first in zip(self.starts, ends, self.given):
            yield from range(first, first + end - start)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(f"offset index {index} out of range for {self.length} characters")
        run = bisect_right(self.starts, index) - 1
        return self.given[run] + index - self.starts[run]


def _part_runs(part: Sequence[int]) -> Iterable[tuple[int, int]]:
    """Where each run of `part` starts in it, and its first index."""
    if isinstance(part, range) and part.step == 1:
        return [(0, part.start)] if part else []
    runs = OffsetMap.of(part)
    return zip(runs.starts, runs.given)

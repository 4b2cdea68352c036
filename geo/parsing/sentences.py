"""The sentence around a mention, found from the text's punctuation and line breaks.

Only mentions need sentences (the dashboard shows them), so they are found on demand from one
scan of the text rather than by a pipeline component over every token. A sentence ends at a
line break, or at ``.``, ``!`` or ``?`` (and closing quotes) followed by a space and a capital,
digit or opening quote, unless the full stop ends a known abbreviation or an initial.
"""

from __future__ import annotations

import bisect
import re

_END = re.compile(r"\n+|[.!?](?!\n)[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
"""A run of line breaks, or a sentence's final mark (unless a line break follows it: that run is the
end) with its closing quotes and the spaces after them. Each match starts with a line break or a mark,
so the scan skips every other character without trying the pattern there."""
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Maj|Col|Lt|Sgt|Capt|Cpl|Gov|Sen|Rep|Jr|Sr|Prof|Rev|No|Vol|Inc|Corp|Co|Ltd|"
    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Ave|Blvd|Mt|Ft|vs|[A-Z])|(?:[A-Z]\.)+[A-Z]?)\.$"
)


class Sentences:
    """Sentence boundaries of one text."""

    def __init__(self, text: str):
        self.text = text
        self._starts = [0]
        for end in _END.finditer(text):
            mark = end.start() + 1
            if end.group().startswith("\n") or not _ABBREVIATION.search(text[max(0, mark - 12) : mark]):
                self._starts.append(end.end())

    def around(self, position: int) -> tuple[int, int]:
        """Start and end offsets of the sentence containing ``position``, without outer spaces."""
        index = bisect.bisect_right(self._starts, position) - 1
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.text)
        sentence = self.text[start:end]
        return start + len(sentence) - len(sentence.lstrip()), start + len(sentence.rstrip())

"""Repair and declutter article text, keeping an exact map from every kept character to the raw text.

Cleaning only removes characters, except where ftfy repairs the text (mojibake, stray control
characters, Unicode normalisation), where a non-breaking space becomes a plain one and where a
vertical tab, form feed or other line separator becomes a line break; so `raw[offsets[i]] == text[i]`
for every character it did not repair. Invisible characters that would split a name (zero-width
spaces and joiners, direction marks, soft hyphens) are deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import chain

import ftfy
from rapidfuzz.distance import Indel

from geo.input.dates import DATELINE
from geo.offsets import OffsetMap

_FIXER = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
)
_ENCODING_STEPS = ("encode", "decode", "transcode")
NEWS_TYPOGRAPHY = "‘’“”–—…"
"""The non-ASCII characters of most English news lines: curly quotes, dashes and the ellipsis (no letters)."""
_PLAIN_CHARACTERS = f"\x20-\x7e{NEWS_TYPOGRAPHY}"
_PLAIN_TYPOGRAPHY = re.compile(f"[{_PLAIN_CHARACTERS}]*")
"""Printable ASCII and the curly quotes, dashes and ellipsis of most news lines: ftfy has nothing to
fix in them (checked on random strings in the tests), so they skip it. No mojibake is made of them
alone: in the 8-bit encodings ftfy undoes they are all UTF-8 continuation bytes (Windows-125x) or
all lead bytes (MacRoman), or not there at all (Latin-1, cp437). "†" and "•" are left out: they
continue a MacRoman lead byte ("“†" is mojibake)."""
_PLAIN_TEXT = re.compile(f"[{_PLAIN_CHARACTERS}\r\n]*")
"""A text all of whose lines are plain typography (most articles): nothing invisible, nothing to repair."""
_NON_BREAKING_SPACES = "\u00a0\u2007\u202f"
_PLAIN_SPACES = str.maketrans(dict.fromkeys(_NON_BREAKING_SPACES, " "))
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
"""Soft hyphens, zero-width spaces and joiners, direction marks and embeddings, word joiners, BOMs:
invisible, yet "Ky\u200biv" would not be recognised as "Kyiv"."""
_PIECE = re.compile(r".{1,1000}(?:\s|$)|.{1,1000}")  # bounds the cost of aligning a repaired line
_TEMPLATE_TAG = re.compile(r"\{\{[^{}]*\}\}")
_BOILERPLATE = re.compile(
    r"""
      share (?:\s+(?:this|the))? (?:\s+(?:article|story|post|page|link))? (?:\s+(?:on|via))? \s*:?
        (?:\s*(?:facebook|twitter|x|whatsapp|linkedin|telegram|reddit|email|[|,/•]))*
    | (?:also\s+read|read\s+(?:more|also)) \b.*
    | \(? with\s+inputs\s+from \b[^)]*\)? \.?
    | for\s+(?:live|more|the\s+latest)\s+updates \b.*
    | (?:sign\s+up|subscribe) \b.*
    | click\s+here \b.*
    | follow\s+us \b.*
    | (?:story\s+continues\s+below\s+)? advertisement
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MAX_BOILERPLATE = 150
_MIN_REPEAT = 40


@dataclass(frozen=True, slots=True)
class CleanText:
    """Cleaned text; `offsets[i]` is the raw index of its character i, plus a final `len(raw)` (stored as
    runs, see `geo.offsets`)."""

    text: str
    offsets: OffsetMap
    marked_date: dt.date | None = None
    """The date of a ` date YYYY-MM-DD ` marker that led a line (removed from `text`)."""


@dataclass(slots=True)  # not frozen: built for every line, and a frozen one takes three times as long
class _Line:
    """A line being cleaned: its text, each character's raw index, the raw index of the line break
    after it (len(raw) for the last line), and whether it is blank (a paragraph break). Blankness
    follows the text up to the repair and is kept after it: a line emptied later leaves no break."""

    text: str
    offsets: Sequence[int]
    end: int
    blank: bool


def clean_text(raw: str, *, boilerplate: bool = True) -> CleanText:
    """Repair mojibake, drop invisible characters, template tags, date markers, boilerplate lines and
    repeated paragraphs, tidy whitespace.

    Lines are stripped; runs of blank lines become one blank line (a paragraph break); a line that
    was removed leaves no break behind. A repeat is a line of at least 40 characters equal, up to
    whitespace, to an earlier one: the first is kept. A ` date YYYY-MM-DD ` marker leading a line is
    cut out; the first one's date is kept in `marked_date`. `boilerplate=False` keeps lines our
    boilerplate patterns would drop (for text an extractor has already decluttered). A step the whole
    text gives nothing to do (no invisible character, nothing but plain typography, no "{{") is skipped.
    """
    lines = _split(raw)
    if not _PLAIN_TEXT.fullmatch(raw):
        hidden = _INVISIBLE.search(raw)  # a line holds an invisible character only if the text does
        lines = _repair([_visible(line) for line in lines] if hidden else lines)
    if any("{{" in line.text for line in lines):  # after the repair: "{\x01{" becomes "{{"
        lines = [_untemplate(line) for line in lines]
    lines, marked = _unmark([_strip(line) for line in lines])
    return _join(_declutter(lines, boilerplate), len(raw), marked)


def _split(raw: str) -> list[_Line]:
    """The lines between every line boundary `str.splitlines` knows (a vertical tab between two words
    must not join them), and an empty last line after a final break."""
    lines, start = [], 0
    for text in raw.splitlines():
        stop = start + len(text)
        after = stop + 2 if raw.startswith("\r\n", stop) else stop + 1  # past its break, if any ("\r\n" is one)
        lines.append(_Line(text, range(start, stop), after - 1, not text.strip()))
        start = after
    if start <= len(raw):
        lines.append(_Line("", range(len(raw), len(raw)), len(raw), True))
    return lines


def _visible(line: _Line) -> _Line:
    hidden = [match.span() for match in _INVISIBLE.finditer(line.text)]
    if not hidden:
        return line
    visible = _select(line, _between(hidden, len(line.text)))
    return replace(visible, blank=not visible.text.strip())


def _between(cuts: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The spans of [0, length) outside the sorted, disjoint `cuts`."""
    bounds = [0, *chain.from_iterable(cuts), length]
    return list(zip(bounds[::2], bounds[1::2]))


def _unmark(lines: list[_Line]) -> tuple[list[_Line], dt.date | None]:
    """Lines without a leading date marker, and the first marker's date."""
    marked: dt.date | None = None
    unmarked = []
    for line in lines:
        if marker := DATELINE.match(line.text):
            if marked is None:
                marked = _iso_date(marker.group(1))
            line = _select(line, [(marker.end(), len(line.text))])
            line = replace(line, blank=not line.text)
        unmarked.append(line)
    return unmarked, marked


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _repair(lines: list[_Line]) -> list[_Line]:
    """Fix each line (in pieces of at most 1,000 characters) with ftfy; an encoding fix ftfy found
    on one piece is tried on the others too, since mojibake ftfy cannot spot alone (`Kottasov√°`)
    usually shares its document with some it can. A line of plain typography (most of them) is
    kept as it is unless such a fix is found and the line is not ASCII."""
    pieces = [None if _PLAIN_TYPOGRAPHY.fullmatch(line.text) else _pieces(line.text) for line in lines]
    fixes = {
        piece: ftfy.fix_and_explain(piece, config=_FIXER)
        for line_pieces in pieces
        if line_pieces is not None
        for piece in line_pieces
        if not _PLAIN_TYPOGRAPHY.fullmatch(piece)
    }
    plans = {
        plan
        for fix in fixes.values()
        if (plan := tuple(step for step in fix.explanation if step[0] in _ENCODING_STEPS))
    }
    return [
        line
        if line_pieces is None and (not plans or line.text.isascii())
        else _repaired(line, _pieces(line.text) if line_pieces is None else line_pieces, fixes, plans)
        for line, line_pieces in zip(lines, pieces)
    ]


def _pieces(text: str) -> list[str]:
    """The text in pieces of at most 1,000 characters, each ending after a whitespace character where it can."""
    return [piece.group() for piece in _PIECE.finditer(text)]


def _repaired(
    line: _Line, pieces: list[str], fixes: dict[str, ftfy.ExplainedText], plans: set[tuple[tuple[str, str], ...]]
) -> _Line:
    """The line with its pieces fixed: by ftfy's own fix (`fixes`, none for plain typography), else
    by the first of `plans` that changes it; non-breaking spaces become plain ones."""
    fixed = [
        fixes[piece].text if piece in fixes and fixes[piece].text != piece else _apply_plans(piece, plans)
        for piece in pieces
    ]
    offsets = line.offsets if fixed == pieces else _realigned(line, pieces, fixed)
    text = "".join(fixed)
    if any(space in text for space in _NON_BREAKING_SPACES):
        text = text.translate(_PLAIN_SPACES)
    return _Line(text, offsets, line.end, not text.strip())


def _realigned(line: _Line, pieces: list[str], fixed: list[str]) -> tuple[int, ...]:
    """Raw offsets for a line some of whose pieces ftfy repaired."""
    offsets: list[int] = []
    start = 0
    for piece, repair in zip(pieces, fixed):
        span = line.offsets[start : start + len(piece)]
        offsets.extend(span if repair == piece else _align(piece, repair, span))
        start += len(piece)
    return tuple(offsets)


def _apply_plans(text: str, plans: set[tuple[tuple[str, str], ...]]) -> str:
    if text.isascii():
        return text
    for plan in sorted(plans):
        try:
            fixed = ftfy.apply_plan(text, list(plan))
        except (UnicodeError, ValueError):
            continue
        if fixed != text:
            return fixed
    return text


def _align(old: str, new: str, offsets: Sequence[int]) -> tuple[int, ...]:
    """Raw offsets for `new`, a repair of `old` whose characters have `offsets`: characters the two
    share (their longest common subsequence) keep theirs; each changed stretch in between gets
    those of the stretch it replaces."""
    mapped: list[int] = []
    old_end = new_end = 0
    for same in Indel.opcodes(old, new):
        if same.tag == "equal":
            mapped.extend(_spread(offsets, old_end, same.src_start, same.dest_start - new_end))
            mapped.extend(offsets[same.src_start : same.src_end])
            old_end, new_end = same.src_end, same.dest_end
    mapped.extend(_spread(offsets, old_end, len(old), len(new) - new_end))
    return tuple(mapped)


def _spread(offsets: Sequence[int], start: int, stop: int, count: int) -> list[int]:
    """Offsets for `count` characters replacing old ones [start, stop): spread evenly over theirs,
    or, for a pure insertion, all the preceding character's."""
    if stop > start:
        return [offsets[start + k * (stop - start) // count] for k in range(count)]
    return [offsets[max(start - 1, 0)]] * count if count else []


def _select(line: _Line, spans: list[tuple[int, int]]) -> _Line:
    """The line cut down to `spans`; one span keeps its offsets a `range` if they were one (a cheap run)."""
    if len(spans) == 1:
        ((start, stop),) = spans
        return replace(line, text=line.text[start:stop], offsets=line.offsets[start:stop])
    text = "".join(line.text[start:stop] for start, stop in spans)
    offsets = tuple(chain.from_iterable(line.offsets[start:stop] for start, stop in spans))
    return replace(line, text=text, offsets=offsets)


def _untemplate(line: _Line) -> _Line:
    tags = [tag.span() for tag in _TEMPLATE_TAG.finditer(line.text)]
    return _select(line, _between(tags, len(line.text))) if tags else line


def _strip(line: _Line) -> _Line:
    start = len(line.text) - len(line.text.lstrip())
    stop = len(line.text.rstrip())
    return line if (start, stop) == (0, len(line.text)) else _select(line, [(start, max(start, stop))])


def _is_boilerplate(text: str) -> bool:
    return len(text) <= _MAX_BOILERPLATE and _BOILERPLATE.fullmatch(text) is not None


def _declutter(lines: list[_Line], boilerplate: bool) -> list[_Line]:
    """Blank lines, and the lines worth keeping: not emptied, not boilerplate, not a repeat."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if not line.blank:
            if not line.text or (boilerplate and _is_boilerplate(line.text)):
                continue
            # tidying never lengthens a line: a short one is no repeat, whatever its key
            if len(line.text) >= _MIN_REPEAT and len(key := _tidy(line.text)) >= _MIN_REPEAT:
                if key in seen:
                    continue
                seen.add(key)
        kept.append(line)
    return kept


def _tidy(text: str) -> str:
    """`text` with single spaces between words and none around them (`" ".join(text.split())`),
    without splitting a line that is so already: a printable one (no whitespace but spaces) with no
    double space and none at either end."""
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(text.split())


def _join(lines: list[_Line], length: int, marked: dt.date | None) -> CleanText:
    """Join kept lines with their own line breaks; a blank line between two becomes one blank line."""
    parts: list[str] = []
    offsets: list[Sequence[int]] = []
    previous: _Line | None = None
    gap: _Line | None = None
    for line in lines:
        if line.blank:
            gap = line
            continue
        if previous is not None:
            parts.append("\n")
            offsets.append(range(previous.end, previous.end + 1))
            if gap is not None:
                parts.append("\n")
                offsets.append(range(gap.end, gap.end + 1))
        parts.append(line.text)
        offsets.append(line.offsets)
        previous, gap = line, None
    offsets.append(range(length, length + 1))
    return CleanText("".join(parts), OffsetMap.joined(offsets), marked)

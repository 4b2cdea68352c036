"""Repair and declutter article text, keeping an exact map from every kept character to the raw text.

Cleaning only removes characters, except where ftfy repairs the text (mojibake, stray control
characters, Unicode normalisation) and where a non-breaking space becomes a plain one; so
`raw[offsets[i]] == text[i]` for every character it did not repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import chain

import ftfy

from geo.dates import DATELINE

_FIXER = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
)
_ENCODING_STEPS = ("encode", "decode", "transcode")
_PLAIN_SPACES = str.maketrans(dict.fromkeys("\u00a0\u2007\u202f", " "))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
    """Cleaned text; `offsets[i]` is the raw index of its character i, plus a final `len(raw)`."""

    text: str
    offsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Line:
    """A line being cleaned: its text, each character's raw index, the raw index of the line break
    after it (len(raw) for the last line), and whether it is blank (a paragraph break)."""

    text: str
    offsets: tuple[int, ...]
    end: int
    blank: bool = False


def clean_text(raw: str) -> CleanText:
    """Repair mojibake, drop template tags, boilerplate lines and repeated paragraphs, tidy whitespace.

    Lines are stripped; runs of blank lines become one blank line (a paragraph break); a line that
    was removed leaves no break behind. A repeat is a line of at least 40 characters equal, up to
    whitespace and a leading dateline, to an earlier one: the first is kept.
    """
    lines = [_strip(_untemplate(line)) for line in _repair(_split(raw))]
    return _join(_declutter(lines), len(raw))


def _split(raw: str) -> list[_Line]:
    lines, start = [], 0
    for brk in _LINE_BREAK.finditer(raw):
        lines.append(_Line(raw[start : brk.start()], tuple(range(start, brk.start())), brk.end() - 1))
        start = brk.end()
    lines.append(_Line(raw[start:], tuple(range(start, len(raw))), len(raw)))
    return lines


def _repair(lines: list[_Line]) -> list[_Line]:
    """Fix each line with ftfy; a fix ftfy found on one line is tried on the others too, since
    mojibake ftfy cannot spot alone (`Kottasov√°`) usually shares its document with some it can."""
    fixes = [ftfy.fix_and_explain(line.text, config=_FIXER) for line in lines]
    plans = {
        plan
        for fix in fixes
        if (plan := tuple(step for step in fix.explanation if step[0] in _ENCODING_STEPS))
    }
    repaired = []
    for line, fix in zip(lines, fixes):
        text = fix.text if fix.text != line.text else _apply_plans(line.text, plans)
        offsets = line.offsets if text == line.text else _align(line.text, text, line.offsets)
        text = text.translate(_PLAIN_SPACES)
        repaired.append(_Line(text, offsets, line.end, blank=not text.strip()))
    return repaired


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


def _align(old: str, new: str, offsets: tuple[int, ...]) -> tuple[int, ...]:
    """Raw offsets for `new`, a repair of `old`: kept characters keep theirs, a replacement's spread
    evenly over those of the characters it replaces, an insertion's are its predecessor's."""
    mapped: list[int] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            mapped.extend(offsets[i1:i2])
        elif i2 > i1:
            mapped.extend(offsets[i1 + k * (i2 - i1) // (j2 - j1)] for k in range(j2 - j1))
        else:
            mapped.extend([offsets[max(i1 - 1, 0)]] * (j2 - j1))
    return tuple(mapped)


def _select(line: _Line, spans: list[tuple[int, int]]) -> _Line:
    text = "".join(line.text[start:stop] for start, stop in spans)
    offsets = tuple(chain.from_iterable(line.offsets[start:stop] for start, stop in spans))
    return replace(line, text=text, offsets=offsets)


def _untemplate(line: _Line) -> _Line:
    tags = [tag.span() for tag in _TEMPLATE_TAG.finditer(line.text)]
    if not tags:
        return line
    bounds = [0, *chain.from_iterable(tags), len(line.text)]
    return _select(line, list(zip(bounds[::2], bounds[1::2])))


def _strip(line: _Line) -> _Line:
    start = len(line.text) - len(line.text.lstrip())
    stop = len(line.text.rstrip())
    return line if (start, stop) == (0, len(line.text)) else _select(line, [(start, max(start, stop))])


def _is_boilerplate(text: str) -> bool:
    return len(text) <= _MAX_BOILERPLATE and _BOILERPLATE.fullmatch(text) is not None


def _declutter(lines: list[_Line]) -> list[_Line]:
    """Blank lines, and the lines worth keeping: not emptied, not boilerplate, not a repeat."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if not line.blank:
            if not line.text or _is_boilerplate(line.text):
                continue
            key = " ".join(DATELINE.sub("", line.text, count=1).split())
            if len(key) >= _MIN_REPEAT:
                if key in seen:
                    continue
                seen.add(key)
        kept.append(line)
    return kept


def _join(lines: list[_Line], length: int) -> CleanText:
    """Join kept lines with their own line breaks; a blank line between two becomes one blank line."""
    parts: list[str] = []
    offsets: list[int] = []
    previous: _Line | None = None
    gap: _Line | None = None
    for line in lines:
        if line.blank:
            gap = line
            continue
        if previous is not None:
            parts.append("\n")
            offsets.append(previous.end)
            if gap is not None:
                parts.append("\n")
                offsets.append(gap.end)
        parts.append(line.text)
        offsets.extend(line.offsets)
        previous, gap = line, None
    offsets.append(length)
    return CleanText("".join(parts), tuple(offsets))

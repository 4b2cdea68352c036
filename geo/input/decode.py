"""Bytes to text: a byte-order mark, else UTF-8, else the charset the input declares, else the one
charset-normalizer finds most plausible (preferring the common Western and Cyrillic code pages when
several fit equally). Binary data and text in no known encoding are refused.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer
from charset_normalizer.md import mess_ratio

from geo.errors import Unreadable

log = logging.getLogger(__name__)

UTF8 = "utf-8"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 LE first: its mark begins with UTF-16 LE's
_SNIFF = 8192
"""Bytes looked at for a declared charset and for binary content."""
_MAX_CONTROL_SHARE = 0.3
"""More control characters than this share of the first characters: binary data, not text."""
_CLOSE_CHAOS = 0.05
"""Candidates this close to the best one's mess ratio count as equally plausible."""
_MESS_SAMPLE = 20_000
"""Characters of a candidate reading scored for mess (the score is per character)."""
_PREFERRED = ("cp1252", "cp1251", "koi8_r", "cp1250", "iso8859_15", "mac_roman")
"""Among equally plausible code pages, the ones news text is most often written in, in order."""
_WHATWG_LATIN = {"ascii", "us-ascii", "latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1"}
"""Labels that mean windows-1252 on the web (the WHATWG Encoding Standard)."""
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
"""Control characters that are not whitespace."""
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the codec it was decoded with; `certain` is False when the codec was a guess
    among several plausible ones."""

    text: str
    encoding: str
    certain: bool = True


def decode(data: bytes, source: str, *, declared: str | None = None) -> Decoded:
    """The text of `data`. `declared` is a charset the container named (an HTTP header); a charset
    declared inside the data (`<meta charset>`, `<?xml encoding>`) is looked for too.

    Raises Unreadable for binary data, text in no encoding found, or nothing but whitespace.
    """
    decoded = _decode(data, declared)
    if not decoded.text.strip():
        raise Unreadable("empty file (whitespace only)")
    sample = decoded.text[:_SNIFF]
    if len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise Unreadable("binary file (mostly control characters)")
    if not decoded.certain:
        log.warning("%s: encoding uncertain, read as %s", source, decoded.encoding)
    return decoded


def stream_codec(head: bytes, source: str) -> str:
    """The codec of a file read as a stream (JSON Lines, CSV), from its first bytes: a BOM, else
    UTF-8 when they are valid UTF-8 (an incomplete last character allowed), else a detected one."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    if b"\0" in head and not _wide(head):
        raise Unreadable("binary file (NUL bytes)")
    if b"\0" not in head:
        try:
            codecs.getincrementaldecoder(UTF8)().decode(head, final=False)
            return UTF8
        except UnicodeDecodeError:
            pass
    guess = _detect(head)
    if not guess.certain:
        log.warning("%s: encoding uncertain, read as %s", source, guess.encoding)
    return guess.encoding


def _decode(data: bytes, declared: str | None) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as error:
                at = error.start + (len(bom) if codec == "utf-8-sig" else 0)  # that codec counts after the mark
                raise Unreadable(f"not valid {_name(codec)} (byte 0x{data[at]:02x} at offset {at})") from None
    if b"\0" in data[:_SNIFF]:
        if _wide(data[:_SNIFF]):
            return _detect(data)
        raise Unreadable("binary file (NUL bytes)")
    try:
        return Decoded(data.decode(UTF8), UTF8)
    except UnicodeDecodeError:
        pass
    for label in (declared, _declared(data[:_SNIFF])):
        if codec := _codec(label):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError:
                continue
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    """The most plausible decoding charset-normalizer finds, or a preferred code page that reads the
    bytes as cleanly; uncertain when that overrides the detection's text or another preferred code
    page is as plausible and reads the bytes differently."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise Unreadable("binary file or text in an unknown encoding (not UTF-8, no charset declared)")
    best_text = str(best)
    readings = {codec: text for codec in _PREFERRED if (text := _plausible(data, codec, best.chaos)) is not None}
    if not readings:
        return Decoded(best_text, best.encoding)
    chosen, text = next(iter(readings.items()))
    differing = {reading for reading in readings.values() if reading != text}
    return Decoded(text, chosen, certain=text == best_text and not differing)


def _plausible(data: bytes, codec: str, chaos: float) -> str | None:
    """The text of `data` in `codec` if it decodes and is hardly messier than `chaos`."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if mess_ratio(text[:_MESS_SAMPLE]) <= chaos + _CLOSE_CHAOS else None


def _wide(sample: bytes) -> bool:
    """Whether NUL bytes look like UTF-16 or UTF-32 text without a BOM (every other byte NUL)."""
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def _declared(head: bytes) -> str | None:
    found = _DECLARED.search(head)
    return found.group(1).decode("ascii") if found else None


def _codec(label: str | None) -> str | None:
    """The Python codec of a charset label, windows-1252 for the labels the web reads as it."""
    if not label:
        return None
    if label.strip().lower() in _WHATWG_LATIN:
        return "cp1252"
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def _name(codec: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}.get(codec, codec)

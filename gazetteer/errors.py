"""Errors the gazetteer raises, one class per remedy.

Bad arguments stay ``ValueError`` subclasses, so callers that caught ``ValueError`` still do.
"""

from __future__ import annotations

__all__ = [
    "BadCoordinate", "BadCountry", "BadLimit", "BadPlaceName", "GazetteerCorrupt", "GazetteerError", "GazetteerMissing",
    "UnknownKind",
]  # fmt: skip


class GazetteerError(Exception):
    """Base class of the gazetteer's errors."""


class GazetteerMissing(GazetteerError, FileNotFoundError):
    """No gazetteer file at the path given: build it (``python -m gazetteer build``) or fix the path."""


class GazetteerCorrupt(GazetteerError):
    """The file is not a built gazetteer (another file, or a damaged build): delete it and rebuild."""


class BadPlaceName(GazetteerError, ValueError):
    """A looked-up name that cannot be a place name: not a string, control characters, absurdly long."""


class BadCoordinate(GazetteerError, ValueError):
    """A point that is not a latitude and longitude in degrees."""


class UnknownKind(GazetteerError, ValueError):
    """A kind filter naming a kind the gazetteer does not have (see ``KINDS``)."""


class BadCountry(GazetteerError, ValueError):
    """A country filter that is not ISO 3166-1 alpha-2 codes ("UA", or a list of them)."""


class BadLimit(GazetteerError, ValueError):
    """A result count outside what a lookup hands out (``lookup.MAX_LIMIT``)."""

"""Errors a caller of the pipeline can act on, one class per remedy.

Bad input is not an error here: readers report it as ``records.InputProblem`` and go on.
The gazetteer's own errors live in ``gazetteer.errors``.
"""

from __future__ import annotations


class DatelineError(Exception):
    """Base class of the pipeline's errors."""


class StoreError(DatelineError):
    """Base class of the store's errors."""


class StoreBusy(StoreError):
    """Another process kept the store file for longer than the wait: try again when it is done."""


class ModelMissing(DatelineError):
    """No spaCy pipeline of the name asked for (or none of the defaults) is installed."""


class StoreTooNew(StoreError):
    """The store file was written by a newer Dateline: upgrade Dateline to open it."""


class Unreadable(DatelineError):
    """An input that cannot be read, and why (too large, binary, malformed). Raised inside
    ``geo.input`` only: the readers turn it into that input's ``records.InputProblem`` and go on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CorrectionError(DatelineError):
    """A correction that cannot be made or read (no such mention, a bad file row, an unknown place kind)."""


class ClusterUnreachable(DatelineError):
    """No Dask scheduler answered at the address given: start it (``dask scheduler``) or fix the address."""


class RankerInvalid(DatelineError):
    """The ranker file is missing, unreadable, or was fitted for other features: refit it
    (``python -m geo fit``) or point ``--weights`` at one that fits this code."""


class BasemapUnusable(DatelineError):
    """The basemap a reader configured (``DATELINE_TILES``) cannot be drawn: no such file, not a raster
    tile set, or a tile URL without its placeholders or attribution. The map falls back to the bundled tiles."""

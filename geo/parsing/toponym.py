"""A recognised place name before resolution, and how sure recognition is of it.

Each toponym records the evidence it was recognised on; ``RECOGNITION_CONFIDENCE`` turns the
evidence into the recognition confidence that resolution multiplies into a mention's score
(the score users filter on). Evidence seen at least 30 times on LGL takes its measured precision
there (EUPEG matching, all-toponyms mode, rounded to 0.05), checked on TR-News; rarer evidence keeps
a judgement. Each value's comment gives both corpora's precision (and count) when measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["RECOGNITION_CONFIDENCE", "Evidence", "Toponym"]


class Evidence(StrEnum):
    """Why a span was taken for a toponym."""

    PLACE_ENTITY = "place entity"
    DEMONYM = "demonym"
    DATELINE = "dateline"
    QUALIFIER = "qualifier"
    QUALIFIED = "qualified"
    LISTED_AREA = "listed area"
    ECHO = "echo"
    APPROXIMATE_SPELLING = "approximate spelling"
    OTHER_LABEL_ENTITY = "other-label entity"
    NESTED = "nested"
    TYPO = "typo"


RECOGNITION_CONFIDENCE = MappingProxyType(
    {
        # NER called it a place (GPE, LOC, FAC) and the gazetteer has the name as written.
        # LGL 0.89 (3088), TR-News 0.94 (990).
        Evidence.PLACE_ENTITY: 0.9,
        # A demonym NER found ("Ukrainian"), which the gazetteer gives one country. LGL 0.80 (326), TR-News 0.80 (145).
        Evidence.DEMONYM: 0.8,
        # The dateline a news story opens with names a place; a heading can look like one.
        Evidence.DATELINE: 0.8,
        # A country or region written after a place ("Louisville, Ky."); the comma can be a list's.
        Evidence.QUALIFIER: 0.8,
        # A place NER missed, written before its region or country ("Reading, Pennsylvania"), which has it.
        Evidence.QUALIFIED: 0.8,
        # A name of a list before a plural area word ("Donetsk and Luhansk regions") the gazetteer has.
        # LGL 0.94 (66), TR-News 1.0 (2).
        Evidence.LISTED_AREA: 0.95,
        # NER did not call it a place, but it names a place near one the article names.
        # LGL 0.71 (115), TR-News 0.46 (13).
        Evidence.ECHO: 0.7,
        # A place entity the gazetteer matched only as a transliteration or misspelling.
        Evidence.APPROXIMATE_SPELLING: 0.6,
        # NER called it a person or organisation, but the whole name is a prominent place's.
        # LGL 0.71 (109), TR-News 0.67 (9).
        Evidence.OTHER_LABEL_ENTITY: 0.7,
        # A place name inside an organisation's name ("Norfolk" in "Norfolk High School").
        # LGL 0.63 (700), TR-News 0.62 (94).
        Evidence.NESTED: 0.65,
        # A capitalised word outside any entity that misspells a place the article names ("Mauripol").
        Evidence.TYPO: 0.6,
    }
)
"""Recognition confidence of each kind of evidence."""


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name found in a text, before resolution."""

    start: int
    end: int
    text: str
    label: str
    """The NER label, or the rule that found it (DATELINE, QUALIFIER, QUALIFIED, LIST, TYPO)."""
    evidence: Evidence
    demonym: bool = False
    nested: bool = False
    query: str | None = None
    """The name to look up when it is not the text itself ("Baker County" for the "Baker" of
    "Nassau and Baker counties")."""

    @property
    def confidence(self) -> float:
        """How sure recognition is that this is a toponym (0-1)."""
        return RECOGNITION_CONFIDENCE[self.evidence]

    @property
    def name(self) -> str:
        """What to look the toponym up as in the gazetteer."""
        return self.query or self.text

"""What the "Wrong place?" chooser offers: a name's other places, described so a reader can tell them apart.

Plain functions over the gazetteer's candidates (no Streamlit): each choice says the place's name,
kind, admin area, country, population and how far it lies from the place chosen now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gazetteer import Candidate, Place
from gazetteer.geometry import haversine_km
from geo.store.corrections import Scope
from geo.store.database import place_key

__all__ = ["SCOPE_LABELS", "Choice", "choices", "describe"]

SCOPE_LABELS = {
    Scope.NAME: "this name in every article",
    Scope.ARTICLE: "this name in this article only",
    Scope.MENTION: "this one mention only",
}
"""How the chooser words each scope of a correction (the first is the default)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A place the chooser offers, with its description."""

    place: Place
    key: str
    label: str


def describe(place: Place, current: tuple[float, float] | None = None) -> str:
    """"Brussels · city · Brussels Capital, BE · 1,019,022 people · 7,140 km from the current place"."""
    parts = [place.name, place.kind]
    where = ", ".join(part for part in (place.admin1, place.country_code) if part and part != place.name)
    if where:
        parts.append(where)
    if place.population:
        parts.append(f"{place.population:,} people")
    if current is not None:
        parts.append(f"{haversine_km(current[0], current[1], place.lat, place.lon):,.0f} km from the current place")
    return " · ".join(parts)


def choices(
    candidates: Iterable[Candidate], current_key: str | None = None, current: tuple[float, float] | None = None
) -> list[Choice]:
    """The candidates' places but the current one, each once, in the gazetteer's order."""
    found, seen = [], {current_key}
    for candidate in candidates:
        key = place_key(candidate.place)
        if key in seen:
            continue
        seen.add(key)
        found.append(Choice(candidate.place, key, describe(candidate.place, current)))
    return found

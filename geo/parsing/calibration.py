"""Calibrated confidence: the score a mention carries is the probability that it is right.

Right means what the evaluation counts: the mention is a toponym of the gold standard and its
place lies within 161 km of the gold point. A logistic model over a few facts about the
mention (how clearly the ranker preferred the place, how sure recognition was, whether it is a
country, how the name matched) turns them into that probability; its coefficients are
fitted with the ranker (``python -m geo fit``) and applied here with a dot product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gazetteer import APPROXIMATE, Match, Place

__all__ = ["CALIBRATION_FEATURES", "Calibration", "calibration_features"]

CALIBRATION_FEATURES = (
    "place_share",
    "recognition",
    "country",
    "approximate",
    "demonym",
    "nested",
    "log_candidates",
)
"""Logit of the ranker's share for the chosen place (its own and same-place candidates' softmax
share, against every other reading and no place at all); logit of the recognition confidence
(``geo.parsing.toponym.RECOGNITION_CONFIDENCE``); whether the place is a country (the coarsest
point, so the one a gold point most often lies far from); an approximate spelling match; a
demonym or a name nested in an organisation's; log of how many candidates the name has. (Other
kinds and the number of mentions were tried: fitted on one shared corpus they miscalibrate the
other, whose conventions for where an area's point lies differ.)"""
LOGIT_BOUND = 6.0
"""Probabilities are clipped to logits within +-this (0.0025-0.9975) before they are features."""


PROBABILITY_BOUNDS = (1e-12, 1.0 - 1e-12)
"""Probabilities are first clipped within these, so that 0 and 1 have a finite logit."""


def _logit(probability: float) -> float:
    # Comparisons rather than min() and max(): this runs twice per mention, and the builtins' calls cost more.
    low, high = PROBABILITY_BOUNDS
    p = low if probability < low else high if probability > high else probability
    logit = math.log(p / (1.0 - p))
    return -LOGIT_BOUND if logit < -LOGIT_BOUND else LOGIT_BOUND if logit > LOGIT_BOUND else logit


def calibration_features(
    *,
    place_share: float,
    recognition: float,
    place: Place,
    match: Match,
    demonym: bool,
    nested: bool,
    candidates: int,
) -> tuple[float, ...]:
    """One mention's ``CALIBRATION_FEATURES``."""
    return (
        _logit(place_share),
        _logit(recognition),
        float(place.kind == "country"),
        float(match in APPROXIMATE),
        float(demonym),
        float(nested),
        math.log(candidates),
    )


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic calibration: weights over ``CALIBRATION_FEATURES`` and an intercept."""

    weights: np.ndarray
    intercept: float

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """The probability that each mention is right (``features``: one row of
        ``CALIBRATION_FEATURES`` per mention)."""
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.intercept)))

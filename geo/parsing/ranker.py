"""The fitted ranker: weights over the candidate features, the score of "no place", and the
confidence calibration, read from the JSON file ``python -m geo fit`` writes.

A candidate's score is its features (``geo.parsing.features``) dotted with the weights. The
context features depend on how plausible the other names' candidates are, so they are
recomputed ``ROUNDS`` times, each time from the shares the previous scores give (the first time
from the scores without context). Each name also has a "no place" reading scored ``abstain``:
when it beats every candidate, the name is left unresolved (unknown beats wrong).
No scikit-learn here: scoring is a numpy dot product.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from geo.errors import RankerInvalid
from geo.parsing.calibration import CALIBRATION_FEATURES, Calibration
from geo.parsing.features import (
    CANDIDATE_FEATURES,
    CONTEXT_FEATURES,
    FEATURES,
    FOCUS_FEATURE,
    Slate,
    context_features,
    softmax_by_group,
)

__all__ = ["DEFAULT_PATH", "FORMAT", "ROUNDS", "Ranker", "load_ranker", "settle"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "ranker.json"
"""The committed ranker, fitted on the shared gold corpora."""
FORMAT = 1
"""Version of the file's layout."""
ROUNDS = 2
"""Times the context features are recomputed from the previous scores."""
OWN_COLUMNS = np.array([FEATURES.index(name) for name in (*CANDIDATE_FEATURES, FOCUS_FEATURE)])
CONTEXT_COLUMNS = np.array([FEATURES.index(name) for name in CONTEXT_FEATURES])
"""Where ``Slate.own`` and the context features lie among ``FEATURES`` (arrays: numpy indexes with them
faster than with lists)."""


def settle(slate: Slate, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores of a slate's rows under ``weights`` (over ``FEATURES``) after ``ROUNDS`` rounds of
    context, and the context features of the last round (none when there is one name only)."""
    base = slate.own @ weights[OWN_COLUMNS]
    scores, context = base, np.zeros((len(slate), len(CONTEXT_FEATURES)))
    if len(slate.starts) < 2:
        return scores, context
    context_weights = weights[CONTEXT_COLUMNS]
    for _ in range(ROUNDS):
        context = context_features(slate, softmax_by_group(scores, slate.starts, slate.group)[1])
        scores = base + context @ context_weights
    return scores, context


@dataclass(frozen=True)
class Ranker:
    """Fitted weights over ``FEATURES``, the "no place" score, the calibration, and what it was fitted on."""

    weights: np.ndarray
    abstain: float
    calibration: Calibration
    fitted: Mapping = field(default_factory=dict)

    def scores(self, slate: Slate) -> np.ndarray:
        """Each candidate's score, context settled."""
        return settle(slate, self.weights)[0]

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "abstain": round(float(self.abstain), 6),
            "calibration": {
                "features": list(CALIBRATION_FEATURES),
                "weights": [round(float(w), 6) for w in self.calibration.weights],
                "intercept": round(float(self.calibration.intercept), 6),
            },
            "fitted": dict(self.fitted),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Ranker:
        """Raises ``RankerInvalid`` when the file was written for other features or another layout."""
        try:
            calibration = data["calibration"]
            if data["format"] != FORMAT or tuple(data["features"]) != FEATURES:
                raise RankerInvalid("the ranker was fitted for other features: refit it (python -m geo fit)")
            if tuple(calibration["features"]) != CALIBRATION_FEATURES:
                raise RankerInvalid("the calibration was fitted for other features: refit it (python -m geo fit)")
            return cls(
                weights=np.array(data["weights"], dtype=float),
                abstain=float(data["abstain"]),
                calibration=Calibration(np.array(calibration["weights"], dtype=float), float(calibration["intercept"])),
                fitted=data.get("fitted", {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RankerInvalid(f"not a ranker file: {error}") from error


@lru_cache(maxsize=8)
def load_ranker(path: Path | None = None) -> Ranker:
    """The ranker at ``path`` (default: the committed one), read once per process.

    Raises ``RankerInvalid`` when the file is missing or is not a ranker for this code.
    """
    path = path or DEFAULT_PATH
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RankerInvalid(f"cannot read the ranker file {path}: {error}") from error
    return Ranker.from_json(data)

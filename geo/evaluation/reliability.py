"""Whether confidences mean what they say: a reliability table and the expected calibration error.

Predictions are binned by confidence in tenths ([0, 0.1), ..., [0.9, 1.0]); a calibrated model's
share of right predictions in each bin is about the bin's mean confidence. The expected
calibration error (ECE) is the mean gap between the two, weighted by the bins' sizes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["BINS", "Bin", "expected_calibration_error", "reliability_table"]

BINS = 10
"""Equal-width confidence bins (deciles of the confidence scale)."""


@dataclass(frozen=True, slots=True)
class Bin:
    """One confidence bin: its bounds, how many predictions fell in it, their mean confidence and
    the share of them that were right."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float

    def as_dict(self) -> dict:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "confidence": round(self.confidence, 4),
            "accuracy": round(self.accuracy, 4),
        }


def reliability_table(judged: Iterable[tuple[float, bool]], bins: int = BINS) -> list[Bin]:
    """Bins of (confidence, right) pairs; empty bins are left out."""
    pairs = list(judged)
    if not pairs:
        return []
    confidence = np.array([c for c, _ in pairs], dtype=float)
    right = np.array([r for _, r in pairs], dtype=float)
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        members = index == b
        if members.any():
            table.append(
                Bin(b / bins, (b + 1) / bins, int(members.sum()), float(confidence[members].mean()),
                    float(right[members].mean()))
            )
    return table


def expected_calibration_error(table: list[Bin]) -> float:
    """Mean |accuracy - confidence| over the bins, weighted by their counts (0 for no predictions)."""
    total = sum(b.count for b in table)
    return sum(b.count * abs(b.accuracy - b.confidence) for b in table) / total if total else 0.0

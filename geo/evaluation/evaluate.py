"""Score the pipeline on a geoparsing gold corpus with the EUPEG protocol (Wang & Hu 2019).

Gold: JSON Lines, one document per line, ``{"id", "text", "toponyms": [{"start", "end", "name",
"lat", "lon", ...}]}``. Only gold toponyms with coordinates count. A predicted mention matches a
gold toponym when their span midpoints differ by fewer than 10 characters and their surface
strings are equal ignoring case; every unmatched prediction is a false positive. Over matched
toponyms: accuracy within 161 km, median error, and AUC of the error curve (mean of
ln(1 + km) / ln(20039); lower is better).

The optional baseline is what a bare geoparser does: the same spaCy model's NER alone (GPE, LOC
and FAC entities) and, for each name, the gazetteer's most plausible entry out of context
(population, kind and match quality), so the figures show what recognition and resolution add.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer import Gazetteer, haversine_km

MIDPOINT_TOLERANCE = 10
ACCURACY_KM = 161.0
MAX_ERROR_KM = 20039.0
BASELINE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Predicted:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None


@dataclass(slots=True)
class Scores:
    """Counts and errors accumulated over documents."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors_km: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy_161(self) -> float:
        return sum(e <= ACCURACY_KM for e in self.errors_km) / len(self.errors_km) if self.errors_km else 0.0

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else 0.0

    @property
    def auc(self) -> float:
        if not self.errors_km:
            return 0.0
        return statistics.fmean(math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in self.errors_km)

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "accuracy_161km": round(self.accuracy_161, 4),
            "median_error_km": round(self.median_km, 1),
            "auc": round(self.auc, 4),
            "matched": len(self.errors_km),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


def read_gold(path: Path) -> list[dict]:
    """The gold documents of a JSON Lines corpus."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_toponyms(document: dict) -> list[GoldToponym]:
    """A gold document's toponyms that have coordinates."""
    return [
        GoldToponym(t["start"], t["end"], t["name"], float(t["lat"]), float(t["lon"]))
        for t in document["toponyms"]
        if t.get("lat") is not None and t.get("lon") is not None
    ]


def score_document(gold: list[GoldToponym], predicted: Iterable[Predicted], scores: Scores) -> None:
    """Match one document's predictions to its gold toponyms and add the outcome to ``scores``."""
    unmatched = list(gold)
    for prediction in sorted(predicted, key=lambda p: p.start):
        middle = (prediction.start + prediction.end) / 2
        match = next(
            (
                g
                for g in unmatched
                if abs((g.start + g.end) / 2 - middle) < MIDPOINT_TOLERANCE
                and g.name.casefold() == prediction.text.casefold()
            ),
            None,
        )
        if match is None:
            scores.false_positives += 1
            continue
        unmatched.remove(match)
        scores.true_positives += 1
        if prediction.lat is None or prediction.lon is None:
            scores.errors_km.append(MAX_ERROR_KM)
        else:
            scores.errors_km.append(haversine_km(prediction.lat, prediction.lon, match.lat, match.lon))
    scores.false_negatives += len(unmatched)


def evaluate_corpus(
    path: Path, *, model: str | None = None, processes: int | None = None, baseline: bool = False
) -> dict:
    """Parse a gold corpus with the pipeline and score it in both modes (and the baseline).

    ``places`` scores what Dateline maps; ``all_toponyms`` also counts the demonyms and the
    names inside organisation names that gold standards annotate as toponyms.
    """
    from geo.input.read import read_articles
    from geo.parsing.pipeline import Geoparser, Options

    gold = {str(document["id"]): gold_toponyms(document) for document in read_gold(path)}
    articles, problems = read_articles([path])
    if problems:
        raise ValueError(f"{len(problems)} unreadable gold documents, first: {problems[0]}")
    geoparser = Geoparser(model=model, options=Options(all_toponyms=True), processes=processes)
    scores = {"places": Scores(), "all_toponyms": Scores()}
    for parsed in geoparser.parse(articles):
        for mode, score in scores.items():
            predicted = []
            for mention in parsed.mentions:
                if mention.place is None or (mode == "places" and (mention.demonym or mention.nested)):
                    continue
                start, end = parsed.article.to_given(mention.start, mention.end)
                place = mention.place
                predicted.append(Predicted(start, end, mention.text, place and place.lat, place and place.lon))
            score_document(gold[parsed.article.ref], predicted, score)
    if baseline:
        scores["baseline"] = score_baseline(read_gold(path), geoparser.gazetteer, model)
    return {
        "corpus": path.name,
        "documents": len(articles),
        "gold_toponyms": sum(len(t) for t in gold.values()),
        **{mode: score.as_dict() for mode, score in scores.items()},
    }


def score_baseline(documents: list[dict], gazetteer: Gazetteer, model: str | None = None) -> Scores:
    """Score bare NER plus each name's most plausible gazetteer entry on gold documents."""
    from geo.parsing.nlp import load_ner

    nlp = load_ner(model)
    scores = Scores()
    for document, doc in zip(documents, nlp.pipe((d["text"] for d in documents), batch_size=8)):
        predicted = []
        for entity in doc.ents:
            if entity.label_ not in BASELINE_LABELS:
                continue
            best = gazetteer.best(entity.text, fuzzy=False)
            if best is not None:
                predicted.append(
                    Predicted(entity.start_char, entity.end_char, entity.text, best.place.lat, best.place.lon)
                )
        score_document(gold_toponyms(document), predicted, scores)
    return scores

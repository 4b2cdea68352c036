"""Score the pipeline on a geoparsing gold corpus with the EUPEG protocol (Wang & Hu 2019).

Gold: JSON Lines, one document per line, ``{"id", "text", "toponyms": [{"start", "end", "name",
"lat", "lon", ...}]}``. Only gold toponyms with coordinates count. A predicted mention matches a
gold toponym when their span midpoints differ by fewer than 10 characters and their surface
strings are equal ignoring case; every unmatched prediction is a false positive. Over matched
toponyms: accuracy within 161 km, median error, and AUC of the error curve (mean of
ln(1 + km) / ln(20039); lower is better). Every prediction with a place is also judged right
(it matches a gold toponym and lies within 161 km of it) or wrong, against its confidence: a
reliability table and the expected calibration error (``geo.evaluation.reliability``).

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
from geo.evaluation.reliability import expected_calibration_error, reliability_table
from geo.records import ParsedArticle

MIDPOINT_TOLERANCE = 10
ACCURACY_KM = 161.0
MAX_ERROR_KM = 20039.0
BASELINE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MODES = ("places", "all_toponyms")
"""What Dateline maps; and also the demonyms, nested names and unresolved names gold standards count."""


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
    score: float | None = None


@dataclass(slots=True)
class Scores:
    """Counts and errors accumulated over documents."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors_km: list[float] = field(default_factory=list)
    judged: list[tuple[float, bool]] = field(default_factory=list)
    """(confidence, right) of every prediction with a place and a confidence."""

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

    @property
    def ece(self) -> float:
        return expected_calibration_error(reliability_table(self.judged))

    def as_dict(self) -> dict:
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
            "ece": round(self.ece, 4),
            "reliability": [b.as_dict() for b in reliability_table(self.judged)],
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


def match_gold(gold: list[GoldToponym], predicted: Iterable[Predicted]) -> list[tuple[Predicted, GoldToponym | None]]:
    """Each prediction (in text order) with the gold toponym it matches, or None: span midpoints
    fewer than ``MIDPOINT_TOLERANCE`` characters apart, same string ignoring case, each gold
    toponym matched once."""
    unmatched = list(gold)
    pairs: list[tuple[Predicted, GoldToponym | None]] = []
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
        if match is not None:
            unmatched.remove(match)
        pairs.append((prediction, match))
    return pairs


def error_km(prediction: Predicted, gold: GoldToponym) -> float:
    """How far a prediction's place lies from the gold point (the largest error when it has no place)."""
    if prediction.lat is None or prediction.lon is None:
        return MAX_ERROR_KM
    return haversine_km(prediction.lat, prediction.lon, gold.lat, gold.lon)


def score_document(gold: list[GoldToponym], predicted: Iterable[Predicted], scores: Scores) -> None:
    """Match one document's predictions to its gold toponyms and add the outcome to ``scores``."""
    pairs = match_gold(gold, predicted)
    for prediction, match in pairs:
        km = error_km(prediction, match) if match is not None else None
        if match is None:
            scores.false_positives += 1
        else:
            scores.true_positives += 1
            scores.errors_km.append(km)
        if prediction.lat is not None and prediction.score is not None:
            scores.judged.append((prediction.score, km is not None and km <= ACCURACY_KM))
    scores.false_negatives += len(gold) - sum(match is not None for _, match in pairs)


def predictions(parsed: ParsedArticle, mode: str) -> list[Predicted]:
    """A parsed article's mentions as predictions, in offsets of the text as given: in ``places``
    mode what Dateline maps (no demonyms, nested names or unresolved names), in ``all_toponyms``
    mode everything."""
    found = []
    for mention in parsed.mentions:
        if mode == "places" and (mention.demonym or mention.nested or mention.place is None):
            continue
        start, end = parsed.article.to_given(mention.start, mention.end)
        place = mention.place
        lat, lon = (place.lat, place.lon) if place is not None else (None, None)
        found.append(Predicted(start, end, mention.text, lat, lon, mention.score))
    return found


def score_parsed(parsed: Iterable[ParsedArticle], gold: dict[str, list[GoldToponym]]) -> dict[str, Scores]:
    """Scores of parsed gold documents in each of ``MODES``; ``gold`` is keyed by article id."""
    scores = {mode: Scores() for mode in MODES}
    for item in parsed:
        for mode, score in scores.items():
            score_document(gold[item.article.id], predictions(item, mode), score)
    return scores


def evaluate_corpus(
    path: Path,
    *,
    model: str | None = None,
    processes: int | None = None,
    baseline: bool = False,
    weights: Path | None = None,
    focus: frozenset[str] = frozenset(),
) -> dict:
    """Parse a gold corpus with the pipeline and score it in both modes (and the baseline).

    ``places`` scores what Dateline maps; ``all_toponyms`` also counts the demonyms and the
    names inside organisation names that gold standards annotate as toponyms, and the names
    left unresolved (as the largest error). ``weights``: a ranker file other than the committed
    one; ``focus``: focus countries' ISO codes.
    """
    from geo.input.read import read_articles
    from geo.parsing.pipeline import Geoparser, Options

    gold_by_ref = {str(document["id"]): gold_toponyms(document) for document in read_gold(path)}
    articles, problems = read_articles([path])
    if problems:
        raise ValueError(f"{len(problems)} unreadable gold documents, first: {problems[0]}")
    gold = {article.id: gold_by_ref[article.ref] for article in articles}
    options = Options(all_toponyms=True, focus=focus, weights=weights)
    geoparser = Geoparser(model=model, options=options, processes=processes)
    scores = score_parsed(geoparser.parse(articles), gold)
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

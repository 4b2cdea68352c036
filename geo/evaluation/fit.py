"""Fit the ranker and the confidence calibration on gold corpora: ``python -m geo fit GOLD.jsonl ... --out FILE``.

1. Every gold document is read and its toponyms recognised with the pipeline's model and rules.
2. Each name that matches a gold toponym (the EUPEG rule) is labelled: its right candidates are
   the gold place itself (within 161 km of the gold point), or the country, admin1 area or
   region the gold point lies in (found through the gazetteer city nearest to it: countries'
   and regions' points differ between gazetteers by hundreds of km). When none is right, its
   "no place" reading is, if it has one (``geo.parsing.resolve``); else the name teaches nothing.
3. The ranker is a conditional logit over each name's readings (its candidates and "no place"):
   weights over ``geo.parsing.features.FEATURES`` maximise the likelihood of the right readings,
   with an L2 penalty (scipy's L-BFGS). The context features depend on the weights (through the
   other names' shares), so they are recomputed from the previous fit ``FIT_ROUNDS`` times.
4. The focus weight is fitted alone, the others fixed, with each document's focus set to the
   country most of its gold toponyms lie in (what a user who sets a focus tells the parser).
5. The calibration is a logistic regression (scikit-learn) of whether each resolved mention is
   right (matches a gold toponym, within 161 km) on ``geo.parsing.calibration.CALIBRATION_FEATURES``.
6. The file records what it was fitted on (corpora and their sha256, date, code and gazetteer
   versions, settings) and its scores: on the corpora it was fitted on, and, with several
   corpora, each corpus scored by a fit on the others (the cross-corpus check).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from sklearn.linear_model import LogisticRegression

from gazetteer import Gazetteer, Match
from geo.evaluation.evaluate import ACCURACY_KM, GoldToponym, Predicted, error_km, score_parsed
from geo.evaluation.labels import Document, GoldWhere, as_predictions, gold_matches, recognise, right_place
from geo.parsing.calibration import CALIBRATION_FEATURES, Calibration, calibration_features
from geo.parsing.features import CONTEXT_FEATURES, FEATURES, FOCUS_FEATURE, Slate, build_slate, softmax_by_group
from geo.parsing.ranker import CONTEXT_COLUMNS, OWN_COLUMNS, Ranker, settle
from geo.parsing.resolve import article_names, rank, resolve
from geo.records import Mention, ParsedArticle

__all__ = ["fit_corpora", "fit_documents", "score_documents"]

log = logging.getLogger(__name__)

L2 = 1.0
"""L2 penalty on the ranker's weights (the loss is summed over names)."""
FIT_ROUNDS = 4
"""Fits of the ranker, each with context features recomputed from the previous weights."""
CALIBRATION_C = 1.0
"""Inverse L2 strength of the calibration's logistic regression (scikit-learn's ``C``)."""
NON_NEGATIVE = frozenset({"log_population", "country", "continent", "admin1", "capital", FOCUS_FEATURE})
"""Weights that may not be negative: a bigger or more prominent place, or one in a focus country, is
never less likely for it, all else equal. (Fitted freely, the local news of one corpus, where
namesakes of capitals are often meant, turns the capital weight negative.)"""
FOCUS = FEATURES.index(FOCUS_FEATURE)
NO_PLACE = len(FEATURES)
"""Column of the "no place" indicator in the fitting matrix (its weight is the ranker's ``abstain``)."""


@dataclass(frozen=True, slots=True)
class _Labelled:
    """A document's slate and, per name, which rows are right (None: no gold toponym matched the name)."""

    document: Document
    slate: Slate
    right: list[np.ndarray | None]


def _label(document: Document, gazetteer: Gazetteer, where: GoldWhere, focus: frozenset[str]) -> _Labelled:
    names = article_names(document.toponyms, gazetteer)
    slate = build_slate(document.article.text, names, gazetteer, focus)
    gold_of = gold_matches(document)
    position = {id(t): i for i, t in enumerate(document.toponyms)}
    right: list[np.ndarray | None] = []
    for i, name in enumerate(names):
        matched = [gold_of[position[id(t)]] for t in name.toponyms if position[id(t)] in gold_of]
        rows = np.flatnonzero(slate.owner == i)
        if not matched or name.demonym or not len(rows):
            right.append(None)
            continue
        gold = matched[0]
        point = where(gold.lat, gold.lon)
        right.append(
            np.array([right_place(slate.candidates[r].place, gazetteer.members(slate.candidates[r].place), gold, point)
                      for r in rows])
        )
    return _Labelled(document, slate, right)


@dataclass(frozen=True, slots=True)
class _Design:
    """The fitting matrix: one row per reading (candidates, then "no place") of every labelled name."""

    matrix: np.ndarray
    starts: np.ndarray
    """First row of each name's readings."""
    positive: np.ndarray
    """Which rows are right."""
    weight: np.ndarray
    """Per name: how much it counts (each corpus counts the same in all, however many names it has)."""

    def loss(self, utility: np.ndarray) -> tuple[float, np.ndarray]:
        """Weighted negative log-likelihood of the right readings, and its gradient by utility."""
        everything, share = softmax_by_group(utility, self.starts)
        right, right_share = softmax_by_group(np.where(self.positive, utility, -np.inf), self.starts)
        group = np.repeat(np.arange(len(self.starts)), np.diff(np.append(self.starts, len(utility))))
        return float(self.weight @ (everything - right)), (share - right_share) * self.weight[group]


def _design(labelled: list[_Labelled], weights: np.ndarray) -> _Design:
    """The fitting matrix with context settled under ``weights`` (over ``FEATURES``)."""
    blocks, positives, sizes, corpora = [], [], [], []
    for item in labelled:
        if not any(r is not None for r in item.right):
            continue
        context = settle(item.slate, weights)[1]
        features = np.zeros((len(item.slate), len(FEATURES) + 1))
        features[:, OWN_COLUMNS] = item.slate.own
        features[:, CONTEXT_COLUMNS] = context
        abstains = dict(zip(item.slate.owner[item.slate.starts].tolist(), item.slate.abstains.tolist()))
        for i, right in enumerate(item.right):
            if right is None or not (right.any() or abstains[i]):
                continue
            rows = np.flatnonzero(item.slate.owner == i)
            blocks.append(features[rows])
            positives.append(right)
            if abstains[i]:
                no_place = np.zeros((1, len(FEATURES) + 1))
                no_place[0, NO_PLACE] = 1.0
                blocks.append(no_place)
                positives.append([not right.any()])
            sizes.append(len(rows) + abstains[i])
            corpora.append(item.document.corpus)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    counts = Counter(corpora)
    weight = np.array([len(corpora) / (len(counts) * counts[c]) for c in corpora])
    return _Design(np.vstack(blocks), starts, np.concatenate(positives).astype(bool), weight)


def _conditional_logit(design: _Design, start: np.ndarray, penalised: np.ndarray) -> np.ndarray:
    """Weights maximising the weighted log-probability of each name's right readings, L2-penalised
    on the ``penalised`` columns, the ``NON_NEGATIVE`` ones kept at zero or above."""
    bounds = [(0.0, None) if name in NON_NEGATIVE else (None, None) for name in (*FEATURES, "no place")]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, by_utility = design.loss(design.matrix @ w)
        penalty = w * penalised
        return value + 0.5 * L2 * float(penalty @ penalty), design.matrix.T @ by_utility + L2 * penalty

    return minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x


def fit_ranker(labelled: list[_Labelled]) -> tuple[np.ndarray, float]:
    """Ranker weights over ``FEATURES`` (focus weight 0) and the "no place" score."""
    weights = np.zeros(len(FEATURES) + 1)
    penalised = np.ones(len(FEATURES) + 1)
    penalised[NO_PLACE] = 0.0
    for round_ in range(FIT_ROUNDS):
        design = _design(labelled, weights[:NO_PLACE])
        fitted = _conditional_logit(design, weights, penalised)
        moved = np.abs(fitted - weights).max()
        log.info("fit round %d: %d names, weights moved %.3f", round_ + 1, len(design.starts), moved)
        weights = fitted
    return weights[:NO_PLACE], float(weights[NO_PLACE])


def _plurality_country(document: Document, where: GoldWhere) -> frozenset[str]:
    counts = Counter(where(g.lat, g.lon)[0] for g in document.gold)
    counts.pop(None, None)
    return frozenset({counts.most_common(1)[0][0]}) if counts else frozenset()


def fit_focus(labelled: list[_Labelled], weights: np.ndarray, abstain: float) -> float:
    """The focus weight, the others fixed, on slates built with each document's plurality country as focus."""
    full = np.append(weights, abstain)
    for _ in range(2):
        design = _design(labelled, full[:NO_PLACE])
        rest = design.matrix @ np.where(np.arange(len(full)) == FOCUS, 0.0, full)

        def loss(value: float) -> float:
            return design.loss(rest + value * design.matrix[:, FOCUS])[0] + 0.5 * L2 * value**2

        full[FOCUS] = minimize_scalar(loss, bounds=(-10.0, 10.0), method="bounded").x
    return float(full[FOCUS])


def _right(prediction: Predicted, gold: GoldToponym | None) -> bool:
    return gold is not None and prediction.lat is not None and error_km(prediction, gold) <= ACCURACY_KM


def fit_calibration(documents: list[Document], ranker: Ranker, gazetteer: Gazetteer) -> Calibration:
    """Logistic calibration of whether each resolved mention is right (each corpus counting the same)."""
    rows, labels, corpora = [], [], []
    for document in documents:
        ranking = rank(document.article.text, document.toponyms, gazetteer, ranker, frozenset())
        gold_of = gold_matches(document)
        position = {id(t): i for i, t in enumerate(document.toponyms)}
        for i, name in enumerate(ranking.slate.names):
            row = ranking.chosen[i]
            if row is None:
                continue
            candidate = ranking.slate.candidates[row]
            place = candidate.place
            for toponym, span in zip(name.toponyms, as_predictions(document, name.toponyms)):
                gold = gold_of.get(position[id(toponym)])
                rows.append(
                    calibration_features(
                        place_share=ranking.place_shares[i], recognition=toponym.confidence, place=place,
                        match=Match.DEMONYM if toponym.demonym else candidate.match, demonym=toponym.demonym,
                        nested=toponym.nested, candidates=len(name.candidates),
                    )
                )
                located = Predicted(span.start, span.end, span.text, place.lat, place.lon)
                labels.append(_right(located, gold))
                corpora.append(document.corpus)
    counts = Counter(corpora)
    weight = np.array([len(corpora) / (len(counts) * counts[c]) for c in corpora])
    model = LogisticRegression(C=CALIBRATION_C, max_iter=1000)
    model.fit(np.array(rows), np.array(labels), sample_weight=weight)
    return Calibration(model.coef_[0], float(model.intercept_[0]))


def fit_documents(documents: list[Document], gazetteer: Gazetteer, where: GoldWhere | None = None) -> Ranker:
    """Ranker, focus weight and calibration fitted on recognised gold documents."""
    where = where or GoldWhere(gazetteer)
    labelled = [_label(d, gazetteer, where, frozenset()) for d in documents]
    weights, abstain = fit_ranker(labelled)
    focused = [_label(d, gazetteer, where, _plurality_country(d, where)) for d in documents]
    weights[FOCUS] = fit_focus(focused, weights, abstain)
    placeholder = Ranker(weights, abstain, Calibration(np.zeros(len(CALIBRATION_FEATURES)), 0.0))
    return Ranker(weights, abstain, fit_calibration(documents, placeholder, gazetteer))


def score_documents(documents: list[Document], ranker: Ranker, gazetteer: Gazetteer) -> dict:
    """The evaluation's figures (``geo.evaluation.evaluate``) for recognised documents resolved by ``ranker``."""
    parsed = []
    for document in documents:
        text = document.article.text
        mentions = tuple(
            Mention(r.toponym.text, r.toponym.start, r.toponym.end, r.confidence, r.place, r.match, 0, 0,
                    r.toponym.demonym, r.toponym.nested)
            for r in resolve(text, document.toponyms, gazetteer, ranker=ranker)
        )
        parsed.append(ParsedArticle(document.article, mentions))
    gold = {d.article.id: d.gold for d in documents}
    return {mode: _summary(scores.as_dict()) for mode, scores in score_parsed(parsed, gold).items()}


def _summary(figures: dict) -> dict:
    return {key: figures[key] for key in ("precision", "recall", "f1", "accuracy_161km", "auc", "ece")}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _code_version() -> str:
    """The git commit of the checkout (with "-dirty" for uncommitted changes), if there is one."""
    try:
        found = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=Path(__file__).resolve().parent, capture_output=True, text=True, check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def fit_corpora(paths: Sequence[Path], *, model: str | None = None) -> Ranker:
    """Fit on gold corpora, with provenance and scores (in-sample, and each corpus by a fit on the others)."""
    from geo.parsing.nlp import load_nlp

    gazetteer = Gazetteer.open()
    nlp = load_nlp(gazetteer, model)
    documents = recognise(paths, nlp, gazetteer)
    where = GoldWhere(gazetteer)
    ranker = fit_documents(documents, gazetteer, where)
    corpora = [path.name for path in paths]
    scores = {c: score_documents([d for d in documents if d.corpus == c], ranker, gazetteer) for c in corpora}
    cross = {}
    if len(corpora) > 1:
        for held_out in corpora:
            others = fit_documents([d for d in documents if d.corpus != held_out], gazetteer, where)
            cross[held_out] = {
                "fitted_on": [c for c in corpora if c != held_out],
                **score_documents([d for d in documents if d.corpus == held_out], others, gazetteer),
            }
    fitted = {
        "corpora": [{"name": p.name, "sha256": _sha256(p), "documents": sum(d.corpus == p.name for d in documents)}
                    for p in paths],
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "code_version": _code_version(),
        "gazetteer": gazetteer.meta().get("fingerprint"),
        "spacy_model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "settings": {"l2": L2, "fit_rounds": FIT_ROUNDS, "calibration_c": CALIBRATION_C,
                     "context_features": list(CONTEXT_FEATURES)},
        "scores": scores,
        "cross_corpus": cross,
    }
    return Ranker(ranker.weights, ranker.abstain, ranker.calibration, fitted)

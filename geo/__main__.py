"""Command line: ``python -m geo parse|ingest|evaluate|fit``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from gazetteer.errors import GazetteerError
from geo.errors import ModelMissing, RankerInvalid
from geo.parsing.nlp import DEFAULT_MODELS, MODEL_ENV
from geo.parsing.pipeline import Options

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2
"""Everything parsed; the run could not go on (no model, no gazetteer, store busy); some inputs rejected."""
FOCUS_ENV = "DATELINE_FOCUS"
"""Focus countries when ``--focus`` is not given: ISO codes separated by commas ("UA,RU")."""


def focus_countries(value: str | None) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes from "UA,RU" (case and spaces ignored); argparse's error for anything else."""
    codes = frozenset(code.strip().upper() for code in (value or "").split(",") if code.strip())
    if bad := sorted(code for code in codes if len(code) != 2 or not code.isalpha()):
        raise argparse.ArgumentTypeError(f"not ISO country codes: {', '.join(bad)} (give e.g. UA,RU)")
    return codes


def _add_focus(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--focus",
        type=focus_countries,
        default=focus_countries(os.environ.get(FOCUS_ENV)),
        help=f"countries the news is about, e.g. UA,RU: their places get the fitted focus weight"
        f" (default: ${FOCUS_ENV}, else none)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Dateline: offline news geoparsing.")
    parser.add_argument("--model", help=f"spaCy pipeline to use (default: ${MODEL_ENV}, else the first installed of {', '.join(DEFAULT_MODELS)})")
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: one per core)")
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="print JSON Lines, one article per line, with resolved mentions")
    parse.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .json .jsonl .csv)")
    parse.add_argument("--with-text", action="store_true", help="add the cleaned text the offsets refer to")
    parse.add_argument(
        "--all-toponyms",
        action="store_true",
        help="also demonyms and names inside organisation names (flagged) and names left unresolved (place null)",
    )
    _add_focus(parse)

    ingest = commands.add_parser("ingest", help="parse into a DuckDB store (idempotent)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--db", type=Path, default=None, help="store file (default: dateline.duckdb)")
    _add_focus(ingest)

    evaluate = commands.add_parser("evaluate", help="score on a gold corpus (EUPEG protocol)")
    evaluate.add_argument("gold", type=Path, help="JSON Lines gold corpus")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument(
        "--baseline", action="store_true", help="also score bare spaCy NER + each name's most plausible gazetteer entry"
    )
    evaluate.add_argument("--weights", type=Path, default=None, help="ranker file to use (default: the committed one)")
    _add_focus(evaluate)

    fit = commands.add_parser("fit", help="fit the ranker and its calibration on gold corpora, write them to a file")
    fit.add_argument("gold", nargs="+", type=Path, help="JSON Lines gold corpora")
    fit.add_argument(
        "--out", type=Path, required=True, help="ranker file to write (the committed one: geo/parsing/data/ranker.json)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        if args.command == "parse":
            return _parse(args)
        if args.command == "ingest":
            from geo.store.ingest import ingest_command

            return ingest_command(
                args.paths, args.db, model=args.model, processes=args.processes, options=Options(focus=args.focus)
            )
        if args.command == "fit":
            return _fit(args)
        return _evaluate(args)
    except (ModelMissing, GazetteerError, RankerInvalid) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


def _report(problems) -> None:
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)


def _parse(args: argparse.Namespace) -> int:
    from geo.contract import article_json
    from geo.input.read import ArticleStream
    from geo.parsing.pipeline import Geoparser
    from geo.records import ParsedArticle

    options = Options(all_toponyms=args.all_toponyms, focus=args.focus)
    geoparser = Geoparser(model=args.model, options=options, processes=args.processes)
    stream = ArticleStream(args.paths)
    parsed = list(geoparser.parse(stream))
    _report(stream.problems)
    for item in parsed:
        dated = ParsedArticle(stream.dated(item.article), item.mentions)
        sys.stdout.write(json.dumps(article_json(dated, with_text=args.with_text), ensure_ascii=False) + "\n")
    return EXIT_REJECTED if stream.problems else EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from geo.evaluation.evaluate import evaluate_corpus

    results = evaluate_corpus(
        args.gold,
        model=args.model,
        processes=args.processes,
        baseline=args.baseline,
        weights=args.weights,
        focus=args.focus,
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return EXIT_OK
    documents, toponyms = results["documents"], results["gold_toponyms"]
    print(f"{args.gold.name}: {documents} documents, {toponyms} gold toponyms with coordinates")
    header = f"{'mode':<14}{'P':>7}{'R':>7}{'F1':>7}{'acc@161':>9}{'median km':>11}{'AUC':>7}{'ECE':>7}"
    print(header)
    for mode in ("places", "all_toponyms", "baseline"):
        if mode not in results:
            continue
        r = results[mode]
        ece = f"{r['ece']:>7.3f}" if r["reliability"] else f"{'-':>7}"
        print(
            f"{mode:<14}{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}"
            f"{r['accuracy_161km']:>9.3f}{r['median_error_km']:>11.1f}{r['auc']:>7.3f}{ece}"
        )
    print("places: what Dateline maps; all_toponyms: also demonyms, names inside organisation names, unresolved names")
    if "baseline" in results:
        print("baseline: bare spaCy NER (GPE, LOC, FAC) + each name's most plausible gazetteer entry, no context")
    for mode in ("places", "all_toponyms"):
        print(f"reliability ({mode}): confidence bin, mentions, mean confidence, share right (within 161 km of gold)")
        for b in results[mode]["reliability"]:
            print(f"  {b['low']:.1f}-{b['high']:.1f}{b['count']:>7}{b['confidence']:>8.3f}{b['accuracy']:>8.3f}")
    return EXIT_OK


def _fit(args: argparse.Namespace) -> int:
    from geo.evaluation.fit import fit_corpora

    ranker = fit_corpora(args.gold, model=args.model)
    args.out.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    for corpus, scores in ranker.fitted["scores"].items():
        print(f"{corpus} (fitted on it): {json.dumps(scores)}", file=sys.stderr)
    for corpus, scores in ranker.fitted["cross_corpus"].items():
        print(f"{corpus} (fitted on {', '.join(scores['fitted_on'])}): {json.dumps(scores)}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

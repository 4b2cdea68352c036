"""Command line: ``python -m geo parse|ingest|corrections|evaluate|fit``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gazetteer.errors import GazetteerError
from geo.errors import ClusterUnreachable, CorrectionError, ModelMissing, RankerInvalid, StoreBusy, StoreError
from geo.parsing.nlp import DEFAULT_MODELS, MODEL_ENV
from geo.parsing.pipeline import Options
from geo.records import InputProblem

if TYPE_CHECKING:
    from geo.parsing.cluster import ClusterAddress, ClusterParser
    from geo.parsing.pipeline import Geoparser

# The commands import what only they need (the store and its corrections bring pandas and DuckDB,
# 0.65 s): `parse` of one article starts that much sooner.

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2
"""Everything parsed; the run could not go on (no model, no gazetteer, store busy); some inputs rejected."""
DEFAULT_DB = Path("dateline.duckdb")
DASK_HELP = (
    "parse on a Dask cluster: a scheduler's address (tcp://host:8786), or local[:N] for N worker processes"
    " started here (default: one per core)"
)


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
    parser.add_argument(
        "--model",
        help=f"spaCy pipeline to use (default: ${MODEL_ENV}, else the first installed of {', '.join(DEFAULT_MODELS)})",
    )
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: one per core)")
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="print JSON Lines, one article per line, with resolved mentions")
    _inputs(parse)
    parse.add_argument("--with-text", action="store_true", help="add the cleaned text the offsets refer to")
    parse.add_argument(
        "--all-toponyms",
        action="store_true",
        help="also demonyms and names inside organisation names (flagged) and names left unresolved (place null)",
    )
    _add_focus(parse)

    ingest = commands.add_parser("ingest", help="parse into a DuckDB store (idempotent)")
    _inputs(ingest)
    _store(ingest)
    _add_focus(ingest)

    corrections = commands.add_parser("corrections", help="share a store's corrections as a CSV or JSON file")
    corrections.add_argument("action", choices=("export", "import"))
    corrections.add_argument("file", type=Path, help="corrections file (.csv or .json; columns in docs/contract.md)")
    _store(corrections)

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


def _inputs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "paths", nargs="+", type=Path,
        help="files or folders (.txt .md .html .htm .json .jsonl .csv .warc .warc.gz .zip .tar.gz .rss .atom .xml)",
    )  # fmt: skip
    command.add_argument(
        "--root", type=Path, default=None,
        help="ingest root: article ids are paths relative to it (default: the working directory)",
    )  # fmt: skip
    command.add_argument(
        "--corrections", type=Path, default=None, help="apply this corrections file (.csv or .json) to the output"
    )
    command.add_argument("--dask", metavar="ADDRESS", type=_cluster_address, help=DASK_HELP)


def _cluster_address(text: str) -> ClusterAddress:
    """``--dask``'s value, checked (Dask is imported only when the option is given)."""
    from geo.parsing.cluster import ClusterAddress

    try:
        return ClusterAddress.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _store(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", type=Path, default=None, help="store file (default: dateline.duckdb)")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "dask", None) is not None and args.processes is not None:
        parser.error("--processes sets local worker processes; with --dask, give their number as local:N")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        if args.command == "parse":
            return _parse(args)
        if args.command == "ingest":
            return _ingest(args)
        if args.command == "corrections":
            return _corrections(args)
        if args.command == "fit":
            return _fit(args)
        return _evaluate(args)
    except (ModelMissing, GazetteerError, StoreError, CorrectionError, ClusterUnreachable, RankerInvalid) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


class _Problems:
    """Prints each refused input or failed article once, as a line on stderr, as soon as it is known."""

    def __init__(self, *lists: list[InputProblem]):
        self.lists = lists
        self.printed = [0] * len(lists)

    def flush(self) -> None:
        for i, problems in enumerate(self.lists):
            for problem in problems[self.printed[i] :]:
                print(f"skipped {problem}", file=sys.stderr)
            self.printed[i] = len(problems)

    @property
    def count(self) -> int:
        return sum(len(problems) for problems in self.lists)


@contextmanager
def _geoparser(args: argparse.Namespace, options: Options = Options()) -> Iterator[Geoparser | ClusterParser]:
    """The parser of this run: worker processes here, or a Dask cluster (``--dask``) until the run ends."""
    if args.dask is None:
        from geo.parsing.pipeline import Geoparser

        yield Geoparser(model=args.model, options=options, processes=args.processes)
        return
    from geo.parsing.cluster import ClusterParser, connect

    with connect(args.dask) as client:
        yield ClusterParser(client, model=args.model, options=options)


def _parse(args: argparse.Namespace) -> int:
    """Each article's line is written as soon as it is parsed: memory stays flat in corpus size."""
    from geo.contract import article_json
    from geo.input.read import ArticleStream

    fixes: list = []
    failed: list[InputProblem] = []
    if args.corrections:
        from geo.store.corrections import apply_to_parsed, read_corrections

        fixes, report = read_corrections(args.corrections)
        failed += [InputProblem(str(args.corrections), problem) for problem in report.problems]
    stream = ArticleStream(args.paths, root=args.root)
    problems = _Problems(stream.problems, failed)
    with _geoparser(args, Options(all_toponyms=args.all_toponyms, focus=args.focus)) as geoparser:
        for item in geoparser.parse(stream):
            problems.flush()
            if item.failed:
                failed.append(InputProblem(item.article.source, str(item.problem)))
                continue
            if fixes:  # only then was apply_to_parsed imported
                item = apply_to_parsed(item, fixes)
            if not args.all_toponyms:
                item = dataclasses.replace(item, mentions=tuple(m for m in item.mentions if m.place is not None))
            sys.stdout.write(json.dumps(article_json(item, with_text=args.with_text), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    problems.flush()
    return EXIT_REJECTED if problems.count else EXIT_OK


def _ingest(args: argparse.Namespace) -> int:
    """A progress bar (articles, rate, ETA), then a line per refused input and one for what was stored."""
    from tqdm import tqdm

    from geo.store.corrections import Corrections
    from geo.store.database import Store
    from geo.store.ingest import ingest_paths

    store = Store(args.db or DEFAULT_DB, on_message=lambda line: print(line, file=sys.stderr))
    refused: list[InputProblem] = []
    if args.corrections:
        imported = Corrections(store).import_file(args.corrections)
        refused += [InputProblem(str(args.corrections), problem) for problem in imported.problems]
        added = f"{imported.added} corrections added, {imported.unchanged} already stored"
        print(f"{args.corrections}: {added}", file=sys.stderr)
    with (
        _geoparser(args, Options(focus=args.focus)) as geoparser,
        tqdm(total=_estimated_articles(args.paths), unit="article", file=sys.stderr, smoothing=0.05) as bar,
    ):
        try:
            report, problems = ingest_paths(
                args.paths, store, geoparser, root=args.root, on_parsed=lambda _: bar.update()
            )
        except StoreBusy as error:
            print(f"error: {error} (articles stored before it are kept)", file=sys.stderr)
            return EXIT_FAILED
    problems = refused + problems
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    print(f"{store.path}: {report.summary()}; {len(problems)} inputs rejected", file=sys.stderr)
    return EXIT_REJECTED if problems else EXIT_OK


def _corrections(args: argparse.Namespace) -> int:
    """Export every correction of a store to a file, or import a file's into it."""
    from geo.store.corrections import Corrections
    from geo.store.database import Store

    corrections = Corrections(Store(args.db or DEFAULT_DB))
    if args.action == "export":
        print(f"{args.file}: {corrections.export(args.file)} corrections written", file=sys.stderr)
        return EXIT_OK
    report = corrections.import_file(args.file)
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    for name in report.unused:
        print(f"note: no stored article names {name!r} yet; its correction applies to later ones", file=sys.stderr)
    print(f"{args.file}: {report.added} corrections added, {report.unchanged} already stored", file=sys.stderr)
    return EXIT_REJECTED if report.problems else EXIT_OK


def _estimated_articles(paths: list[Path]) -> int:
    """About how many articles the inputs hold, for the progress bar's ETA: one per file, one per
    line of a JSON Lines or CSV file (counting lines is fast next to parsing them)."""
    total = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
        for file in files:
            if any(part.startswith(".") for part in file.parts[len(path.parts) :]):
                continue
            if file.suffix.lower() in (".jsonl", ".csv"):
                with open(file, "rb") as handle:
                    total += sum(1 for _ in handle)
            else:
                total += 1
    return total


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

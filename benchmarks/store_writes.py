"""Store writes: the writing process's memory as a store grows, parsing left out. Prints figures.

    python benchmarks/store_writes.py [--articles 130000] [--report 10000] [--runs 1]
                                      [--row-groups 122880,32768]

Parses the 1,000 articles of ``benchmarks/pipeline.py``'s corpus once, then stores them over and
over under new ids (what a long ``geo ingest`` writes, without its parsing), ``BATCH`` articles a
``Store.ingest`` transaction, in a fresh process for each DuckDB row group size given (the first
is the baseline; by default DuckDB's own 122,880 rows and the store's ``ROW_GROUP_SIZE``). Every
``--report`` articles it prints the process's resident memory between batches, the largest rise
above it during a batch (sampled every 2 ms: the batch's write and checkpoint), the process's
high-water mark (VmHWM) and the seconds so far; then how long reading back the texts of the
articles left undated took (``Store.undated``, what an ingest's last step reads) and the largest
rise above the level during it; then each store file's size. With ``--runs`` > 1 each figure is
the median over the runs.

What it shows (docs/architecture.md, "The store is idempotent"; ``geo.store.texts``): DuckDB
merges the small row groups each batch's checkpoint appends, holding the merged rows in memory.
While the article table's rows carried whole texts, those merges made the writer's peak grow with
the store (554 MB at 70,000 articles, 830 MB at 130,000); with texts in 64-character parts it
stays flat, at 341 MB with DuckDB's row groups and 276 MB with the store's (70,000 articles).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DUCKDB_DEFAULT_ROW_GROUP = 122_880
FIGURES = ("rss", "rise", "hwm", "seconds")
SAMPLE_SECONDS = 0.002
"""How often the sampler reads the process's resident memory during a batch."""


def _status_mb(field: str) -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    raise RuntimeError(f"no {field} in /proc status")


class _Peak:
    """The largest resident memory of this process seen since the last ``reset``, sampled on a thread.

    Not ``pipeline._MemorySampler``: that one walks the process tree and reads three /proc files a
    process per sample, which at one sample every 2 ms would hold the GIL long enough to slow the
    writes it measures; one status read of this process is all a per-batch peak needs."""

    def __init__(self) -> None:
        self.value = 0
        threading.Thread(target=self._run, daemon=True).start()

    def reset(self) -> int:
        self.value = _status_mb("VmRSS")
        return self.value

    def _run(self) -> None:
        while True:
            self.value = max(self.value, _status_mb("VmRSS"))
            time.sleep(SAMPLE_SECONDS)


def parse_once(folder: Path) -> Path:
    """The corpus parsed for real, pickled: what the write phases store again and again."""
    from pipeline import build_corpus

    from geo.input.read import ArticleStream
    from geo.parsing.pipeline import Geoparser

    corpus = folder / "corpus"
    build_corpus(corpus, 1000)
    parsed = [p for p in Geoparser(processes=2).parse(ArticleStream([corpus])) if not p.failed]
    out = folder / "parsed.pickle"
    out.write_bytes(pickle.dumps(parsed))
    return out


def _renamed(parsed: list) -> Iterator:
    """The parsed articles again and again, each round under new ids and content hashes."""
    for round_ in itertools.count():
        for item in parsed:
            article = item.article
            yield dataclasses.replace(
                item,
                article=dataclasses.replace(
                    article,
                    id=f"r{round_}/{article.id}",
                    source=f"r{round_}/{article.source}",
                    content_hash=f"{article.content_hash}{round_}",
                ),
            )


def phase_write(pickled: Path, row_group: int, total: int, report: int, folder: Path) -> None:
    """Store ``total`` articles with this row group size; print a JSON line every ``report`` articles."""
    from geo.store import database
    from geo.store.database import BATCH, Store

    database.ROW_GROUP_SIZE = row_group
    parsed = pickle.loads(pickled.read_bytes())
    store = Store(folder / f"store-{row_group}.duckdb")
    peak = _Peak()
    items = itertools.islice(_renamed(parsed), total)
    started, done, rise = time.perf_counter(), 0, 0
    while chunk := list(itertools.islice(items, BATCH)):
        before = peak.reset()
        store.ingest(chunk)
        rise = max(rise, peak.value - before)
        done += len(chunk)
        if done % report == 0 or done == total:
            figures = {"articles": done, "rss": _status_mb("VmRSS"), "rise": rise, "hwm": _status_mb("VmHWM")}
            print(json.dumps({**figures, "seconds": time.perf_counter() - started}), flush=True)
            rise = 0
    before, reading = peak.reset(), time.perf_counter()
    undated = sum(1 for _ in store.undated())
    figures = {"count": undated, "rise": peak.value - before, "seconds": time.perf_counter() - reading}
    print(json.dumps({"undated": figures}), flush=True)
    print(json.dumps({"file_mb": store.path.stat().st_size / 1e6}), flush=True)


def _run_write(pickled: Path, row_group: int, args: argparse.Namespace, folder: Path) -> list[dict]:
    command = [sys.executable, __file__, "--phase", "write", str(pickled), str(row_group), str(args.articles)]
    command += [str(args.report), str(folder)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def _undated_median(runs: list[list[dict]], figure: str) -> float:
    """The median over runs of one figure of the read-back of undated texts (each run's last but one line)."""
    return statistics.median(run[-2]["undated"][figure] for run in runs)


def main() -> None:
    from geo.store.database import BATCH, ROW_GROUP_SIZE

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=130_000, help="articles stored per run")
    parser.add_argument("--report", type=int, default=10_000, help="print figures every this many articles")
    parser.add_argument("--runs", type=int, default=1, help="runs per row group size (medians printed)")
    parser.add_argument(
        "--row-groups",
        default=f"{DUCKDB_DEFAULT_ROW_GROUP},{ROW_GROUP_SIZE}",
        help="comma-separated DuckDB row group sizes; the first is the baseline",
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        pickled, row_group, total, report, folder = args.phase[1:]
        phase_write(Path(pickled), int(row_group), int(total), int(report), Path(folder))
        return
    sizes = [int(size) for size in args.row_groups.split(",")]
    with tempfile.TemporaryDirectory(prefix="dateline-writes-") as name:
        folder = Path(name)
        pickled = parse_once(folder)
        print(f"# store writes: {args.articles:,} articles, {BATCH} a batch, runs={args.runs}, code in {ROOT}")
        print("# per row group size: RSS between batches / largest rise during a batch / VmHWM (MB), seconds")
        results = {size: [_run_write(pickled, size, args, folder) for _ in range(args.runs)] for size in sizes}
    header = "".join(f" | {f'row groups of {size:,}':>34}" for size in sizes)
    print(f"{'articles':>9}{header}")
    for index, row in enumerate(results[sizes[0]][0][:-2]):
        cells = ""
        for size in sizes:
            med = {k: statistics.median(run[index][k] for run in results[size]) for k in FIGURES}
            cells += f" | {med['rss']:6.0f} / {med['rise']:5.0f} / {med['hwm']:5.0f} MB {med['seconds']:7.1f} s"
        print(f"{row['articles']:9,}{cells}")
    undated = "; ".join(
        f"row groups of {size:,}: {_undated_median(results[size], 'count'):,.0f} texts,"
        f" largest rise {_undated_median(results[size], 'rise'):.0f} MB,"
        f" {_undated_median(results[size], 'seconds'):.1f} s"
        for size in sizes
    )
    print(f"undated texts read back (Store.undated): {undated}")
    files = "; ".join(
        f"row groups of {size:,}: {statistics.median(run[-1]['file_mb'] for run in results[size]):.0f} MB"
        for size in sizes
    )
    print(f"store file: {files}")


if __name__ == "__main__":
    main()

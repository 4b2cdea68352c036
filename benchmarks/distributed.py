"""Ingest throughput on Dask: the process pool against a LocalCluster of 1 and 2 workers, same corpus.

    python benchmarks/distributed.py [--articles 2000] [--runs 3] [--corpus DIR] [--keep-corpus] [--json FILE]

Builds a corpus with ``benchmarks/pipeline.py``'s ``build_corpus`` (seeds and the shared gold texts,
shuffled and spliced, read at run time), then measures ``geo.store.ingest.ingest_paths`` (read,
parse, store into a fresh DuckDB file) with:

- pool:      ``Geoparser(processes=2)``, forked worker processes (what ``geo ingest`` does);
- cluster N: ``ClusterParser`` on ``connect(local:N)``: N single-threaded Dask worker processes,
             N = 1 and 2 (what ``geo ingest --dask local:N`` does).

Every run is a fresh process, cold (the model loaded, and the cluster started, before the timed
stretch; gazetteer caches empty). Runs are interleaved across the three setups so that noise on
the shared machine hits each alike; figures are medians. Prints articles and words per second,
the ratio of the 2-worker cluster to the pool, and the scaling law from 1 to 2 workers: speedup,
efficiency, Amdahl's parallel fraction and the speedups it predicts for more workers. On one
2-core machine the client (reading, Arrow to records, the store) shares the cores with the
workers, which the 2-worker figure pays and a real cluster would not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]
"""This script's folder leaves the import path: its name would shadow the ``distributed`` package."""

from benchmarks.pipeline import (  # noqa: E402
    _cleaned_texts,
    _code_version,
    _line,
    _machine_busy_seconds,
    _median,
    build_corpus,
    release_corpus,
)

POOL_PROCESSES = 2
"""The process pool compared against: one worker per core of the 2-core machine of record."""
WORKERS = (1, 2)
"""LocalCluster sizes measured: the scaling law is read from these two."""
RATIO_TARGET = 0.9
"""LocalCluster with 2 workers / process pool with 2 processes, ingest articles per second."""
PREDICTED = (4, 8, 16)
"""Worker counts Amdahl's law is extrapolated to."""


def _measured(ingest, cpu_seconds) -> dict:
    """Wall and CPU seconds of ``ingest()``, and the cores the rest of the machine used meanwhile."""
    cpu, machine, started = cpu_seconds(), _machine_busy_seconds(), time.perf_counter()
    report, problems = ingest()
    wall = time.perf_counter() - started
    machine = _machine_busy_seconds() - machine
    cpu = cpu_seconds() - cpu
    return {
        "wall": wall,
        "cpu": cpu,
        "others_cores": max(0.0, machine - cpu) / wall,
        "articles": len(report.added) + len(report.replaced) + len(report.unchanged) + len(report.duplicates),
        "mentions": report.mentions,
        "problems": len(problems),
    }


def _own_cpu() -> float:
    """CPU seconds of this process and its reaped children (the pool's workers, joined at the end of a parse)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def phase_pool(corpus: Path, store: Path) -> dict:
    from gazetteer import Gazetteer
    from geo.parsing.pipeline import Geoparser
    from geo.store.database import Store
    from geo.store.ingest import ingest_paths

    started = time.perf_counter()
    geoparser = Geoparser(gazetteer=Gazetteer.open(), processes=POOL_PROCESSES)
    load = time.perf_counter() - started
    return {"load": load, **_measured(lambda: ingest_paths([corpus], Store(store), geoparser), _own_cpu)}


def phase_cluster(corpus: Path, store: Path, workers: int) -> dict:
    from gazetteer import Gazetteer
    from geo.parsing.cluster import ClusterAddress, ClusterParser, connect
    from geo.store.database import Store
    from geo.store.ingest import ingest_paths

    started = time.perf_counter()
    with connect(ClusterAddress(workers=workers)) as client:
        geoparser = ClusterParser(client, gazetteer=Gazetteer.open())
        load = time.perf_counter() - started

        def cpu_seconds() -> float:
            on_workers = client.run(os.times).values()
            return _own_cpu() + sum(t.user + t.system for t in on_workers)

        return {"load": load, **_measured(lambda: ingest_paths([corpus], Store(store), geoparser), cpu_seconds)}


def _run_phase(name: str, corpus: Path, workers: int) -> dict:
    """One measurement in a fresh process, on a fresh store."""
    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-dask-"))
    try:
        store = folder / "store.duckdb"
        command = [sys.executable, str(HERE / "distributed.py"), "--phase", name, str(corpus), str(store), str(workers)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"phase {name} {workers} failed ({done.returncode})")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def amdahl_fraction(speedup: float, workers: int) -> float:
    """The parallel fraction p that Amdahl's law, S(n) = 1 / ((1 - p) + p / n), gives for a measured speedup."""
    return (1 - 1 / speedup) / (1 - 1 / workers)


def amdahl_speedup(fraction: float, workers: int) -> float:
    return 1 / ((1 - fraction) + fraction / workers)


def _per_second(runs: list[dict], amount: int | None = None) -> float:
    """Median over runs of the articles stored (or ``amount``, e.g. the corpus's words) per wall second."""
    return _median([(r["articles"] if amount is None else amount) / r["wall"] for r in runs])


def _per_cpu_second(runs: list[dict]) -> float:
    """Median over runs of the articles stored per CPU second of the client and its workers: what the
    setup costs, whatever the rest of the shared machine does meanwhile."""
    return _median([r["articles"] / r["cpu"] for r in runs])


def _print_scaling(one: float, two: float) -> None:
    speedup = two / one
    fraction = amdahl_fraction(speedup, WORKERS[-1])
    print(f"\nscaling law from {WORKERS[0]} to {WORKERS[-1]} workers (Amdahl: S(n) = 1 / ((1 - p) + p / n))")
    _line("speedup S(2), 2 workers / 1 worker", f"{speedup:.2f}", "2.00 (ideal)")
    _line("efficiency S(2) / 2", f"{speedup / 2:.0%}", "none (reported)")
    _line("parallel fraction p", f"{fraction:.2f}", "1.00 (ideal)")
    if not 0 < fraction <= 1:
        print("  (a speedup outside 1..2 is noise, see the cores used by OTHER processes: no law to extrapolate)")
        return
    for n in PREDICTED:
        predicted = amdahl_speedup(fraction, n)
        _line(f"predicted speedup, {n} workers", f"{predicted:.2f} ({predicted * one:,.0f} art/s)", f"{n} (ideal)")
    if fraction < 1:
        _line("limit as workers grow, 1 / (1 - p)", f"{1 / (1 - fraction):.1f}", "none (reported)")
    print("  (the client shares this machine's cores with the workers: p is a floor for separate machines)")


def _print(results: dict[str, list[dict]], words: int, runs: int) -> None:
    labels = {"pool": f"pool, {POOL_PROCESSES} processes"}
    labels.update({f"cluster_{n}": f"cluster, {n} worker{'s' if n > 1 else ''}" for n in WORKERS})
    print(f"\ningest throughput (read, parse, store; median of {runs} runs; model load and cluster start excluded)")
    for key, label in labels.items():
        r = results[key]
        _line(f"{label}: articles/s", f"{_per_second(r):,.1f}", "none (measured)")
        _line(f"{label}: words/s", f"{_per_second(r, words):,.0f}", "none (measured)")
    pool = _per_second(results["pool"])
    one, two = (_per_second(results[f"cluster_{n}"]) for n in WORKERS)
    _line(f"RATIO cluster {WORKERS[-1]} workers / pool", f"{two / pool:.2f}", f">= {RATIO_TARGET}")
    _print_scaling(one, two)

    print("\nnoise-robust cross-check: articles per CPU second (client and workers, user + sys), median")
    for key, label in labels.items():
        _line(f"{label}: articles per CPU second", f"{_per_cpu_second(results[key]):,.2f}", "none (reported)")
    ratio = _per_cpu_second(results[f"cluster_{WORKERS[-1]}"]) / _per_cpu_second(results["pool"])
    _line(f"ratio per CPU second, cluster {WORKERS[-1]} workers / pool", f"{ratio:.2f}", f">= {RATIO_TARGET}")

    print("\nload (median; not in throughput) and cores")
    for key, label in labels.items():
        r = results[key]
        what = "model load" if key == "pool" else "cluster start + loads"
        _line(f"{label}: {what}", f"{_median([x['load'] for x in r]):.1f} s", "none (reported)")
        _line(f"{label}: cores busy", f"{_median([x['cpu'] / x['wall'] for x in r]):.2f}", "none (reported)")
        _line(f"{label}: cores used by OTHER processes", f"{_median([x['others_cores'] for x in r]):.2f}",
              "0 (shared machine: noise)")
    last = {key: r[-1] for key, r in results.items()}
    stored = (f"{key} {x['articles']} articles, {x['mentions']:,} mentions" for key, x in last.items())
    print("  stored (last run): " + "; ".join(stored))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="corpus size")
    parser.add_argument("--runs", type=int, default=3, help="runs per setup; medians are printed")
    parser.add_argument("--corpus", type=Path, help="use this corpus folder instead of building one")
    parser.add_argument("--keep-corpus", action="store_true", help="keep the corpus folder and print its path")
    parser.add_argument("--json", type=Path, help="also write every raw figure to this JSON file")
    parser.add_argument("--phase", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        name, corpus, store, workers = args.phase
        if name == "pool":
            result = phase_pool(Path(corpus), Path(store))
        else:
            result = phase_cluster(Path(corpus), Path(store), int(workers))
        print(json.dumps(result))
        return 0

    own_corpus = args.corpus is None
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="dateline-bench-corpus-"))
    try:
        if own_corpus:
            build_corpus(corpus, args.articles)
        texts = _cleaned_texts(corpus)
        words = sum(len(t.split()) for t in texts)
        print(f"Dateline ingest on Dask: {os.cpu_count()} CPUs, {args.runs} runs; code {_code_version()}")
        print(f"corpus {corpus}: {len(texts):,} articles, {words:,} words after cleaning", flush=True)
        plan = [("pool", POOL_PROCESSES), *(("cluster", n) for n in WORKERS)]
        results: dict[str, list[dict]] = {}
        for run in range(args.runs):
            for name, workers in plan:
                key = name if name == "pool" else f"{name}_{workers}"
                result = _run_phase(name, corpus, workers)
                results.setdefault(key, []).append(result)
                print(f"    [run {run + 1}: {key} {result['wall']:.1f} s]", file=sys.stderr, flush=True)
        _print(results, words, args.runs)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        release_corpus(corpus, own=own_corpus, keep=args.keep_corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Gazetteer figures: build time, size, counts, cold open, lookup latency, memory.

    python benchmarks/gazetteer.py [--runs 5] [--build-runs 1] [--sample 3000]

Latencies are medians over ``--runs`` repetitions of the whole sample; the
baseline is the bare SQLite query for the same keys, timed in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gazetteer.build import build, ensure_built  # noqa: E402
from gazetteer.lookup import Gazetteer  # noqa: E402

TARGETS = {"exact_median_us": 20.0, "fuzzy_median_ms": 2.0, "open_s": 0.2, "memory_mb": 150.0}

_MEMORY_PROBE = """
import json, sys, time
def rss_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
from gazetteer.lookup import Gazetteer
keys = json.loads(sys.argv[2])
before = rss_mb()
started = time.perf_counter()
gaz = Gazetteer(sys.argv[1])
gaz.candidates("Kyiv")
opened = time.perf_counter() - started
for key in keys:
    gaz.candidates(key)
print(json.dumps({"open_s": opened, "memory_mb": rss_mb() - before}))
"""


def _sample_names(path: Path, size: int, seed: int) -> list[str]:
    db = sqlite3.connect(path)
    total = db.execute("SELECT MAX(rowid) FROM places").fetchone()[0]
    rng = random.Random(seed)
    ids = rng.sample(range(1, total + 1), size)
    names = [db.execute("SELECT name FROM places WHERE id = ?", (i,)).fetchone()[0] for i in ids]
    db.close()
    return names


def _misspell(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name + "a"
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _time_each(fn, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter_ns()
        fn(item)
        times.append((time.perf_counter_ns() - started) / 1000.0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-runs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    build_times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.build_runs):
            started = time.perf_counter()
            stats = build(Path(tmp) / f"gazetteer-{run}.sqlite")
            build_times.append(time.perf_counter() - started)
    path = ensure_built()
    gaz = Gazetteer(path, cache_size=0)
    meta = gaz.meta()
    names = _sample_names(path, args.sample, args.seed)
    rng = random.Random(args.seed)
    misspelt = [_misspell(n, rng) for n in names[: max(200, args.sample // 10)]]
    keys = [(n.casefold(),) for n in names]
    # The baseline: the same file queried bare by key, no ranking (this benchmark reads the built
    # file's table directly; the library goes through Gazetteer's methods only).
    raw_db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    exact_medians, exact_p99s, fuzzy_medians, raw_medians = [], [], [], []
    for _ in range(args.runs):
        exact = _time_each(lambda n: gaz.candidates(n, fuzzy=False), names)
        exact_medians.append(statistics.median(exact))
        exact_p99s.append(statistics.quantiles(exact, n=100)[98])
        fuzzy_medians.append(statistics.median(_time_each(gaz.candidates, misspelt)) / 1000.0)
        raw = _time_each(lambda k: raw_db.execute("SELECT place_id FROM names WHERE key = ?", k).fetchall(), keys)
        raw_medians.append(statistics.median(raw))

    probes = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(path), json.dumps(names[:1000])],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        probes.append(json.loads(out.stdout))

    figures = {
        "build_s": statistics.median(build_times),
        "file_mb": path.stat().st_size / 1e6,
        "places": int(meta["count_places"]),
        "names": int(meta["count_names"]),
        "fuzzy_spellings": int(meta["count_spellings"]),
        "open_s": statistics.median(p["open_s"] for p in probes),
        "exact_median_us": statistics.median(exact_medians),
        "exact_p99_us": statistics.median(exact_p99s),
        "raw_sqlite_median_us": statistics.median(raw_medians),
        "fuzzy_median_ms": statistics.median(fuzzy_medians),
        "memory_mb": statistics.median(p["memory_mb"] for p in probes),
    }
    print(f"gazetteer {path}")
    print(f"  build            {figures['build_s']:8.1f} s   (median of {args.build_runs}; {stats['places']:,} places)")
    print(f"  file size        {figures['file_mb']:8.1f} MB")
    print(f"  places           {figures['places']:8,d}")
    print(f"  names            {figures['names']:8,d}   ({figures['fuzzy_spellings']:,} Latin spellings for fuzzy)")
    print(f"  cold open        {figures['open_s']:8.4f} s   (open + first lookup, fresh process; target <= 0.2)")
    print(
        f"  exact lookup     {figures['exact_median_us']:8.1f} µs median, {figures['exact_p99_us']:.1f} µs p99"
        f"   (target median <= 20; bare SQLite query {figures['raw_sqlite_median_us']:.1f} µs,"
        f" ratio {figures['exact_median_us'] / figures['raw_sqlite_median_us']:.1f}x)"
    )
    print(f"  fuzzy lookup     {figures['fuzzy_median_ms']:8.2f} ms median   (target <= 2)")
    print(f"  memory added     {figures['memory_mb']:8.1f} MB   (open + 1,000 lookups; target <= 150)")
    print(f"  runs             {args.runs} x {len(names):,} names, {len(misspelt):,} misspellings")
    missed = [k for k, limit in TARGETS.items() if figures[k] > limit]
    print("  targets          " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))


if __name__ == "__main__":
    main()

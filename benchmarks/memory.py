"""Peak memory of ``geo parse`` and ``geo ingest`` as the corpus grows: it should stay flat.

    python benchmarks/memory.py [--sizes 1000,20000] [--commands parse,ingest] [--processes 2] [--keep]

For each size, builds a corpus with ``benchmarks/pipeline.py``'s generator (seeds and the shared
gold texts, shuffled and spliced; .txt files and one .jsonl file), then runs each command as the
command line runs it, in a fresh process, and samples the whole process tree (the command and its
workers): peak summed RSS and PSS every second (PSS counts memory shared by forked workers once),
and the high-water mark (VmHWM) of the command and of its largest worker. The kernel keeps a
high-water mark exactly, so these two are the steadiest figures. The summed peaks depend on whether
a sample lands on a brief transient, such as the writer's checkpoint. The command's level (the
median of its RSS over the second half of the run) tells a memory that grows with the corpus from
a peak that is a transient. Also prints the wall time,
the articles per second and, for ``parse``, when its first line of output arrived (it streams: one
line per article as soon as it is parsed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import _MemorySampler, build_corpus  # noqa: E402


def _level(samples: list[float]) -> float:
    """The median of the second half of a process's RSS samples: where it settles, transients aside."""
    later = samples[len(samples) // 2 :]
    return statistics.median(later) if later else 0.0


def _run(command: list[str]) -> dict:
    """Run a command with its stdout counted, sampling the memory of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first_line: list[float] = []
    lines = [0]

    def read() -> None:
        for _ in process.stdout:
            if not first_line:
                first_line.append(time.perf_counter() - started)
            lines[0] += 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    with _MemorySampler(interval=1.0, pss_every=1, root=process.pid) as sampler:
        process.wait()
    reader.join()
    workers = [mb for pid, mb in sampler.high_water_mb.items() if pid != process.pid]
    return {
        "command_hwm_mb": sampler.high_water_mb.get(process.pid, 0.0),
        "command_level_mb": _level(sampler.root_rss_mb),
        "worker_hwm_mb": max(workers, default=0.0),
        "seconds": time.perf_counter() - started,
        "status": process.returncode,
        "lines": lines[0],
        "first_line_s": first_line[0] if first_line else None,
        "peak_rss_mb": sampler.peak_rss_mb,
        "peak_pss_mb": sampler.peak_pss_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,20000", help="comma-separated corpus sizes (articles)")
    parser.add_argument("--commands", default="parse,ingest", help="comma-separated: parse and/or ingest")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the corpora and stores")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dateline-memory-"))
    python = [sys.executable, "-m", "geo", "--processes", str(args.processes)]
    print(
        f"{'command':<8}{'articles':>9}{'wall s':>9}{'art/s':>8}{'first line s':>14}"
        f"{'peak RSS MB':>13}{'peak PSS MB':>13}{'command HWM':>13}{'level':>7}{'worker HWM':>12}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = work / f"corpus-{size}"
        made = build_corpus(corpus, size)["articles"]
        commands = {
            "parse": [*python, "parse", str(corpus)],
            "ingest": [*python, "ingest", str(corpus), "--db", str(work / f"store-{size}.duckdb")],
        }
        for name in args.commands.split(","):
            run = _run(commands[name])
            first = f"{run['first_line_s']:.1f}" if run["first_line_s"] is not None else "-"
            print(
                f"{name:<8}{made:>9}{run['seconds']:>9.1f}{made / run['seconds']:>8.1f}{first:>14}"
                f"{run['peak_rss_mb']:>13.0f}{run['peak_pss_mb']:>13.0f}{run['command_hwm_mb']:>13.0f}"
                f"{run['command_level_mb']:>7.0f}"
                f"{run['worker_hwm_mb']:>12.0f}   (exit {run['status']})",
                flush=True,
            )
    if args.keep:
        print(f"kept in {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

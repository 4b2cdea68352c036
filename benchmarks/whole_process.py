"""Parse speed of the command as a person runs it, against bare spaCy NER run the same way.

    python benchmarks/whole_process.py [--articles 1000] [--runs 3] [--processes 2]

``benchmarks/pipeline.py`` times the parse inside one process, the model already loaded. This
times whole processes: files in, JSON lines out, every run a fresh interpreter.

  * pipeline: ``python -m geo --processes P parse CORPUS > out.jsonl``, the corpus of
    ``pipeline.py`` (.txt files and a .jsonl file) read, cleaned, parsed, resolved and dated;
  * bare NER: a process that loads the NER-only model (``geo.parsing.nlp.load_ner``), reads the same
    articles' cleaned texts from one JSON-lines file and writes each text's entities as a JSON line
    (``nlp.pipe(n_process=P)``, as ``pipeline.py``'s bare NER);
  * parallel ceiling: the same, but the loaded model is forked into P processes that each run
    ``nlp.pipe(n_process=1)`` on 1/P of the texts into a file of their own, copied out in order at the
    end (as ``pipeline.py``'s nersplit: spaCy's own n_process ships every Doc back to its parent);
  * start-up: each command on a one-article corpus, subtracted from its full run, so the ratio
    compares the work per word and not the model loads.

Prints the medians of ``--runs`` runs (each run times all four commands back to back) and the
ratios pipeline / bare NER and pipeline / parallel ceiling in words per second, start-up subtracted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import BATCH_SIZE, RATIO_TARGET, _cleaned_texts, build_corpus  # noqa: E402


def _entity_line(doc) -> str:
    """A doc's entities as one JSON line, as both bare-NER processes write them."""
    return json.dumps([[e.text, e.label_, e.start_char, e.end_char] for e in doc.ents]) + "\n"


def bare_ner(texts_file: Path, processes: int) -> None:
    """The bare-NER process: cleaned texts in (JSON lines), each text's entities out (JSON lines)."""
    from geo.parsing.nlp import load_ner

    nlp = load_ner()
    texts = [json.loads(line) for line in texts_file.read_text(encoding="utf-8").splitlines()]
    out = sys.stdout
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes):
        out.write(_entity_line(doc))


def ceiling_ner(texts_file: Path, processes: int) -> None:
    """The parallel-ceiling process: the NER-only model loaded once, forked into ``processes`` shares."""
    from geo.parsing.nlp import load_ner

    nlp = load_ner()
    texts = [json.loads(line) for line in texts_file.read_text(encoding="utf-8").splitlines()]
    share = -(-len(texts) // processes)
    outs = [texts_file.with_suffix(f".share{k}.jsonl") for k in range(processes)]

    def run_share(k: int) -> None:
        with outs[k].open("w", encoding="utf-8") as out:
            for doc in nlp.pipe(texts[k * share : (k + 1) * share], batch_size=BATCH_SIZE):
                out.write(_entity_line(doc))

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=run_share, args=(k,)) for k in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for out in outs:
        with out.open("rb") as share_file:
            shutil.copyfileobj(share_file, sys.stdout.buffer)
        out.unlink()


def _wall(command: list[str], out: Path) -> float:
    started = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(command, cwd=ROOT, stdout=sink, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--bare-ner", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ceiling-ner", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_ner:
        bare_ner(args.bare_ner, args.processes)
        return 0
    if args.ceiling_ner:
        ceiling_ner(args.ceiling_ner, args.processes)
        return 0

    work = Path(tempfile.mkdtemp(prefix="dateline-whole-"))
    corpus, one = work / "corpus", work / "one"
    build_corpus(corpus, args.articles)
    build_corpus(one, 1)
    texts = _cleaned_texts(corpus)
    words = sum(len(text.split()) for text in texts)
    texts_file, one_text = work / "texts.jsonl", work / "one.jsonl"
    texts_file.write_text("".join(json.dumps(t) + "\n" for t in texts), encoding="utf-8")
    one_text.write_text(json.dumps(_cleaned_texts(one)[0]) + "\n", encoding="utf-8")

    p = str(args.processes)
    commands = {
        "pipeline": [sys.executable, "-m", "geo", "--processes", p, "parse", str(corpus)],
        "pipeline start-up": [sys.executable, "-m", "geo", "--processes", p, "parse", str(one)],
        "bare NER": [sys.executable, __file__, "--processes", p, "--bare-ner", str(texts_file)],
        "bare NER start-up": [sys.executable, __file__, "--processes", p, "--bare-ner", str(one_text)],
        "parallel ceiling": [sys.executable, __file__, "--processes", p, "--ceiling-ner", str(texts_file)],
        "parallel ceiling start-up": [sys.executable, __file__, "--processes", p, "--ceiling-ner", str(one_text)],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(args.runs):
        for name, command in commands.items():
            walls[name].append(_wall(command, work / "out.jsonl"))
        print(f"  [run {run + 1}: " + ", ".join(f"{n} {w[-1]:.1f} s" for n, w in walls.items()) + "]", flush=True)

    rates = {
        name: [words / max(full - start, 1e-9) for full, start in zip(walls[name], walls[f"{name} start-up"])]
        for name in ("pipeline", "bare NER", "parallel ceiling")
    }
    print(f"whole processes, P = {p}: {len(texts):,} articles, {words:,} words; medians of {args.runs} runs")
    for name, values in walls.items():
        print(f"  {name:<26} {statistics.median(values):8.1f} s wall")
    for name, values in rates.items():
        print(f"  {name:<26} {statistics.median(values):8,.0f} words/s (start-up subtracted)")
    for baseline in ("bare NER", "parallel ceiling"):
        ratios = [a / b for a, b in zip(rates["pipeline"], rates[baseline])]
        print(f"  RATIO pipeline / {baseline:<16} {statistics.median(ratios):5.2f}   target >= {RATIO_TARGET}"
              f"   (per run: {', '.join(f'{r:.2f}' for r in ratios)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

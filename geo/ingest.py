"""``python -m geo ingest``: read, parse and store, with a progress bar and a summary."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from geo.parse import Geoparser
from geo.read import read_articles
from geo.store import IngestReport, Store

DEFAULT_DB = Path("dateline.duckdb")


def ingest_command(paths: list[Path], db: Path | None, *, model: str | None, processes: int | None) -> int:
    """Ingest files and folders into the store; exit 2 when some inputs were rejected.

    Articles already stored unchanged are skipped before parsing, so a re-run costs a read."""
    articles, problems = read_articles(paths)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    store = Store(db or DEFAULT_DB)
    report = IngestReport()
    stored = store.content_hashes([a.id for a in articles])
    report.unchanged.extend(a.id for a in articles if stored.get(a.id) == a.content_hash)
    fresh = [a for a in articles if stored.get(a.id) != a.content_hash]
    if fresh:
        geoparser = Geoparser(model=model, processes=processes)
        progress = tqdm(geoparser.parse(fresh), total=len(fresh), unit="article", file=sys.stderr,
                        disable=len(fresh) < 20)
        store.ingest(progress, report)
    print(f"{store.path}: {report.summary()}; {len(problems)} inputs rejected", file=sys.stderr)
    return 2 if problems else 0

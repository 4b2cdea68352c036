"""Command line: ``python -m gazetteer build|lookup|reverse|info``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from gazetteer.build import build, default_path, ensure_built
from gazetteer.errors import GazetteerError
from gazetteer.lookup import Gazetteer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gazetteer", description=__doc__)
    parser.add_argument("--path", type=Path, help="gazetteer file (default: the cached build)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the gazetteer (skipped when current)")
    build_cmd.add_argument("--force", action="store_true", help="rebuild even when current")
    lookup = commands.add_parser("lookup", help="candidates for a place name, as JSON lines")
    lookup.add_argument("name")
    lookup.add_argument("--country", action="append", help="ISO alpha-2 code (repeatable)")
    lookup.add_argument("--kind", action="append", help="continent/country/region/city/feature (repeatable)")
    lookup.add_argument("--limit", type=int, default=5)
    lookup.add_argument("--no-fuzzy", action="store_true", help="exact and transliteration matches only")
    reverse = commands.add_parser("reverse", help="places nearest to a point, as JSON lines")
    reverse.add_argument("lat", type=float)
    reverse.add_argument("lon", type=float)
    reverse.add_argument("--kind", action="append", default=None)
    reverse.add_argument("--limit", type=int, default=3)
    commands.add_parser("info", help="where the gazetteer is and what it holds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    path = args.path or default_path()
    if args.command == "build":
        if path.exists() and not args.force:
            print(f"Gazetteer is current: {path}")
            return 0
        stats = build(path)
        print(f"Built {path}: {stats['places']:,} places, {stats['names']:,} names in {stats['seconds']:.1f} s")
        return 0

    try:
        with Gazetteer(ensure_built(path)) as gazetteer:
            _query(gazetteer, args, path)
    except (GazetteerError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _query(gazetteer: Gazetteer, args: argparse.Namespace, path: Path) -> None:
    """Print the answer to a lookup, reverse or info command."""
    if args.command == "lookup":
        found = gazetteer.candidates(
            args.name, country=args.country, kind=args.kind, fuzzy=not args.no_fuzzy, limit=args.limit
        )
        for c in found:
            row = {**c.place.to_dict(), "match": c.match, "similarity": c.similarity, "prior": round(c.prior, 3)}
            print(json.dumps(row, ensure_ascii=False))
    elif args.command == "reverse":
        for place, km in gazetteer.nearest(args.lat, args.lon, kind=args.kind or "city", limit=args.limit):
            print(json.dumps({**place.to_dict(), "distance_km": round(km, 3)}, ensure_ascii=False))
    else:
        print(json.dumps({"path": str(path), **gazetteer.meta()}, indent=2))


if __name__ == "__main__":
    sys.exit(main())

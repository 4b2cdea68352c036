"""Shared fixtures: the real gazetteer (built once per machine and cached), the real model,
and a real store holding the seed articles."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from geo.input.read import read_articles
from geo.parsing.pipeline import Geoparser
from geo.store.database import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def main_module_kept():
    """Streamlit's AppTest runs dashboard.py as ``__main__`` and leaves it in ``sys.modules``; a
    later test that spawns processes (Dask's nannies) would then run the dashboard in every child,
    which fails there. Each test gets the real ``__main__`` back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    with Gazetteer.open() as opened:
        yield opened


@pytest.fixture(scope="session")
def geoparser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer, processes=1)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, geoparser) -> Path:
    """A store file with the five seed articles ingested (copy it before writing to it)."""
    path = tmp_path_factory.mktemp("store") / "seeds.duckdb"
    articles, problems = read_articles([ROOT / "seeds"])
    assert not problems
    Store(path).ingest(geoparser.parse(articles))
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave with pytest's verdict before the interpreter is torn down.

    DuckDB can abort the process while Python finalises ("terminate called after throwing an
    instance of ''", exit 134: duckdb/duckdb#13904, a DuckDB thread asking for the interpreter
    while it shuts down). It struck after every test had passed, in about one run of three of
    test_dashboard.py alone; the verdict must be the tests', not the teardown's. Registered last,
    this runs first among the exit handlers, after pytest has printed its summary.
    """

    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(exitstatus))

    atexit.register(leave)

"""Shared fixtures: the real gazetteer (built once per machine and cached), the real model,
and a real store holding the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer import Gazetteer
from geo.input.read import read_articles
from geo.parsing.pipeline import Geoparser
from geo.store.database import Store

ROOT = Path(__file__).resolve().parents[1]


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

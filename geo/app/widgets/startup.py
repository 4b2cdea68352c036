"""The first start, stage by stage: building the gazetteer, unpacking the map, loading the language
model, reading the sample articles; and parsing articles into the store with their progress shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from gazetteer.build import default_path
from geo.app import view
from geo.app.assets import is_current
from geo.app.widgets import data
from geo.input.read import read_articles
from geo.records import Article, InputProblem
from geo.store.database import IngestReport
from geo.store.ingest import date_undated, ingest_articles


def prepare(seeds: Path, root: Path) -> None:
    """Make everything the first view needs, saying which stage runs; nothing shows on a warm start.

    :param seeds: the sample articles that fill an empty store.
    :param root: the folder the seeds' ids are relative to.
    """
    build_gazetteer = not default_path().exists()
    unpack = not is_current(data.static_dir())
    fill = data.overview(data.store_path(), data.version()).articles == 0 and seeds.is_dir()
    slot = st.empty()  # in every run, so the elements after it keep their place and the map is not rebuilt
    if not (build_gazetteer or unpack or fill):
        data.basemap()
        return
    with slot.container(), st.status("Getting Dateline ready: this first start takes a minute", expanded=True):
        if build_gazetteer:
            st.write("Building the gazetteer from the installed place lists (once, about half a minute)…")
            data.gazetteer()
        if unpack:
            st.write("Unpacking the map's scripts and tiles…")
        data.basemap()
        if fill:
            st.write("Loading the language model…")
            data.geoparser()
            st.write("Reading the sample articles…")
            _fill(seeds, root)
    slot.empty()


def _fill(seeds: Path, root: Path) -> None:
    articles, problems = read_articles([seeds], root=root)
    for problem in problems:
        st.warning(f"Skipped {problem}", icon="⚠️")
    if articles:
        _, failed = ingest(articles, "Reading the sample articles")
        for problem in failed:
            st.warning(f"Skipped {problem}", icon="⚠️")


def ingest(articles: list[Article], label: str) -> tuple[IngestReport, list[InputProblem]]:
    """Parse and store articles, counting them as they go; what was stored and the articles that failed."""
    with st.spinner("Loading the language model…"):
        parser = data.geoparser()
    total = len(articles)
    progress = st.progress(0.0, text=f"{label}: parsing {view.counted(total, 'article')}…")
    done = 0

    def step(_: object) -> None:
        nonlocal done
        done += 1
        progress.progress(done / total, text=f"{label}: {done} of {total}")

    problems: list[InputProblem] = []
    report = ingest_articles(articles, data.store(), parser, problems=problems, on_parsed=step)
    date_undated(data.store(), latest=dt.date.today())
    progress.empty()
    return report, problems

"""What the dashboard reads, cached: the store's queries keyed by the store's generation (every write
raises it, so a view refreshes after an upload, a removal, a correction or a command-line ingest),
and the resources loaded once per server: the gazetteer, the language model, the basemap."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gazetteer import Gazetteer
from geo.app import webmap
from geo.app.assets import ensure_static
from geo.app.basemap import ATTRIBUTION_ENV, TILES_ENV, Basemap, configured
from geo.parsing.pipeline import Geoparser
from geo.store.corrections import Corrections
from geo.store.database import Store
from geo.store.queries import Filters, Overview, StoreReader

STORE_ENV, DEFAULT_STORE = "DATELINE_DB", "dateline.duckdb"
KEEP_OPEN_SECONDS = 2.0
"""How long the store file stays open after the app's last query: reruns reuse it (opening costs
~0.1 s at a million mentions), and an ingest from the command line gets it once the app is idle."""
SENTENCE_ARTICLES = 25
"""Articles whose sentences naming a place the panel lists at first (newest first), and how many
more each "Show more" adds. 200 at once held a click's panel back by ~0.2 s at a million mentions
(800 elements to draw), and the panel shows about five sentences without scrolling."""
ARTICLES_LISTED = 1000
"""Articles in the articles table, newest first."""
CORRECTIONS_LISTED = 200
"""Corrections in the corrections view, newest first."""
UNRESOLVED_LISTED = 100
"""Names placed nowhere in the corrections view, most frequent first."""


@st.cache_resource(show_spinner=False)
def reader(path: str) -> StoreReader:
    """The store's queries, shared by every session; the file stays open while the app is in use and
    is let go after ``KEEP_OPEN_SECONDS`` idle, so a command-line ingest can have it."""
    return StoreReader(Store(path, keep_open=KEEP_OPEN_SECONDS))


def store_path() -> str:
    """The store file: $DATELINE_DB, else ``dateline.duckdb`` in the working folder (read on every run)."""
    return os.environ.get(STORE_ENV, DEFAULT_STORE)


def store() -> Store:
    return reader(store_path()).store


def corrections() -> Corrections:
    return Corrections(store())


def version() -> int:
    """The store's generation: it grows with every write, by this app or a command-line ingest."""
    return store().generation()


@st.cache_resource(show_spinner=False)
def gazetteer() -> Gazetteer:
    """The offline gazetteer (built on first use: see ``startup``)."""
    return Gazetteer.open()


@st.cache_resource(show_spinner=False)
def geoparser() -> Geoparser:
    """The language model and gazetteer, for uploads (parsed in this process)."""
    return Geoparser(gazetteer(), processes=1)


def static_dir() -> Path:
    """The ``static/`` folder next to the app script: Streamlit serves it at /app/static/."""
    return Path(get_script_run_ctx().main_script_path).resolve().parent / "static"


@st.cache_resource(show_spinner=False)
def _static_files(folder: str) -> Path:
    return ensure_static(Path(folder))


def static_files() -> Path:
    """The map's scripts and bundled tiles, copied and unpacked into ``static_dir`` on the first start."""
    return _static_files(str(static_dir()))


@st.cache_resource(show_spinner=False)
def _basemap(folder: str) -> Basemap:
    return configured(os.environ.get(TILES_ENV), os.environ.get(ATTRIBUTION_ENV), _static_files(folder))


def basemap() -> Basemap:
    """The bundled tiles, and the reader's own basemap if ``DATELINE_TILES`` names one."""
    return _basemap(str(static_dir()))


@st.cache_data(show_spinner=False, max_entries=4)
def overview(path: str, generation: int) -> Overview:
    return reader(path).overview()


@st.cache_data(show_spinner=False, max_entries=32)
def in_view(path: str, generation: int, filters: Filters) -> tuple[pd.DataFrame, int]:
    """The view's places and how many articles they are mentioned in."""
    return reader(path).view(filters)


@st.cache_data(show_spinner=False, max_entries=32)
def layer_rows(path: str, generation: int, filters: Filters) -> webmap.LayerRows:
    """The view's map rows, encoded once (``webmap.layer_rows``: ~0.1 s and 600 kB at 6,000 places)
    and shared by every rerun and visitor on the same view."""
    return webmap.layer_rows(in_view(path, generation, filters)[0])


@st.cache_data(show_spinner=False, max_entries=32)
def timeline(path: str, generation: int, filters: Filters) -> pd.DataFrame:
    return reader(path).timeline(filters)


@st.cache_data(show_spinner=False, max_entries=64)
def sentences(path: str, generation: int, place_key: str, filters: Filters, articles: int) -> list[dict]:
    return reader(path).sentences(place_key, filters, limit=articles)


@st.cache_data(show_spinner=False, max_entries=4)
def articles(path: str, generation: int) -> pd.DataFrame:
    return reader(path).articles(ARTICLES_LISTED)


@st.cache_data(show_spinner=False, max_entries=4)
def corrections_listed(path: str, generation: int) -> pd.DataFrame:
    return Corrections(reader(path).store).listed().head(CORRECTIONS_LISTED)


@st.cache_data(show_spinner=False, max_entries=4)
def unresolved(path: str, generation: int) -> pd.DataFrame:
    return Corrections(reader(path).store).unresolved(UNRESOLVED_LISTED)

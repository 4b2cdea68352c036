"""The sidebar: adding articles, the filters, and the exports. Filters live in the URL, so a view can
be shared; ``clear_filters`` puts every one back."""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from geo.app import view
from geo.app.widgets import data
from geo.app.widgets.startup import ingest
from geo.input.read import read_articles
from geo.store.queries import Filters, Overview

UPLOAD_TYPES = ["txt", "md", "html", "htm", "json", "jsonl", "csv"]
UPLOADS = "upload"
UPLOAD_HASH_CHARS = 12
"""An upload is read from ``upload/<its SHA-256, 12 hex digits>/<its name>`` (its articles' ids): a
second, different upload with the same file name is new articles, not a replacement; the same file
again is unchanged."""
FILTER_DEFAULTS = {"undated": True, "kinds": list(view.KIND_CHOICES), "min_score": 0.0, "q": "", "outlets": []}
"""Every filter's widget key and its value when nothing is filtered."""


def uploads() -> None:
    """Uploaded files go to the store; each file's outcome stays listed, with a way to take the last
    upload's articles out again."""
    files = st.file_uploader(
        "Add articles", type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads",
        help="Text, Markdown, HTML, JSON, JSON Lines or CSV (a `text` column). Bad files are reported and skipped.",
    )  # fmt: skip
    done = st.session_state.setdefault("uploaded_ids", set())
    messages = st.session_state.setdefault("upload_messages", [])
    fresh = [f for f in files or [] if f.file_id not in done]
    if fresh:
        messages.clear()
        st.session_state.upload_articles = _store_uploads(fresh, done, messages)
    for level, message in messages:
        (st.warning if level == "warning" else st.success)(message)
    stored = st.session_state.get("upload_articles") or []
    if stored and st.button(f"Remove the {view.counted(len(stored), 'article')} just uploaded", key="undo_upload"):
        removed = data.store().remove(stored)
        st.session_state.upload_articles = []
        messages[:] = [("success", f"Removed {view.counted(removed, 'article')}.")]
        st.rerun()


def _store_uploads(files: list, done: set, messages: list) -> list[str]:
    """Read, parse and store uploaded files; the stored articles' ids."""
    articles = []
    with tempfile.TemporaryDirectory() as folder:
        for upload in files:
            done.add(upload.file_id)
            content = upload.getvalue()
            path = Path(folder) / UPLOADS / hashlib.sha256(content).hexdigest()[:UPLOAD_HASH_CHARS]
            path.mkdir(parents=True)
            (path / Path(upload.name).name).write_bytes(content)
            found, problems = read_articles([path], root=folder)
            messages += [("warning", f"Skipped {uploaded_name(p.source)}: {p.reason}") for p in problems]
            articles += [dataclasses.replace(article, source=uploaded_name(article.source)) for article in found]
    if not articles:
        return []
    report, failed = ingest(articles, "Upload")
    messages += [("warning", f"Skipped {problem}") for problem in failed]
    messages.append(("success", f"Uploaded: {report.summary()}"))
    return report.added + report.replaced


def uploaded_name(source: str) -> str:
    """How an upload's source reads: "upload: <file name>[#row]" for "upload/<hash>/<file name>[#row]"."""
    return "upload: " + source.split("/", 2)[-1]


def filters(stored: Overview) -> Filters:
    """The filter widgets, and the view they choose (over every date: the dates are the main pane's)."""
    include_undated = st.checkbox(
        f"Include undated articles ({stored.undated_articles:,})", value=True, key="undated", bind="query-params"
    )
    kinds = st.pills(
        "Kinds", options=list(view.KIND_CHOICES), default=list(view.KIND_CHOICES), selection_mode="multi",
        key="kinds", bind="query-params",
    )  # fmt: skip
    min_score = st.slider(
        "Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="min_score", bind="query-params",
        help="Leave out mentions the geoparser is less sure of (0.6 and up is usually right).",
    )  # fmt: skip
    query = st.text_input("Search places and articles", key="q", bind="query-params")
    outlets = None
    if stored.outlets:
        chosen = st.multiselect(
            "Outlets", options=list(stored.outlets), key="outlets", placeholder="All outlets", bind="query-params"
        )
        outlets = tuple(chosen) or None
    return Filters(None, None, include_undated, tuple(kinds), min_score, query, outlets)


def clear_filters(bounds: tuple | None) -> None:
    """A button's callback: every filter back to its default, and all the dates."""
    for key, value in FILTER_DEFAULTS.items():
        st.session_state[key] = value
    if bounds is not None:
        st.session_state.dates = bounds
    st.session_state.playing = False


def is_filtered(chosen: Filters, bounds: tuple | None) -> bool:
    """Whether anything narrows the view from the whole store."""
    return bool(
        (bounds is not None and chosen.start is not None and (chosen.start, chosen.end) != tuple(bounds))
        or not chosen.include_undated or set(chosen.kinds) != set(view.KIND_CHOICES) or chosen.min_score > 0
        or chosen.query.strip() or chosen.outlets
    )


def exports(chosen: Filters) -> None:
    queries = data.reader(data.store_path())
    st.download_button(
        "Export view as CSV", lambda: view.to_csv(queries.export_rows(chosen)), "dateline-mentions.csv", "text/csv",
        on_click="ignore",
    )  # fmt: skip
    st.download_button(
        "Export view as GeoJSON", lambda: view.to_geojson(queries.export_rows(chosen)), "dateline-mentions.geojson",
        "application/geo+json", on_click="ignore",
    )  # fmt: skip

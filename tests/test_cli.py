"""``python -m geo parse | ingest | evaluate``: the contract other tools rely on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _geo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m geo ...` run in `cwd` with this checkout's code (whatever else is installed)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "geo", "--processes", "1", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """The seeds, plus one article as JSON Lines, plus one bad input of each kind."""
    folder = tmp_path_factory.mktemp("mixed")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    rows = [
        {
            "id": "row-1",
            "title": "Row one",
            "date": "2022-03-01",
            "text": "Ukrainian troops held Kharkiv.  Shelling hit Kyiv.",
        },
        "not json at all",
        {"id": "row-3", "text": ""},
    ]
    (folder / "rows.jsonl").write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (folder / "latin1.txt").write_bytes("Kiev est la capitale de l'Ukraine. Caf\xe9".encode("latin-1"))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    return folder


@pytest.fixture(scope="module")
def parsed_mixed(mixed_folder) -> tuple[subprocess.CompletedProcess, list[dict]]:
    result = _geo("parse", ".", "--with-text", cwd=mixed_folder)
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def test_parse_prints_one_json_object_per_article(parsed_mixed):
    result, articles = parsed_mixed
    assert sorted(a["id"] for a in articles) == sorted(
        [p.name for p in SEEDS.iterdir()] + ["rows.jsonl#row-1", "latin1.txt"]
    )
    for article in articles:
        assert set(article) >= {"id", "source", "title", "date", "date_estimated", "outlet", "language", "mentions"}
        for mention in article["mentions"]:
            assert set(mention) >= {"text", "start", "end", "score", "place"}
            assert set(mention["place"]) >= {"name", "lat", "lon", "kind", "country_code", "geonameid"}
            assert mention["place"]["kind"] in {"continent", "country", "region", "city", "feature"}


def test_file_offsets_point_into_the_cleaned_text(parsed_mixed):
    _, articles = parsed_mixed
    for article in articles:
        if article["source"].endswith(".txt"):
            for mention in article["mentions"]:
                assert article["text"][mention["start"] : mention["end"]] == mention["text"]


def mixed_folder_name(articles: list[dict]) -> str:
    """The outlet of an article without site or URL: its folder's name."""
    return next(a["outlet"] for a in articles if a["id"].endswith(".txt"))


def test_row_offsets_point_into_the_text_as_given(parsed_mixed, mixed_folder):
    _, articles = parsed_mixed
    assert mixed_folder_name(articles) == mixed_folder.name
    row = next(a for a in articles if a["id"] == "rows.jsonl#row-1")
    assert (row["source"], row["outlet"], row["language"]) == ("rows.jsonl#1", mixed_folder_name(articles), "en")
    given = "Ukrainian troops held Kharkiv.  Shelling hit Kyiv."
    assert {given[m["start"] : m["end"]] for m in row["mentions"]} == {"Kharkiv", "Kyiv"}
    assert row["title"] == "Row one" and row["date"] == "2022-03-01" and row["date_estimated"] is False


def test_bad_inputs_are_reported_one_line_each_and_exit_status_is_2(parsed_mixed, mixed_folder):
    result, _ = parsed_mixed
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    reported = {line.split(": ")[0].removeprefix("skipped ") for line in lines if line.startswith("skipped ")}
    assert reported == {"rows.jsonl#2", "rows.jsonl#3", "empty.txt", "binary.txt", "notes.pdf"}
    reasons = " ".join(lines)
    for reason in ("malformed JSON", "no text", "empty", "binary", "unsupported file type .pdf"):
        assert reason in reasons


def test_a_legacy_encoding_is_read(parsed_mixed):
    _, articles = parsed_mixed
    latin1 = next(a for a in articles if a["id"] == "latin1.txt")
    assert latin1["text"].endswith("Café") and latin1["language"] == "fr"


def test_seed_dates(parsed_mixed):
    _, articles = parsed_mixed
    dates = {a["id"][:3]: (a["date"], a["date_estimated"]) for a in articles}
    assert dates["000"] == ("2022-02-26", False)
    assert dates["004"] == ("2022-02-28", False)
    assert dates["003"] == ("2022-03-17", True)


def test_parse_of_clean_input_exits_0_and_all_toponyms_flags_demonyms():
    result = _geo("parse", str(SEEDS / "000_04ec2b7c7e823c78.txt"), "--all-toponyms")
    assert result.returncode == 0 and result.stderr == ""
    mentions = json.loads(result.stdout)["mentions"]
    demonyms = [m for m in mentions if m.get("demonym")]
    assert demonyms and {m["place"]["name"] for m in demonyms} >= {"Russia", "Ukraine"}


def test_ingest_then_ingest_again(tmp_path):
    db = tmp_path / "store.duckdb"
    first = _geo("ingest", str(SEEDS), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stderr
    second = _geo("ingest", str(SEEDS), "--db", str(db))
    assert "0 added" in second.stderr and "5 unchanged" in second.stderr
    from geo.store.database import Store

    estimated = Store(db).article("seeds/003_1de4da174fe004ff.txt")
    assert str(estimated["date"]) == "2022-03-17" and estimated["date_estimated"] is True


def test_evaluate_scores_a_gold_corpus(tmp_path):
    gold = tmp_path / "gold.jsonl"
    text = "Shelling hit Kharkiv and Kyiv on Friday, officials in Lviv said."
    toponyms = [
        {"start": 13, "end": 20, "name": "Kharkiv", "lat": 49.98081, "lon": 36.25272, "geonameid": 706483},
        {"start": 25, "end": 29, "name": "Kyiv", "lat": 50.45466, "lon": 30.5238, "geonameid": 703448},
        {"start": 55, "end": 59, "name": "Lviv", "lat": 49.83826, "lon": 24.02324, "geonameid": 702550},
        {"start": 0, "end": 8, "name": "Shelling", "lat": None, "lon": None, "geonameid": None},
    ]
    gold.write_text(json.dumps({"id": "d1", "text": text, "toponyms": toponyms}) + "\n", encoding="utf-8")
    result = _geo("evaluate", str(gold), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["gold_toponyms"] == 3
    assert figures["places"]["f1"] == 1.0 and figures["places"]["accuracy_161km"] == 1.0
    table = _geo("evaluate", str(gold)).stdout
    assert "acc@161" in table and "places" in table and "all_toponyms" in table


def test_evaluate_baseline_scores_bare_ner_without_context(tmp_path):
    gold = tmp_path / "gold.jsonl"
    text = "The fair in Paris, Texas, drew crowds from Dallas and Sherman on Saturday."
    toponyms = [
        {"start": 12, "end": 17, "name": "Paris", "lat": 33.66094, "lon": -95.55551},
        {"start": 19, "end": 24, "name": "Texas", "lat": 31.25044, "lon": -99.25061},
        {"start": 43, "end": 49, "name": "Dallas", "lat": 32.78306, "lon": -96.80667},
        {"start": 54, "end": 61, "name": "Sherman", "lat": 33.63566, "lon": -96.60888},
    ]
    gold.write_text(json.dumps({"id": "d1", "text": text, "toponyms": toponyms}) + "\n", encoding="utf-8")
    result = _geo("evaluate", str(gold), "--json", "--baseline")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["places"]["accuracy_161km"] == 1.0
    baseline = figures["baseline"]
    assert baseline["true_positives"] >= 3
    assert baseline["accuracy_161km"] < figures["places"]["accuracy_161km"]  # Paris, France out of context
    table = _geo("evaluate", str(gold), "--baseline").stdout
    assert "baseline" in table


def test_the_command_line_loads_the_store_only_for_the_commands_that_use_it():
    probe = "import sys, geo.__main__; print(sorted(m for m in ('duckdb', 'pandas') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"

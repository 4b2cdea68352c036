"""An adversarial folder beside good articles: every good article comes out, every bad input is named
with its reason on one stderr line, the exit status is 2 and no traceback is printed, for parse and
ingest alike; a re-run changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Rockets struck Zaporizhzhia overnight, officials in the city said on Friday."
MB = 1_000_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Good articles among every kind of bad input the readers must survive."""
    root = tmp_path_factory.mktemp("adversarial") / "inbox"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "a" / "report.txt").write_text(f"{GOOD}\n", encoding="utf-8")
    (root / "b" / "report.txt").write_text(
        "Evacuation trains left the eastern city of Kramatorsk on Saturday, officials said.\n", encoding="utf-8"
    )
    (root / "latin1.txt").write_bytes("Caf\xe9 owners in Odesa reopened on Monday.\n".encode("latin-1"))
    (root / "zero-width.txt").write_text("Shelling hit Mykola\u200biv and Kher\u00adson.\n", encoding="utf-8")
    (root / "tabbed.txt").write_text("Refugees reached Sumy\x0bLviv and Chernihiv.\n", encoding="utf-8")
    menu = " ".join(f"Section{i} World Europe Ukraine Russia Asia Culture Travel Sport" for i in range(40))
    (root / "navigation.txt").write_text(f"{menu}\n\n{GOOD}\n", encoding="utf-8")
    (root / "one.jsonl").write_text("\n".join(json.dumps({"text": f"{GOOD} Row {i}."}) for i in range(3)), "utf-8")
    (root / "two.jsonl").write_text(
        "\n".join(json.dumps({"text": f"Kyiv said on Monday: row {i}."}) for i in range(3)), "utf-8"
    )
    (root / "huge-row.jsonl").write_text(
        json.dumps({"text": "Kharkiv " * (6 * MB // 8)}) + "\n" + json.dumps({"text": "Dnipro held, the mayor said."}),
        encoding="utf-8",
    )
    long_field = "x" * 200_000
    (root / "wide.csv").write_text(f"id,text\n1,{long_field}\n2,Shelling hit Poltava on Sunday.\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (root / "broken.json").write_text('{"text": "Kyiv', encoding="utf-8")
    (root / "bad\nname.txt").write_text("", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    return root


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo", "--processes", "2", *args], capture_output=True, text=True, cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )  # fmt: skip


def _problems(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("skipped ")]


def test_parse_keeps_every_good_article_and_names_every_bad_input(folder):
    result = _run("parse", "inbox", cwd=folder.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    articles = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert {"inbox/a/report.txt", "inbox/b/report.txt", "inbox/one.jsonl#1", "inbox/two.jsonl#1"} <= set(articles)
    assert "inbox/huge-row.jsonl#2" in articles
    assert {"inbox/wide.csv#1", "inbox/wide.csv#2"} <= set(articles)  # a 200,000-character field is a row, not the end
    places = {m["place"]["name"] for row in articles.values() for m in row["mentions"]}
    assert {"Zaporizhzhya", "Kramatorsk", "Odesa", "Lviv", "Sumy", "Dnipro", "Poltava"} <= places
    assert {"Kherson", "Mykolayiv"} & places
    assert "Zaporizhzhya" in {m["place"]["name"] for m in articles["inbox/navigation.txt"]["mentions"]}
    problems = _problems(result.stderr)
    for bad in ("huge-row.jsonl#1", "empty.txt", "binary.txt", "broken.json", "bad\\nname.txt", "notes.pdf"):
        assert sum(bad in line for line in problems) == 1, (bad, problems)
    assert all(": " in line for line in problems)


def test_ingest_stores_every_good_article_and_a_rerun_changes_nothing(folder):
    first = _run("ingest", "inbox", "--db", "store.duckdb", cwd=folder.parent)
    assert first.returncode == 2 and "Traceback" not in first.stderr
    store = Store(folder.parent / "store.duckdb")
    stored = store.counts()["articles"]
    assert stored >= 13 and store.article("inbox/a/report.txt")["text"] != store.article("inbox/b/report.txt")["text"]
    again = _run("ingest", "inbox", "--db", "store.duckdb", cwd=folder.parent)
    assert again.returncode == 2 and f"0 added, 0 replaced (changed), {stored} unchanged" in again.stderr
    assert _problems(again.stderr) == _problems(first.stderr)

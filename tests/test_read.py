"""Reading files and folders: every format, the seeds, and every kind of bad input."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.input import article as read_article
from geo.input import read
from geo.input import rows as read_rows
from geo.input.read import ArticleStream, read_articles, read_inputs
from geo.records import Article, InputProblem

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "read"


def _read(*paths: str | Path, root: Path = ROOT, **options: int) -> tuple[list[Article], list[InputProblem]]:
    items = list(read_inputs(paths, root=root, **options))
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, InputProblem)],
    )


def _by_id(articles: list[Article]) -> dict[str, Article]:
    return {article.id: article for article in articles}


# --- the seeds ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    articles, problems = read_articles([SEEDS], root=ROOT)
    assert problems == []
    return {article.id.removeprefix("seeds/")[:3]: article for article in articles}


def test_seeds_are_read_in_name_order_with_their_paths_under_the_root_as_ids(seeds: dict[str, Article]) -> None:
    names = sorted(f"seeds/{path.name}" for path in SEEDS.glob("*.txt"))
    assert [article.id for article in seeds.values()] == names
    assert all(article.source == article.id for article in seeds.values())
    assert all(article.given_offsets is None and article.url is None for article in seeds.values())
    assert {(a.outlet, a.language, a.encoding, a.ref) for a in seeds.values()} == {("seeds", "en", "utf-8", None)}


def test_the_root_defaults_to_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SEEDS)
    (article,) = read_inputs(["000_04ec2b7c7e823c78.txt"])
    assert article.id == "000_04ec2b7c7e823c78.txt"
    monkeypatch.chdir(FIXTURES)
    (article,) = read_inputs([SEEDS / "000_04ec2b7c7e823c78.txt"])
    assert article.id == "../../../seeds/000_04ec2b7c7e823c78.txt"  # outside the root: never absolute


def test_seed_titles(seeds: dict[str, Article]) -> None:
    assert seeds["000"].title == (
        "Russian ground forces have pressed deep into Ukraine from the north, east and south "
        "but have encountered a resistance from Ukrainian troops"
    )
    assert seeds["001"].title == (
        "The Russian army resumed its offensive against Ukraine from all directions after a pause."
    )
    # its lead's first sentence is too long for a title: its first heading
    assert seeds["002"].title == "Russia paused military op for talks, but Ukraine rejected negotiations: Russian media"
    assert seeds["003"].title == "Vladimir Putin’s invasion of Ukraine ‘largely stalled on all fronts’, says UK"
    assert seeds["004"].title == "Fighting in Kharkiv, missiles in Kyiv"  # a byline, metadata, the body: a subhead


def test_seed_dates(seeds: dict[str, Article]) -> None:
    dates = {key: (article.date, article.date_estimated) for key, article in seeds.items()}
    assert dates == {
        "000": (dt.date(2022, 2, 26), False),
        "001": (dt.date(2022, 2, 26), False),
        "002": (dt.date(2022, 2, 26), False),
        "003": (dt.date(2022, 3, 17), True),
        "004": (dt.date(2022, 2, 28), False),
    }


def test_read_inputs_leaves_an_article_undated_when_its_estimate_needs_a_reference() -> None:
    (article,) = list(read_inputs([next(SEEDS.glob("003_*.txt"))]))
    assert (article.date, article.date_estimated) == (None, False)


def test_the_stream_dates_each_article_against_the_running_median_of_read_dates() -> None:
    seed_003 = next(SEEDS.glob("003_*.txt"))
    stream = ArticleStream([SEEDS / "000_04ec2b7c7e823c78.txt", seed_003])
    dates = [(a.date, a.date_estimated) for a in stream]  # 003 comes after a read date: dated at once
    assert dates == [(dt.date(2022, 2, 26), False), (dt.date(2022, 3, 17), True)]


def test_the_stream_falls_back_to_the_callers_reference_then_leaves_undated() -> None:
    seed_003 = next(SEEDS.glob("003_*.txt"))
    (article,) = ArticleStream([seed_003], reference=dt.date(2022, 2, 27))
    assert (article.date, article.date_estimated) == (dt.date(2022, 3, 17), True)
    (article,) = ArticleStream([seed_003])
    assert (article.date, article.date_estimated) == (None, False)


def test_dated_estimates_an_article_read_before_any_date_against_the_whole_stream() -> None:
    seed_003 = next(SEEDS.glob("003_*.txt"))
    stream = ArticleStream([seed_003, SEEDS / "000_04ec2b7c7e823c78.txt"])
    first, _ = list(stream)
    assert first.date is None
    assert stream.dated(first).date == dt.date(2022, 3, 17)


def test_the_date_marker_is_not_part_of_the_text(seeds: dict[str, Article]) -> None:
    for key in ("000", "001", "002"):
        assert not seeds[key].text.startswith(" date") and "date 2022-02-26" not in seeds[key].text


def test_seed_text_is_cleaned(seeds: dict[str, Article]) -> None:
    assert "Kottasová" in seeds["004"].text and "¬†" not in seeds["004"].text
    assert "{{" not in seeds["001"].text


def test_content_hash_identifies_the_same_article(seeds: dict[str, Article], tmp_path: Path) -> None:
    assert len({article.content_hash for article in seeds.values()}) == 5
    copy = tmp_path / "copy.txt"
    copy.write_bytes(next(SEEDS.glob("000_*.txt")).read_bytes())
    (again,) = list(read_inputs([copy], root=tmp_path))
    assert again.content_hash == seeds["000"].content_hash


def test_the_seeds_dates_are_read_without_dateparser() -> None:
    """Our own patterns read every seed's date: dateparser (slow to load, ~3 ms a call) is never
    needed, so it is not even imported. How fast reading is, benchmarks/pipeline.py measures."""
    script = f"import sys; from geo.input.read import read_articles; read_articles([{str(SEEDS)!r}]); " + (
        "print('dateparser' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


# --- every supported format --------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixtures() -> tuple[list[Article], list[InputProblem]]:
    return _read(FIXTURES, root=FIXTURES)


def test_markdown(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    (article,) = [a for a in fixtures[0] if a.source.endswith(".md")]
    assert article.id == "article.md"
    assert article.title == "Ceasefire talks resume in Istanbul"
    assert (article.date, article.date_estimated) == (dt.date(2022, 3, 29), False)
    assert "Advertisement" not in article.text


def test_html_keeps_the_articles_text_only(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    (article,) = [a for a in fixtures[0] if a.source.endswith(".html")]
    assert article.title == "Lviv station overwhelmed as refugees head west"
    assert (article.date, article.date_estimated) == (dt.date(2022, 3, 5), False)
    assert article.url == "https://news.example.org/lviv-station"
    assert article.outlet == "news.example.org"
    assert article.text.startswith("Thousands of people crowded the railway station in Lviv on Saturday,")
    assert "tea & blankets" in article.text
    for hidden in ("Secret", "Moscow", "Berlin", "Minsk", "Paris", "Rome", "London", "By A. Reporter"):
        assert hidden not in article.text
    assert "\n- Kyiv\n- Kharkiv" in article.text  # paragraphs and list items a line each


def test_json_object_and_list(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    articles = _by_id(fixtures[0])
    single = articles["article.json"]
    assert (single.source, single.ref) == ("article.json", "single")
    assert (single.title, single.date, single.url) == (
        "Talks on the border",
        dt.date(2022, 2, 28),
        "https://news.example.org/talks",
    )
    assert articles["list.json#1"].source == "list.json#1"
    assert (articles["list.json#1"].title, articles["list.json#1"].date) == ("Kherson", dt.date(2022, 3, 2))
    assert (articles["list.json#2"].title, articles["list.json#2"].date) == ("Snake Island", None)


def test_jsonl_rows(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    rows = {a.source: a for a in fixtures[0] if ".jsonl#" in a.source}
    assert sorted(rows) == ["articles.jsonl#1", "articles.jsonl#2", "articles.jsonl#7"]
    first, second, seventh = rows["articles.jsonl#1"], rows["articles.jsonl#2"], rows["articles.jsonl#7"]
    assert (first.id, first.ref, first.title, first.date, first.url) == (
        "articles.jsonl#kyiv-sirens",
        "kyiv-sirens",
        "Sirens in Kyiv",
        dt.date(2022, 2, 24),
        "https://news.example.org/kyiv",
    )
    assert (second.id, second.ref, second.title, second.date) == ("articles.jsonl#2", None, None, dt.date(2022, 2, 27))
    assert second.text == "By Ivana Kottasová\n\nTroops entered Kharkiv on Sunday, officials said."
    assert (seventh.id, seventh.url, seventh.title) == (
        "articles.jsonl#8",
        "https://news.example.org/lviv",
        "Refugees in Lviv",
    )
    assert (seventh.date, seventh.date_estimated) == (dt.date(2022, 3, 5), True)


def test_csv_rows(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    rows = {a.source: a for a in fixtures[0] if ".csv#" in a.source}
    assert sorted(rows) == ["articles.csv#1", "articles.csv#2"]
    first, second = rows["articles.csv#1"], rows["articles.csv#2"]
    assert (first.id, first.title, first.date, first.url) == (
        "articles.csv#csv-1",
        "Shelling near Mariupol",
        dt.date(2022, 3, 2),
        "https://news.example.org/mariupol",
    )
    assert first.text == "Shelling continued near Mariupol on Wednesday.\n\nResidents fled west toward Zaporizhzhia."
    assert (second.id, second.title, second.date) == ("articles.csv#2", None, None)


def test_bad_rows_are_reported_one_each(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    assert {str(problem) for problem in fixtures[1]} == {
        "articles.csv#3: row has no text",
        "articles.jsonl#3: malformed JSON: Expecting ',' delimiter",
        "articles.jsonl#5: row has no text",
        "articles.jsonl#6: text is not a string",
    }
    assert len(fixtures[1]) == 4


def _given_texts() -> dict[str, str]:
    """Each row's text exactly as given, read straight from the fixture files."""
    given = {}
    with open(FIXTURES / "articles.csv", encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            given[f"articles.csv#{number}"] = row["text"]
    for number, line in enumerate((FIXTURES / "articles.jsonl").read_text("utf-8").split("\n"), start=1):
        try:
            given[f"articles.jsonl#{number}"] = json.loads(line)["text"]
        except (ValueError, KeyError):
            continue
    given["article.json"] = json.loads((FIXTURES / "article.json").read_text("utf-8"))["text"]
    for number, row in enumerate(json.loads((FIXTURES / "list.json").read_text("utf-8")), start=1):
        given[f"list.json#{number}"] = row["text"]
    return given


def test_to_given_maps_cleaned_spans_back_to_the_text_as_given(
    fixtures: tuple[list[Article], list[InputProblem]],
) -> None:
    given = _given_texts()
    rows = [a for a in fixtures[0] if a.given_offsets is not None]
    assert len(rows) == 8
    for article in rows:
        original = given[article.source]
        assert len(article.given_offsets) == len(article.text) + 1
        assert article.given_offsets[-1] == len(original)
        for word in re.finditer(r"[A-Za-z]+", article.text):
            start, end = article.to_given(*word.span())
            assert original[start:end] == word.group()
    second = next(a for a in rows if a.source.endswith("articles.jsonl#2"))
    start = second.text.index("Kharkiv")
    begin, end = second.to_given(start, start + len("Kharkiv"))
    assert begin - start > 50  # mojibake, template tags and a share line came first
    assert given[second.source][begin:end] == "Kharkiv"


def test_to_given_is_the_identity_for_files(seeds: dict[str, Article]) -> None:
    assert seeds["003"].to_given(5, 12) == (5, 12)


def test_read_articles_returns_problems_apart(fixtures: tuple[list[Article], list[InputProblem]]) -> None:
    articles, problems = read_articles([FIXTURES], root=FIXTURES)
    assert [a.source for a in articles] == [a.source for a in fixtures[0]]
    assert problems == fixtures[1]


# --- bad input: one problem each, the good file beside it still read ----------------------------

GOOD = "Kyiv\n\nShelling was reported in Kyiv on Sunday, February 27, 2022.\n"


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", " \n\t\n  \n", "empty file (whitespace only)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes)"),
        ("controls.txt", "\x01\x02\x03\x04\x05 abc \x06\x07\x08\x0e\x0f", "binary file (mostly control characters)"),
        ("bom-latin1.txt", b"\xef\xbb\xbfCaf\xe9", "not valid UTF-8 (byte 0xe9 at offset 6)"),
        ("huge.txt", "Kyiv " * 1000, "larger than 1,000 bytes"),
        ("huge.html", "<p>Kyiv</p>" * 100, "larger than 1,000 bytes"),
        (
            "wide.txt",
            "Kyiv".encode("utf-16-le") + b"\x00\x00\xff\xfe" * 3,
            "binary file or text in an unknown encoding (not UTF-8, no charset declared)",
        ),
        ("bom16.txt", b"\xff\xfeK\x00\x00\xd8", "not valid UTF-16 (byte 0x00 at offset 4)"),
        (
            "bad.json",
            '{"id": "a",\n "text": "Kyiv"\n "date": "2022"}',
            "malformed JSON: Expecting ',' delimiter (line 3)",
        ),
        ("scalar.json", "42", "not a JSON object"),
        ("none.json", "[]", "no articles"),
        ("notext.json", '{"id": "a", "title": "Kyiv"}', "row has no text"),
        ("nulltext.json", '{"id": "a", "text": null}', "row has no text"),
        ("nocolumn.csv", "id,body\n1,Kyiv\n", "CSV has no 'text' column"),
        ("header.csv", "id,text\n", "no articles"),
        ("junk.txt", "{{^userSubscribed}} {{/userSubscribed}}\n\nShare this\n", "no text left after cleaning"),
        ("empty.html", "<html><title>T</title><script>x()</script><body> </body></html>", "no visible text"),
        ("feed.xml", '<?xml version="1.0"?><catalog><book>Kyiv</book></catalog>', "not an RSS or Atom feed"),
        ("items.rss", '<rss version="2.0"><channel><title>T</title></channel></rss>', "feed has no items"),
        ("broken.zip", b"PK\x03\x04 not really a zip", "not a zip archive: File is not a zip file"),
        ("broken.tgz", b"\x1f\x8b\x08\x00 not really gzip", "not a tar archive: invalid compressed data"),
        ("paper.pdf", b"%PDF-1.4", "unsupported file type .pdf"),
        ("README", "Kyiv", "unsupported file type (no extension)"),
    ],
)
def test_bad_file(tmp_path: Path, name: str, content: str | bytes, reason: str) -> None:
    good = _write(tmp_path, "good.txt", GOOD)
    bad = _write(tmp_path, name, content)
    articles, problems = _read(tmp_path, root=tmp_path, max_bytes=1000)
    assert problems == [InputProblem(bad.name, reason)]
    assert [article.source for article in articles] == [good.name]


def test_missing_path(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD)
    articles, problems = _read(tmp_path / "missing.txt", good, root=tmp_path)
    assert [str(problem) for problem in problems] == ["missing.txt: no such file or directory"]
    assert [article.source for article in articles] == ["good.txt"]


def test_unreadable_broken_symlink(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = _read(tmp_path, root=tmp_path)
    assert problems == [InputProblem("gone.txt", "unreadable: No such file or directory")]
    assert [article.source for article in articles] == [good.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_permissions(tmp_path: Path) -> None:
    _write(tmp_path, "good.txt", GOOD)
    locked = _write(tmp_path, "locked.txt", GOOD)
    locked.chmod(0)
    _, problems = _read(tmp_path, root=tmp_path)
    assert problems == [InputProblem(locked.name, "unreadable: Permission denied")]


def test_not_a_regular_file(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD)
    os.mkfifo(tmp_path / "pipe.txt")
    articles, problems = _read(tmp_path, root=tmp_path)
    assert problems == [InputProblem("pipe.txt", "not a regular file")]
    assert [article.source for article in articles] == [good.name]


def test_default_size_limit_is_5_mb(tmp_path: Path) -> None:
    big = _write(tmp_path, "big.txt", b"Kyiv " * 1_000_001)
    assert list(read_inputs([big], root=tmp_path)) == [InputProblem("big.txt", "larger than 5 MB")]


def test_a_csv_field_up_to_the_article_limit_is_read(tmp_path: Path) -> None:
    long = "Kyiv was shelled again. " * 10_000  # 240,000 characters: over csv's default field limit
    table = _write(tmp_path, "long.csv", f'id,text\n1,"{long}"\n2,Odesa was calm.\n')
    articles, problems = _read(table, root=tmp_path)
    assert problems == [] and [a.id for a in articles] == ["long.csv#1", "long.csv#2"]


@pytest.mark.parametrize("quoted", ["one line", "several\nlines"])
def test_a_csv_row_over_the_limit_is_reported_as_that_row_and_the_rest_read(tmp_path: Path, quoted: str) -> None:
    huge = (quoted + " Kharkiv ") * 200
    table = _write(tmp_path, "rows.csv", f'id,text\na,Lviv held.\nb,"{huge}"\nc,"Odesa, ""calm"" again."\nd,Sumy\n')
    articles, problems = _read(table, root=tmp_path, max_bytes=1000)
    assert problems == [InputProblem("rows.csv#2", "row larger than 1,000 bytes")]
    assert [a.id for a in articles] == ["rows.csv#a", "rows.csv#c", "rows.csv#d"]
    assert articles[1].text == 'Odesa, "calm" again.'


def test_encodings_a_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    _write(tmp_path, "bom.txt", "\ufeff" + GOOD)
    _write(tmp_path, "wide.txt", GOOD.encode("utf-16"))
    articles, problems = _read(tmp_path)
    assert problems == []
    assert [article.text for article in articles] == [GOOD.strip()] * 2
    assert all(article.date == dt.date(2022, 2, 27) for article in articles)


def test_dotfiles_and_dot_folders_are_skipped_silently(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD)
    _write(tmp_path, ".hidden.txt", b"\x00binary")
    (tmp_path / ".git").mkdir()
    _write(tmp_path / ".git", "config.txt", b"")
    nested = tmp_path / "b" / "c"
    nested.mkdir(parents=True)
    _write(nested, "deep.md", GOOD)
    articles, problems = _read(tmp_path, root=tmp_path)
    assert problems == []
    assert [article.source for article in articles] == ["b/c/deep.md", good.name]


def test_explicit_paths_keep_their_order_and_ids_do_not_depend_on_their_spelling(tmp_path: Path) -> None:
    first = _write(tmp_path, "b.txt", GOOD)
    second = _write(tmp_path, "a.txt", GOOD)
    articles, _ = _read(str(first), os.path.relpath(second), root=tmp_path)
    assert [article.id for article in articles] == ["b.txt", "a.txt"]


def test_files_of_one_name_in_two_folders_get_two_ids(tmp_path: Path) -> None:
    for folder in ("kyiv", "lviv"):
        (tmp_path / folder).mkdir()
        _write(tmp_path / folder, "report.txt", GOOD)
    articles, _ = _read(tmp_path, root=tmp_path)
    assert [(a.id, a.outlet) for a in articles] == [("kyiv/report.txt", "kyiv"), ("lviv/report.txt", "lviv")]


def test_rows_without_ids_in_two_files_get_two_ids_and_a_repeated_id_is_refused(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        _write(tmp_path, name, json.dumps({"text": "Kyiv held."}) + "\n")
    _write(tmp_path, "c.jsonl", "".join(json.dumps({"id": "x", "text": t}) + "\n" for t in ("Kyiv.", "Lviv.")))
    articles, problems = _read(tmp_path, root=tmp_path)
    assert [a.id for a in articles] == ["a.jsonl#1", "b.jsonl#1", "c.jsonl#x"]
    assert [str(p) for p in problems] == ["c.jsonl#2: duplicate id x, first at row 1"]


def test_a_large_jsonl_corpus_is_streamed_row_by_row(tmp_path):
    rows = [json.dumps({"id": f"r{i}", "text": f"Shelling hit Kyiv again on day {i}. " * 40}) for i in range(3_500)]
    corpus = tmp_path / "big.jsonl"
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert corpus.stat().st_size > read.MAX_BYTES
    items = list(read.read_inputs([corpus]))
    assert len(items) == 3_500 and all(isinstance(i, Article) for i in items)


def test_one_bad_jsonl_line_is_reported_and_the_rest_read(tmp_path):
    corpus = tmp_path / "mixed.jsonl"
    utf8 = "".join(
        json.dumps({"text": f"Shelling hit Kyiv — day {n}."}, ensure_ascii=False) + "\n" for n in range(2000)
    )
    corpus.write_bytes(utf8.encode("utf-8") + b'{"id": "b", "text": "Kh\xe9rson"}\n{"id": "c", "text": "Lviv"}\n')
    items = list(read.read_inputs([corpus], root=tmp_path))
    assert len(utf8.encode("utf-8")) > 65536  # past the bytes the file's encoding is told from
    assert [i.id for i in items if isinstance(i, Article)][-2:] == ["mixed.jsonl#2000", "mixed.jsonl#c"]
    assert [str(i) for i in items if isinstance(i, InputProblem)] == ["mixed.jsonl#2001: not valid utf-8 (byte 0xe9)"]


def test_an_oversized_row_is_refused_alone(tmp_path):
    corpus = tmp_path / "rows.jsonl"
    corpus.write_text(
        json.dumps({"id": "huge", "text": "x " * 100}) + "\n" + json.dumps({"id": "ok", "text": "Odesa"}) + "\n",
        encoding="utf-8",
    )
    items = list(read.read_inputs([corpus], root=tmp_path, max_bytes=100))
    assert [i.id for i in items if isinstance(i, Article)] == ["rows.jsonl#ok"]
    assert [i for i in items if isinstance(i, InputProblem)] == [
        InputProblem("rows.jsonl#1", "row larger than 100 bytes")
    ]


def test_a_whole_json_file_has_a_lower_limit_that_suggests_json_lines(monkeypatch, tmp_path):
    monkeypatch.setattr(read_rows, "MAX_WHOLE_BYTES", 1000)
    big = _write(tmp_path, "big.json", json.dumps([{"text": "Kyiv " * 50}] * 10))
    (problem,) = read.read_inputs([big], root=tmp_path)
    assert "JSON Lines" in problem.reason and problem.reason.endswith("larger than 1,000 bytes")


def test_a_json_rows_text_is_measured_before_it_is_cleaned(monkeypatch, tmp_path):
    cleaned = []
    monkeypatch.setattr(read_article, "clean_text", lambda text, **_: cleaned.append(text))
    big = _write(tmp_path, "big.json", json.dumps({"text": "Kyiv " * 50}))
    assert list(read.read_inputs([big], root=tmp_path, max_bytes=100)) == [
        InputProblem("big.json", "article text larger than 100 bytes")
    ]
    assert cleaned == []


# --- the day of reading --------------------------------------------------------------------------


def test_no_article_is_dated_after_the_day_it_is_read(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", GOOD)  # "Sunday, February 27, 2022" in its text
    (article,) = read_inputs([good], today=dt.date(2022, 2, 27))
    assert (article.date, article.date_estimated) == (dt.date(2022, 2, 27), True)
    (article,) = read_inputs([good], today=dt.date(2022, 2, 26))
    assert (article.date, article.date_estimated) == (None, False)


def test_the_day_of_reading_also_bounds_dates_estimated_against_the_batch() -> None:
    # Seed 003 names "March 14" (no year) and talks most of a Thursday: against the batch's median
    # date it is 17 March 2022, a day after this reading; so it stays on the 14th.
    articles, _ = read_articles([SEEDS], today=dt.date(2022, 3, 16))
    (seed_003,) = [article for article in articles if "/003_" in article.id]
    assert (seed_003.date, seed_003.date_estimated) == (dt.date(2022, 3, 14), True)

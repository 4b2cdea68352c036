"""Real-world input: saved web pages, legacy encodings, archives, web archives, feeds, and isolation."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import logging
import tarfile
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from geo.input import read as read_module
from geo.input.read import read_inputs
from geo.records import Article, InputProblem

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
READ_ON = dt.date(2024, 1, 1)
"""The day these tests read their input."""
KHARKIV = (
    "Shelling hit Kharkiv overnight, officials said on Sunday, March 6, 2022.\n\nResidents sheltered in the metro.\n"
)
"""A good plain-text article."""


def _read(*paths: Path, root: Path) -> tuple[list[Article], list[InputProblem]]:
    items = list(read_inputs(paths, root=root, today=READ_ON))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputProblem)]


@pytest.fixture(scope="module")
def pages() -> dict[str, Article]:
    articles, problems = _read(PAGES, root=PAGES)
    assert [str(p) for p in problems] == ["feed.rss#3: item has no text"]
    return {article.id: article for article in articles}


# --- web pages -----------------------------------------------------------------------------------


def test_a_broadcasters_page_keeps_the_article_and_drops_menus_teasers_lists_and_footers(pages) -> None:
    article = pages["broadcaster.html"]
    assert article.text.startswith("Temporary flood barriers held overnight in Mykolaiv")
    assert article.text.endswith("early next week.")
    for chrome in (
        "Lviv", "Ternopil", "Rivne", "Lutsk", "Uzhhorod", "Chernivtsi", "Vinnytsia", "Poltava",  # editions menu
        "Zhytomyr", "Izmail", "Kropyvnytskyi",  # related-story teasers
        "Kremenchuk", "Sumy", "Kovel",  # most read
        "cookies", "Subscribe", "All rights reserved", "Regional editions", "Related stories", "Most read",
    ):  # fmt: skip
        assert chrome not in article.text, chrome
    assert (article.title, article.author, article.outlet) == (
        "Flood barriers hold in Mykolaiv as river rises",
        "Olena Marchuk",
        "Dnipro Public Radio",
    )
    assert (article.date, article.date_estimated) == (dt.date(2022, 4, 9), False)  # JSON-LD datePublished
    assert article.url == "https://radio.example.net/news/2022/flood-barriers-mykolaiv"
    assert (article.language, article.encoding) == ("en", "utf-8")


def test_the_places_of_a_menu_are_not_mentions(pages, geoparser) -> None:
    (parsed,) = geoparser.parse([pages["broadcaster.html"]])
    assert {m.text for m in parsed.mentions} >= {"Mykolaiv", "Voznesensk", "Khmelnytskyi"}
    assert not {m.text for m in parsed.mentions} & {"Lviv", "Ternopil", "Rivne", "Lutsk", "Uzhhorod", "Sumy"}


def test_other_meta_names_date_a_page_and_name_its_author_and_site(pages) -> None:
    article = pages["newsroom.html"]
    assert (article.date, article.date_estimated) == (dt.date(2022, 8, 5), False)  # parsely-pub-date
    assert (article.author, article.outlet) == ("Taras Hnatiuk", "Black Sea Wire")
    assert "Chornomorsk" in article.text
    for chrome in ("cookie", "Bessarabia", "Dniester", "Kherson", "newsroom@"):
        assert chrome not in article.text, chrome


def test_a_printed_date_line_dates_a_page_without_date_metadata(pages) -> None:
    article = pages["printed_date.html"]
    assert (article.date, article.date_estimated) == (dt.date(2023, 3, 14), False)  # not a teaser's 13.03
    assert article.title == "Volunteers rebuild a village school near Chernihiv"
    assert article.outlet == "pages"  # no site name, no URL: the folder
    for chrome in ("Korosten", "Berdychiv", "Ovruch", "Kyivska street", "views", "snow"):
        assert chrome not in article.text, chrome


def test_a_page_with_an_unclosed_head_is_read(pages) -> None:
    article = pages["unclosed_head.html"]
    assert article.text.startswith("The ferry between Izmail and Vylkove")
    assert (article.title, article.date) == ("Ferry to Vylkove runs again", dt.date(2022, 6, 2))


def test_where_trafilatura_finds_nothing_every_visible_block_is_read(tmp_path: Path, monkeypatch) -> None:
    from geo.input import html

    monkeypatch.setattr(html.trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    bare = tmp_path / "bare.html"
    markup = "<html><head><title>Ports</title><body><nav>Lviv</nav><div>Kyiv</div><div>Odesa 14.03.2022</div></body>"
    bare.write_text(markup, encoding="utf-8")
    (article,), _ = _read(bare, root=tmp_path)
    assert (article.text, article.title, article.date) == ("Kyiv\n\nOdesa 14.03.2022", "Ports", dt.date(2022, 3, 14))


# --- encodings -----------------------------------------------------------------------------------

UKRAINIAN_NEWS = (
    "Жителі Харкова провели ніч у метро. Обстріли тривали до ранку, повідомили міські служби.\n\n"
    "Вранці в Одесі та Миколаєві оголосили повітряну тривогу.\n"
)
FRENCH_NEWS = (
    "Les habitants de Kherson ont quitté la ville à pied. Même les écoles sont fermées à Odessa, "
    "a déclaré le maire, et les trains vers Lviv sont complets.\n"
)
ENGLISH_NEWS = "Café owners in Kraków said the “curfew” would cost them — again — their best weekend.\n\nOfficials in Lviv agreed.\n"


@pytest.mark.parametrize(
    ("text", "codec", "recorded", "language"),
    [
        (ENGLISH_NEWS, "utf-8", "utf-8", "en"),
        (ENGLISH_NEWS, "utf-8-sig", "utf-8-sig", "en"),
        (ENGLISH_NEWS, "utf-16", "utf-16", "en"),
        (ENGLISH_NEWS, "utf-16-le", "utf_16_le", "en"),
        (ENGLISH_NEWS, "cp1252", "cp1252", "en"),
        (FRENCH_NEWS, "latin-1", "cp1252", "fr"),
        (UKRAINIAN_NEWS, "cp1251", "cp1251", "uk"),
        (UKRAINIAN_NEWS, "koi8-u", "koi8_r", "uk"),
    ],
)
def test_each_encoding_is_read_and_recorded(
    tmp_path: Path, text: str, codec: str, recorded: str, language: str
) -> None:
    if codec == "koi8-u":  # KOI8-R has no Ukrainian і/ї: the Russian sentence is its test
        text = "Жители Харькова провели ночь в метро. Обстрелы продолжались до утра, сообщили власти.\n"
        codec, language = "koi8-r", "ru"
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(codec))
    (article,), problems = _read(path, root=tmp_path)
    assert problems == []
    assert article.text == text.strip().replace("\n\n", "\n\n")
    assert (article.encoding, article.language) == (recorded, language)


def test_an_uncertain_encoding_is_named_in_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "french.txt"
    path.write_bytes(FRENCH_NEWS.encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        (article,), problems = _read(path, root=tmp_path)
    assert problems == [] and article.encoding == "cp1252" and "à pied" in article.text
    assert "french.txt: encoding uncertain, read as cp1252" in caplog.text


def test_a_pages_declared_charset_is_used(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    markup = f'<html><head><meta charset="windows-1251"><title>Харків</title></head><body><p>{UKRAINIAN_NEWS}</p></body></html>'
    page.write_bytes(markup.encode("cp1251"))
    (article,), _ = _read(page, root=tmp_path)
    assert (article.encoding, article.title) == ("cp1251", "Харків")
    assert "Одесі" in article.text


def test_a_jsonl_file_in_a_legacy_encoding_is_read_row_by_row(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes("".join(json.dumps({"id": str(n), "text": t}, ensure_ascii=False) + "\n"
                             for n, t in enumerate([ENGLISH_NEWS, FRENCH_NEWS])).encode("cp1252"))  # fmt: skip
    articles, problems = _read(rows, root=tmp_path)
    assert problems == [] and [a.encoding for a in articles] == ["cp1252", "cp1252"]
    assert "Kraków" in articles[0].text and "quitté" in articles[1].text


# --- archives, web archives, feeds ---------------------------------------------------------------


def _archive_members() -> dict[str, bytes]:
    return {
        "2022/kharkiv.txt": KHARKIV.encode("utf-8"),
        "2022/pages/broadcaster.html": (PAGES / "broadcaster.html").read_bytes(),
        "rows.jsonl": b'{"id": "r1", "text": "Trains left Lviv for Przemysl."}\n{"text": "Odesa was calm."}\n',
        "legacy.txt": FRENCH_NEWS.encode("latin-1"),
        "notes.pdf": b"%PDF-1.4",
        "empty.txt": b"",
        ".DS_Store": b"\0\0\0\1Bud1",
        "__MACOSX/._kharkiv.txt": b"\0\5\26\7",
    }


EXPECTED_MEMBERS = [
    "2022/kharkiv.txt",
    "2022/pages/broadcaster.html",
    "rows.jsonl#r1",
    "rows.jsonl#2",
    "legacy.txt",
]
EXPECTED_PROBLEMS = ["notes.pdf: unsupported file type .pdf", "empty.txt: empty file"]


def test_a_zip_archive_is_read_member_by_member(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "news.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _archive_members().items():
            archive.writestr(name, data)
    articles, problems = _read(tmp_path / "news.zip", root=tmp_path)
    assert [a.id for a in articles] == [f"news.zip/{m}" for m in EXPECTED_MEMBERS]
    assert [a.source for a in articles][2:4] == ["news.zip/rows.jsonl#1", "news.zip/rows.jsonl#2"]
    assert [str(p) for p in problems] == [f"news.zip/{p}" for p in EXPECTED_PROBLEMS]
    assert [a.outlet for a in articles] == ["2022", "Dnipro Public Radio", "news", "news", "news"]


def test_a_tarball_is_streamed_member_by_member(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "news.tar.gz", "w:gz") as archive:
        for name, data in _archive_members().items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    articles, problems = _read(tmp_path / "news.tar.gz", root=tmp_path)
    assert [a.id for a in articles] == [f"news.tar.gz/{m}" for m in EXPECTED_MEMBERS]
    assert [str(p) for p in problems] == [f"news.tar.gz/{p}" for p in EXPECTED_PROBLEMS]


def _tarball_of_scans(path: Path, members: int) -> Path:
    with tarfile.open(path, "w") as archive:
        for number in range(members):
            info = tarfile.TarInfo(f"scans/{number:05d}.pdf")
            info.size = 3
            archive.addfile(info, io.BytesIO(b"pdf"))
    return path


def test_a_tarballs_headers_are_not_kept_once_read(tmp_path: Path) -> None:
    """Python's streamed tar reading keeps every header it has read (~0.6 kB each) unless told
    otherwise: a tarball of half a million articles would hold ~300 MB of them by its end."""
    path = _tarball_of_scans(tmp_path / "scans.tar", 2_000)
    headers_alive = [
        sum(isinstance(thing, tarfile.TarInfo) for thing in gc.get_objects())
        for number, _ in enumerate(read_inputs([path], root=tmp_path))
        if number % 500 == 499
    ]
    assert len(headers_alive) == 4 and max(headers_alive) <= 1, headers_alive


def test_archive_members_meet_the_article_limit_and_archives_inside_archives_are_refused(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.txt", KHARKIV)
    with zipfile.ZipFile(tmp_path / "outer.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.zip", inner.getvalue())
        archive.writestr("big.txt", "Kyiv " * 1000)
        archive.writestr("ok.txt", KHARKIV)
    items = list(read_inputs([tmp_path / "outer.zip"], root=tmp_path, max_bytes=1000, today=READ_ON))
    assert [str(i) if isinstance(i, InputProblem) else i.id for i in items] == [
        "outer.zip/inner.zip: archive inside an archive: unpack it and read the inner archive",
        "outer.zip/big.txt: larger than 1,000 bytes",
        "outer.zip/ok.txt",
    ]


def _warc(path: Path) -> None:
    page = (PAGES / "broadcaster.html").read_bytes()
    legacy = f"<html><body><p>{UKRAINIAN_NEWS}</p></body></html>".encode("cp1251")
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        records = [
            ("https://radio.example.net/a", "200 OK", "text/html; charset=utf-8", page),
            ("https://radio.example.net/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://radio.example.net/gone", "404 Not Found", "text/html", b"<p>Not found</p>"),
            ("https://oblast.example.ua/news", "200 OK", "text/html; charset=windows-1251", legacy),
        ]
        for url, status, content_type, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )


def test_a_warc_file_yields_its_html_pages(tmp_path: Path) -> None:
    _warc(tmp_path / "crawl.warc.gz")
    articles, problems = _read(tmp_path / "crawl.warc.gz", root=tmp_path)
    assert problems == []
    assert [(a.id, a.url) for a in articles] == [
        ("crawl.warc.gz#2", "https://radio.example.net/news/2022/flood-barriers-mykolaiv"),  # its canonical link
        ("crawl.warc.gz#5", "https://oblast.example.ua/news"),
    ]
    assert "Regional editions" not in articles[0].text
    assert (articles[1].encoding, articles[1].outlet, articles[1].language) == ("cp1251", "oblast.example.ua", "uk")


def test_feeds_yield_one_article_an_item(pages) -> None:
    metro = pages["feed.rss#1"]
    assert (metro.title, metro.date, metro.url, metro.outlet) == (
        "Metro trains run to Saltivka again",
        dt.date(2022, 5, 21),
        "https://kharkiv-evening.example.com/2022/05/metro-saltivka",
        "Kharkiv Evening News",
    )
    assert metro.text == (
        "Metro trains in Kharkiv ran to the Saltivka district again on Saturday for the first time since February."
        "\n\nFamilies who had sheltered on the platforms for weeks moved back to their flats."
    )
    assert pages["feed.rss#2"].title == "Road to Chuhuiv reopened"
    beaches = pages["feed.atom#1"]
    assert (beaches.date, beaches.author, beaches.outlet) == (dt.date(2022, 7, 1), "Marta Savchuk", "Dnipro Riverside")


# --- isolation and reporting ---------------------------------------------------------------------


def test_an_unexpected_error_in_one_file_becomes_its_problem_and_reading_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_page(markup: str, **_: object) -> None:
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(read_module, "read_page", broken_page)
    (tmp_path / "a.html").write_text("<p>Kyiv</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text(KHARKIV, encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="geo.input"):
        articles, problems = _read(tmp_path, root=tmp_path)
    assert [a.id for a in articles] == ["b.txt"]
    assert problems == [InputProblem("a.html", "unexpected error (read): RuntimeError: extractor bug", "read")]
    assert "Traceback" in caplog.text or "extractor bug" in caplog.text


@pytest.mark.parametrize("stage", ["clean", "date"])
def test_an_unexpected_error_while_cleaning_or_dating_one_row_names_its_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    from geo.input import article as article_module

    real = {"clean": article_module.clean_text, "date": article_module.article_date}[stage]

    def fails_on_lviv(text: str, *args: object, **kwargs: object) -> object:
        if "Lviv" in text:
            raise ValueError("bad input for this stage")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(article_module, {"clean": "clean_text", "date": "article_date"}[stage], fails_on_lviv)
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"text": t}) + "\n" for t in ("Kyiv.", "Lviv.", "Odesa.")), encoding="utf-8")
    articles, problems = _read(rows, root=tmp_path)
    assert [a.id for a in articles] == ["rows.jsonl#1", "rows.jsonl#3"]
    assert [(p.source, p.stage) for p in problems] == [("rows.jsonl#2", stage)]


def test_a_problem_is_one_line_whatever_its_name_holds(tmp_path: Path) -> None:
    name = "evil\nname\x1b[31m.pdf"
    (tmp_path / name).write_bytes(b"%PDF")
    (problem,) = read_inputs([tmp_path], root=tmp_path)
    assert str(problem) == "evil\\nname\\x1b[31m.pdf: unsupported file type .pdf"
    assert "\n" not in str(InputProblem("a.jsonl#3", "malformed JSON:\nExpecting value"))


def test_a_short_english_text_is_not_set_aside_as_another_language() -> None:
    from geo.input.language import detect_language

    assert detect_language("Shelling hit Poltava on Sunday.") in (None, "en")
    assert detect_language("Die Lage in Charkiw bleibt angespannt, sagte der Bürgermeister am Montag.") == "de"


def test_plain_english_prose_is_english_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.input.language as language

    prose = (
        "The ferry from Odesa was late again on Tuesday, and the harbour master said that the crews who had "
        "waited there since dawn would not sail until the wind dropped. Their cargo, which came from Izmail, "
        "has been stuck for a week; what the owners want is a date, but they could not get one from the port."
    )
    monkeypatch.setattr(language, "_identifier", lambda: pytest.fail("the model was asked"))
    assert language.detect_language(prose) == "en"


def test_words_are_the_regex_s_words() -> None:
    import random

    from geo.input.language import _WORD, _words

    rng = random.Random(17)
    ascii_ = [chr(c) for c in range(128)] + ["the", "Kyiv"] * 20
    for others in ([], list("‘’“”–—…"), list("‘’“”–—…éß½٢ı\u00a0\u200b•")):
        for _ in range(3000):
            text = "".join(rng.choices(ascii_ + others * 5, k=rng.randint(0, 40)))
            assert _words(text) == _WORD.findall(text), repr(text)
    text = "Café, the 2nd_floor ½"
    assert _words(text) == _WORD.findall(text) == ["Café", "the", "nd", "floor", "½"]


def test_prose_in_another_language_with_a_few_english_words_still_asks_the_model() -> None:
    from geo.input.language import detect_language

    dutch = (
        "De veerboot uit Odesa was dinsdag weer te laat. Volgens de havenmeester wachten de bemanningen sinds "
        "de ochtend, maar zij varen pas uit als de wind gaat liggen. De lading, die uit Izmail kwam, staat al "
        "een week stil; de eigenaren willen een datum, zei een woordvoerder van the Danube Shipping Company."
    )
    assert detect_language(dutch) == "nl"

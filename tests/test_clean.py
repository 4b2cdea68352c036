"""Cleaning: mojibake, template junk, boilerplate, repeats, whitespace, and an exact offset map."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import ftfy
import pytest

from geo.input.clean import (
    _FIXER,
    _PIECE,
    _PLAIN_TYPOGRAPHY,
    CleanText,
    _apply_plans,
    _declutter,
    _join,
    _Line,
    _realigned,
    _repair,
    _split,
    _strip,
    _tidy,
    _unmark,
    _untemplate,
    _visible,
    clean_text,
)
from geo.offsets import OffsetMap

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RAW = {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}
REPAIRS = {("√", "á"), ("¬", " "), ("\u00a0", " ")}  # (raw character, its repair) the seeds need


def _assert_exact(raw: str, cleaned: CleanText) -> None:
    """The offset map's contract: one entry per character plus len(raw), never decreasing, and
    every character maps to itself unless it was repaired."""
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    assert cleaned.offsets[-1] == len(raw)
    assert all(a <= b for a, b in zip(cleaned.offsets, cleaned.offsets[1:]))
    pairs = {(raw[cleaned.offsets[i]], char) for i, char in enumerate(cleaned.text)}
    changed = {(source, char) for source, char in pairs if source != char}
    assert changed <= REPAIRS


@pytest.mark.parametrize("seed", sorted(RAW))
def test_offsets_map_every_seed_character_back_exactly(seed: str) -> None:
    _assert_exact(RAW[seed], clean_text(RAW[seed]))


def test_only_seed_004_needed_repairs() -> None:
    for seed in ("000", "001", "002", "003"):
        cleaned = clean_text(RAW[seed])
        assert all(RAW[seed][cleaned.offsets[i]] == char for i, char in enumerate(cleaned.text))


def test_mojibake_is_repaired_in_seed_004() -> None:
    cleaned = clean_text(RAW["004"])
    assert "Ivana Kottasová, Laura" in cleaned.text
    assert not {"√", "¬", "†", "\u00a0"} & set(cleaned.text)
    assert "the European Union. This will apply to any plane," in cleaned.text
    start = cleaned.text.index("Kottasová")
    assert RAW["004"][cleaned.offsets[start] : cleaned.offsets[start + len("Kottasov")]] == "Kottasov"


def test_curly_quotes_are_not_mojibake() -> None:
    cleaned = clean_text(RAW["003"])
    headline = "Vladimir Putin’s invasion of Ukraine ‘largely stalled on all fronts’, says UK"
    assert cleaned.text.startswith(f"{headline}\n\n")


def test_template_junk_and_share_lines_leave_seed_001() -> None:
    text = clean_text(RAW["001"]).text
    for junk in ("{{", "}}", "SHARE THIS ARTICLE", "Also read", "With inputs from", "For live updates"):
        assert junk not in text
    assert text.endswith('to help Ukraine address the armored, airborne, and other threats it is now facing".')
    assert "\n\nThe development came even as Ukraine President Volodymyr Zelenskyy" in text


def test_repeated_paragraphs_of_seed_000_are_kept_once() -> None:
    text = clean_text(RAW["000"]).text
    quote = "“After the Ukrainian side rejected the negotiation process"
    assert RAW["000"].count(quote) == 2 and text.count(quote) == 1
    lead = (
        "Russian ground forces have pressed deep into Ukraine from the north, east and south "
        "but have encountered a resistance from Ukrainian troops"
    )
    assert [line for line in text.splitlines() if line.endswith(lead)] == [lead]  # its date marker cut out
    assert "\n\nMounting toll\n\n" in text
    assert text.count("at least 198 civilians") == 2  # em dashes against "--": not verbatim


def test_repeated_headline_and_caption_of_seed_003_are_kept_once() -> None:
    text = clean_text(RAW["003"]).text
    assert text.count("largely stalled on all fronts’, says UK") == 1
    assert text.count("Mauripol theatre before and after it was attacked by Russian forces (Handout)") == 1
    assert "(Handout)\n\nInternational outrage" in text


def test_short_repeats_stay() -> None:
    assert clean_text("Mounting toll\n\nKyiv\n\nMounting toll").text == "Mounting toll\n\nKyiv\n\nMounting toll"


@pytest.mark.parametrize(
    "line",
    [
        "SHARE THIS ARTICLE ON",
        "Share this:",
        "Share on Facebook | Twitter | Email",
        "Also read | UNSC fiddles while Kyiv burns",
        "Read more: Sanctions on Moscow explained",
        "(With inputs from agencies)",
        "With inputs from PTI",
        "For live updates on the Russia-Ukraine conflict, read here:",
        "Sign up for our newsletter",
        "Subscribe now for full access",
        "Click here to read more about Kharkiv",
        "Follow us on Twitter",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "{{^userSubscribed}} {{/userSubscribed}}",
    ],
)
def test_boilerplate_lines_are_removed(line: str) -> None:
    raw = f"Troops entered Kharkiv on Sunday.\n\n{line}\n\nShelling continued in Kyiv."
    assert clean_text(raw).text == "Troops entered Kharkiv on Sunday.\n\nShelling continued in Kyiv."


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices in Moscow fell by a third on Thursday.",
        "Shares of Gazprom were suspended in London.",
        "Subscribers in Kharkiv lost their internet connection overnight.",
        "Residents were told to follow official channels, the mayor of Odesa said.",
        "The advertisement ran in newspapers across Poland.",
        "Also in Lviv, volunteers sorted donations.",
    ],
)
def test_news_sentences_mentioning_those_words_stay(sentence: str) -> None:
    assert clean_text(f"Kyiv\n\n{sentence}").text == f"Kyiv\n\n{sentence}"


def test_a_removed_line_leaves_no_paragraph_break_behind() -> None:
    assert clean_text("Kyiv\nAdvertisement\nKharkiv").text == "Kyiv\nKharkiv"


def test_template_tags_inside_a_line_are_cut_out() -> None:
    raw = "Troops reached {{#city}}Kherson{{/city}} on Wednesday."
    cleaned = clean_text(raw)
    assert cleaned.text == "Troops reached Kherson on Wednesday."
    _assert_exact(raw, cleaned)


def test_whitespace_is_tidied_and_paragraph_breaks_kept() -> None:
    raw = "\n\n  Kyiv  \r\n\r\n\r\n\r\nKharkiv\t\nMariupol \n\n\n"
    cleaned = clean_text(raw)
    assert cleaned.text == "Kyiv\n\nKharkiv\nMariupol"
    _assert_exact(raw, cleaned)


def test_a_long_line_with_mojibake_is_repaired_throughout_and_maps_back_exactly() -> None:
    raw = RAW["004"].replace("\n", " ") * 20  # 300 kB on one line, cleaned in pieces, mojibake throughout
    cleaned = clean_text(raw)
    assert cleaned.text.count("Kottasová") == 20
    assert not {"√", "¬", "†", "\u00a0"} & set(cleaned.text)
    _assert_exact(raw, cleaned)
    last = cleaned.text.rindex("Kottasová")
    assert raw[cleaned.offsets[last] : cleaned.offsets[last + len("Kottasov")]] == "Kottasov"


def test_nothing_in_nothing_out() -> None:
    assert clean_text("") == CleanText("", OffsetMap.of((0,)))
    assert clean_text(" \n\n ") == CleanText("", OffsetMap.of((4,)))


FRAGMENTS = [
    "Kyiv", "Kharkiv", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0", ".", ",", "“", "”",
    "{{^userSubscribed}}", "{{/userSubscribed}}", "SHARE THIS ARTICLE ON", "Advertisement",
    "Share prices fell", "Kottasov√°", "¬†", "Zelensky’s office said Lukashenko had called on Sunday.",
    "Russian forces were now bypassing the area to prioritize the encirclement of Kyiv.",
]  # fmt: skip


def test_offsets_stay_exact_on_random_text() -> None:
    generator = random.Random(20220224)
    for _ in range(400):
        raw = "".join(generator.choices(FRAGMENTS, k=generator.randint(0, 40)))
        cleaned = clean_text(raw)
        _assert_exact(raw, cleaned)
        assert "\n\n\n" not in cleaned.text and cleaned.text == cleaned.text.strip()
        assert not re.search(r"[ \t]\n|\n[ \t]|\{\{[^{}]*\}\}", cleaned.text)


# --- invisible characters, line separators, the date marker --------------------------------------

INVISIBLE_REPAIRS = {("\x0b", "\n"), ("\x0c", "\n"), ("\u2028", "\n")}
"""Line separators become line breaks: the only characters (besides ftfy's repairs) that change."""


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Ky\u200biv", "Kyiv"),
        ("Khar\u00adkiv", "Kharkiv"),
        ("\u200eOdesa\u200f and \u2066Lviv\u2069", "Odesa and Lviv"),
        ("Mariu\u200dpol, Su\u200cmy, \ufeffDnipro", "Mariupol, Sumy, Dnipro"),
        ("Sumy\x0bLviv", "Sumy\nLviv"),
        ("Sumy\x0cLviv", "Sumy\nLviv"),
        ("Sumy\u2028Lviv", "Sumy\nLviv"),
    ],
)
def test_invisible_characters_go_and_line_separators_break_lines(raw: str, text: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned.text == text
    assert len(cleaned.offsets) == len(cleaned.text) + 1 and cleaned.offsets[-1] == len(raw)
    for i, char in enumerate(cleaned.text):
        assert raw[cleaned.offsets[i]] == char or (raw[cleaned.offsets[i]], char) in INVISIBLE_REPAIRS


def test_the_date_marker_is_cut_out_and_its_date_kept() -> None:
    raw = " date 2022-02-26 Troops entered Kharkiv.\n\nShelling continued in Kyiv."
    cleaned = clean_text(raw)
    assert cleaned.text == "Troops entered Kharkiv.\n\nShelling continued in Kyiv."
    assert cleaned.marked_date == dt.date(2022, 2, 26)
    start = cleaned.text.index("Kharkiv")
    assert raw[cleaned.offsets[start] : cleaned.offsets[start + 7]] == "Kharkiv"
    assert clean_text("Troops entered Kharkiv on the date 2022-02-26.").marked_date is None


def test_boilerplate_lines_stay_when_an_extractor_already_decluttered() -> None:
    raw = "Troops entered Kharkiv on Sunday.\n\nAdvertisement"
    assert clean_text(raw, boilerplate=False).text == raw
    assert clean_text(raw).text == "Troops entered Kharkiv on Sunday."


def test_ftfy_has_nothing_to_fix_in_plain_typography() -> None:
    """The texts the cleaner hands ftfy no more: printable ASCII with curly quotes, dashes and ellipses."""
    rng = random.Random(7)
    letters = [chr(c) for c in range(0x20, 0x7F)] + list("‘’“”–—…") * 10
    for _ in range(20_000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 30)))
        assert _PLAIN_TYPOGRAPHY.fullmatch(text)
        fixed = ftfy.fix_and_explain(text, config=_FIXER)
        assert (fixed.text, fixed.explanation) == (text, []), text
    assert not _PLAIN_TYPOGRAPHY.fullmatch("Kyiv’s “†quiet”")  # MacRoman mojibake goes to ftfy


def test_mojibake_beside_curly_quotes_is_still_repaired() -> None:
    assert clean_text("The mayor said: “We stay.”\nThe mayorâ€™s office in KÃ¶ln").text == (
        "The mayor said: “We stay.”\nThe mayor’s office in Köln"
    )


# --- shortcuts agree with the slow path ------------------------------------------------------------

LINE_FRAGMENTS = [
    "Kyiv", "Odesa", " ", "  ", "\t", ".", "“", "”", "‘", "’", "–", "—", "…", "\u00a0", "¬†",
    "KÃ¶ln", "mayorâ€™s", "Kottasov√°", "Ã©", "Ã la", "Р Р°Р·", "Sumy – ", "café", "\x01", "€", "{{", "}}",
]  # fmt: skip
"""Plain ASCII, plain typography (curly quotes, dashes), mojibake ftfy spots alone (Latin-1, cp1252,
cp1251, MacRoman) and some it does not, NBSP, a control character, accented letters, braces."""


def _lines(texts: list[str]) -> list[_Line]:
    """Lines as `_split` makes them of the texts joined by line breaks."""
    lines, start = [], 0
    for text in texts:
        lines.append(_Line(text, range(start, start + len(text)), start + len(text), not text.strip()))
        start += len(text) + 1
    return lines


def _random_lines(rng: random.Random) -> list[_Line]:
    """A few lines of fragments, some over 1,000 characters (repaired in pieces), some blank."""
    sizes = [rng.choice((0, 1, 3, 12, 400, 700)) for _ in range(rng.randint(1, 8))]
    return _lines(["".join(rng.choices(LINE_FRAGMENTS, k=size)) for size in sizes])


def _repaired_the_slow_way(lines: list[_Line]) -> list[tuple[str, tuple[int, ...], int, bool]]:
    """Every piece of every line through ftfy, every unchanged piece through every plan."""
    pieces = [[piece.group() for piece in _PIECE.finditer(line.text)] for line in lines]
    fixes = {piece: ftfy.fix_and_explain(piece, config=_FIXER) for line in pieces for piece in line}
    plans = {
        plan
        for fix in fixes.values()
        if (plan := tuple(step for step in fix.explanation if step[0] in ("encode", "decode", "transcode")))
    }
    repaired = []
    for line, line_pieces in zip(lines, pieces):
        fixed = [fixes[p].text if fixes[p].text != p else _apply_plans(p, plans) for p in line_pieces]
        offsets = line.offsets if fixed == line_pieces else _realigned(line, line_pieces, fixed)
        text = "".join(fixed).translate(str.maketrans(dict.fromkeys("\u00a0\u2007\u202f", " ")))
        repaired.append((text, tuple(offsets), line.end, not text.strip()))
    return repaired


def test_plain_lines_skip_ftfy_yet_repair_as_the_slow_way_does() -> None:
    rng = random.Random(1991)
    for _ in range(300):
        lines = _random_lines(rng)
        repaired = [(line.text, tuple(line.offsets), line.end, line.blank) for line in _repair(lines)]
        assert repaired == _repaired_the_slow_way(lines)


def test_a_fix_found_elsewhere_still_reaches_plain_lines() -> None:
    """Plans ftfy found on mojibake lines are tried on plain non-ASCII lines too, as on every piece before."""
    lines = _lines(["Sumy – Lviv", "KÃ¶ln", "Ã la carte", "“We stay” – the mayor", "Р Р°Р·", "Kottasov√°¬†said"])
    repaired = [(line.text, tuple(line.offsets), line.end, line.blank) for line in _repair(lines)]
    assert repaired == _repaired_the_slow_way(lines)


def test_lines_split_where_a_line_break_pattern_splits_them() -> None:
    """str.splitlines, walked by hand, cuts the lines (and their offsets and breaks) a regex of every
    line boundary it knows cuts."""
    boundary = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
    pieces = [
        "Kyiv",
        "a",
        " ",
        "\t",
        "\u00a0",
        "\x1f",
        "\r",
        "\n",
        "\r\n",
        "\n\r",
        *"\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ]
    rng = random.Random(2029)
    for _ in range(3000):
        raw = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        starts = [0, *(brk.end() for brk in boundary.finditer(raw))]
        stops = [*(brk.start() for brk in boundary.finditer(raw)), len(raw)]
        ends = [*(brk.end() - 1 for brk in boundary.finditer(raw)), len(raw)]
        expected = [(raw[a:b], range(a, b), end, not raw[a:b].strip()) for a, b, end in zip(starts, stops, ends)]
        assert [(line.text, line.offsets, line.end, line.blank) for line in _split(raw)] == expected, repr(raw)


TEXT_FRAGMENTS = [
    *LINE_FRAGMENTS, "\n", "\n\n", "\r\n", "\x0b", "\u2028", "\u200b", "\u00ad", "\ufeff", "{\u200b{x}}", "{\x01{x}}",
    "{{tag}}", " date 2022-02-26 ", "Advertisement", "Share prices fell in Kyiv as troops reached the city of Odesa.",
]  # fmt: skip


def _cleaned_the_slow_way(raw: str, boilerplate: bool) -> CleanText:
    """Every step on every line, whatever the whole text holds."""
    lines = [_strip(_untemplate(line)) for line in _repair([_visible(line) for line in _split(raw)])]
    lines, marked = _unmark(lines)
    return _join(_declutter(lines, boilerplate), len(raw), marked)


def test_steps_skipped_for_the_whole_text_change_nothing() -> None:
    rng = random.Random(1024)
    for _ in range(600):
        raw = "".join(rng.choices(TEXT_FRAGMENTS, k=rng.choice((0, 1, 5, 30, 400))))
        boilerplate = rng.random() < 0.7
        assert clean_text(raw, boilerplate=boilerplate) == _cleaned_the_slow_way(raw, boilerplate), repr(raw)


def test_tidy_lines_are_not_split_yet_tidied_as_split_and_joined() -> None:
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choices(["Kyiv", "a", "’", " ", "  ", "\u00ad", "\x01", *spaces], k=rng.randint(0, 9)))
        assert _tidy(text) == " ".join(text.split()), repr(text)

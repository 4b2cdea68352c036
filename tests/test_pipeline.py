"""Recognition and resolution on real text with the real model and gazetteer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from parsing_support import parsed_mentions

from gazetteer import APPROXIMATE, Match
from geo.errors import ModelMissing
from geo.input.read import read_articles
from geo.parsing.nlp import MODEL_ENV, load_ner
from geo.parsing.pipeline import Geoparser

ROOT = Path(__file__).resolve().parents[1]

SEED_PLACES = {
    "000_04ec2b7c7e823c78": {
        "Ukraine": "Ukraine", "Armyansk": "Armyansk", "Crimea": "Crimea", "Kyiv": "Kyiv", "Belarus": "Belarus",
        "Moscow": "Moscow", "Warsaw": "Warsaw", "Russia": "Russia", "Kharkiv": "Kharkiv",
        "Melitopol": "Melitopol", "Kherson": "Kherson", "U.S.": "United States",
    },
    "001_80ac866b72dabd05": {
        "Ukraine": "Ukraine", "Kyiv": "Kyiv", "Kiev": "Kyiv", "Belarus": "Belarus", "Moscow": "Moscow",
        "Russia": "Russia", "United States": "United States",
    },
    "002_c0b9dad76d744f29": {
        "Moscow": "Moscow", "Russia": "Russia", "Ukraine": "Ukraine", "Belarus": "Belarus", "Crimea": "Crimea",
        "Kyiv": "Kyiv", "Kiev": "Kyiv", "US": "United States", "Britain": "United Kingdom", "Europe": "Europe",
    },
    "003_1de4da174fe004ff": {
        "Ukraine": "Ukraine", "UK": "United Kingdom", "Mariupol": "Mariupol", "Mauripol": "Mariupol",
        "Kharkiv": "Kharkiv", "America": "United States", "US": "United States", "Chernihiv": "Chernihiv",
        "Moscow": "Moscow", "Russia": "Russia", "Kyiv": "Kyiv", "Rostov region": "Rostovskaya oblast'",
        "Austria": "Austria", "Sweden": "Sweden", "United States": "United States", "Britain": "United Kingdom",
    },
    "004_70bee2f5835789ce": {
        "Ukraine": "Ukraine", "Belarus": "Belarus", "Russia": "Russia", "Moscow": "Moscow", "Kyiv": "Kyiv",
        "Pripyat River": "Pripyat River", "US": "United States", "Kharkiv": "Kharkiv", "UK": "United Kingdom",
        "Britain": "United Kingdom", "Chernihiv": "Chernihiv", "United States": "United States",
        "Kherson": "Kherson", "Berdyansk": "Berdyansk", "Henichesk": "Henichesk",
        "Chornobayivka airfield": "Chornobaivka airfield", "Chernobayevka": "Chornobaivka",
        "Kharkiv region": "Kharkivska oblast", "Belgorod": "Belgorod", "Chechnya": "Chechenskaya Respublika",
        "Poland": "Poland", "Europe": "Europe", "Malyn": "Malyn", "Turkey": "Turkey",
        "United Kingdom": "United Kingdom", "Canada": "Canada", "Brussels": "Brussels",
    },
}  # fmt: skip
PLACE_COUNTRIES = {
    "Ukraine": "UA", "Armyansk": "UA", "Crimea": "UA", "Kyiv": "UA", "Belarus": "BY", "Moscow": "RU", "Warsaw": "PL",
    "Russia": "RU", "Kharkiv": "UA", "Melitopol": "UA", "Kherson": "UA", "United States": "US",
    "United Kingdom": "GB", "Europe": None, "Mariupol": "UA", "Chernihiv": "UA", "Rostovskaya oblast'": "RU",
    "Austria": "AT", "Sweden": "SE", "Pripyat River": None, "Berdyansk": "UA", "Henichesk": "UA",
    "Chornobaivka airfield": "UA", "Chornobaivka": "UA", "Kharkivska oblast": "UA", "Belgorod": "RU",
    "Chechenskaya Respublika": "RU", "Poland": "PL", "Malyn": "UA", "Turkey": "TR", "Canada": "CA", "Brussels": "BE",
}  # fmt: skip
"""The country of each place the seeds name (None: a continent, or a river across borders)."""
NOT_PLACES = {"Kuleba", "Leyen", "Concerns", "Mounting", "Vladimir", "Putin", "Zelensky", "Russian", "Ukrainian",
              "Russia Today", "Western", "Kremlin", "Sputnik", "Mon"}  # fmt: skip


@pytest.fixture(scope="module")
def seeds(geoparser):
    articles, problems = read_articles(["seeds"])
    assert not problems
    return {_seed(parsed.article.id): parsed for parsed in geoparser.parse(articles)}


def _seed(article_id: str) -> str:
    """A seed article's key above: its id ("seeds/000_04ec2b7c7e823c78.txt", under the tests' working
    directory) without folder and extension."""
    return article_id.removeprefix("seeds/").removesuffix(".txt")


def _resolved(geoparser: Geoparser, text: str, **options) -> dict[str, tuple]:
    mentions = parsed_mentions(geoparser, text, **options)
    return {m.text: (m.place.name, m.place.kind, m.place.country_code, m.place.admin1) for m in mentions}


CRIMEA = {"Crimea", "Avtonomna Respublika Krym"}
"""The peninsula and the autonomous republic: the same place on a map."""


@pytest.mark.parametrize("article_id", sorted(SEED_PLACES))
def test_every_place_in_the_seeds_is_resolved_correctly(seeds, article_id):
    found = {m.text: m.place.name for m in seeds[article_id].mentions}
    expected = SEED_PLACES[article_id]
    assert found.keys() == expected.keys()
    for text, name in expected.items():
        assert found[text] in (CRIMEA if name == "Crimea" else {name}), text


@pytest.mark.parametrize("article_id", sorted(SEED_PLACES))
def test_every_place_in_the_seeds_is_in_the_right_country(seeds, article_id):
    expected = SEED_PLACES[article_id]
    for m in seeds[article_id].mentions:
        assert m.place.country_code == PLACE_COUNTRIES[expected[m.text]], m.text


@pytest.mark.parametrize("article_id", sorted(SEED_PLACES))
def test_no_person_demonym_or_organisation_is_a_place(seeds, article_id):
    assert not {m.text for m in seeds[article_id].mentions} & NOT_PLACES


def test_mentions_point_into_the_text_and_carry_their_sentence(seeds):
    for parsed in seeds.values():
        text = parsed.article.text
        for m in parsed.mentions:
            assert text[m.start : m.end] == m.text
            assert m.sentence_start <= m.start < m.end <= m.sentence_end
            assert 0.0 < m.score <= 1.0


def test_the_black_sea_keeps_only_its_name(geoparser):
    found = _resolved(geoparser, "Russian warships patrol the Black Sea near the port of Odesa.")
    assert found["Black Sea"][:2] == ("Black Sea", "feature")
    assert found["Odesa"][:3] == ("Odesa", "city", "UA")


def test_qualifiers_pick_the_right_place(geoparser):
    assert _resolved(geoparser, "The storm hit Paris, Texas, on Monday.")["Paris"][2:] == ("US", "Texas")
    assert _resolved(geoparser, "Police in Paris, Ky., made an arrest.")["Paris"][2:] == ("US", "Kentucky")
    assert _resolved(geoparser, "Crowds gathered in Paris on Monday.")["Paris"][2] == "FR"


def test_context_picks_the_right_namesake(geoparser):
    text = "Fighting continued near Kharkiv and Izium. Shelling was also reported in Kherson and Odesa."
    assert {v[2] for v in _resolved(geoparser, text).values()} == {"UA"}
    georgia = _resolved(geoparser, "Atlanta, Savannah and Macon are the largest cities in Georgia.")["Georgia"]
    assert georgia[1:3] == ("region", "US")


def test_area_words_pick_the_region(geoparser):
    found = _resolved(geoparser, "Shelling was reported in the Kherson region and in Kherson itself.")
    assert found["Kherson region"][:2] == ("Khersonska oblast", "region")
    assert found["Kherson"][:2] == ("Kherson", "city")


def test_distance_phrase_context_keeps_the_ukrainian_town(geoparser):
    text = "The attack took place near the town of Malyn, about 100 kilometers northwest of Kyiv."
    assert _resolved(geoparser, text)["Malyn"][2] == "UA"


def test_datelines_and_state_abbreviations(geoparser):
    found = _resolved(geoparser, "BOZEMAN, Mont. (AP) — A late snowstorm closed the pass on Friday.")
    assert found["BOZEMAN"][2:] == ("US", "Montana")
    assert found["Mont."][:2] == ("Montana", "region")


def test_person_names_are_not_places(geoparser):
    text = "Foreign Minister Dmytro Kuleba met Lincoln Smith in Kyiv. Kuleba said the talks went well."
    found = _resolved(geoparser, text)
    assert "Kuleba" not in found and "Kyiv" in found


def test_a_name_after_a_title_is_a_person(geoparser):
    assert "Jackson" not in _resolved(geoparser, "Gen. Jackson inspected the troops before the parade.")
    assert "Jackson" not in _resolved(geoparser, "General Jackson spoke to reporters on Monday.")


def test_a_lower_case_adjective_is_not_a_title(geoparser):
    found = _resolved(geoparser, "The army began a general Kherson withdrawal on Friday.")
    assert found["Kherson"][:3] == ("Kherson", "city", "UA")


def test_names_inside_organisations_are_flagged_not_mapped(geoparser):
    text = "Oleh Synehubov, head of the Kharkiv Regional State Administration, spoke to Russia Today in Kharkiv."
    mapped = parsed_mentions(geoparser, text)
    assert [(m.text, m.start, m.nested) for m in mapped] == [("Kharkiv", text.rindex("Kharkiv"), False)]
    everything = {(m.text, m.start): m for m in parsed_mentions(geoparser, text, all_toponyms=True)}
    assert everything[("Kharkiv", text.index("Kharkiv"))].nested
    assert everything[("Russia", text.index("Russia"))].nested
    assert not everything[("Kharkiv", text.rindex("Kharkiv"))].nested
    assert everything[("Kharkiv", text.index("Kharkiv"))].place.name == "Kharkiv"


def test_demonyms_only_in_all_toponyms_mode(geoparser):
    text = "Ukrainian troops held the line against Russian forces near Kyiv."
    assert set(_resolved(geoparser, text)) == {"Kyiv"}
    everything = _resolved(geoparser, text, all_toponyms=True)
    assert everything["Ukrainian"][:2] == ("Ukraine", "country")
    assert everything["Russian"][:2] == ("Russia", "country")
    demonyms = [m for m in parsed_mentions(geoparser, text, all_toponyms=True) if m.demonym]
    assert {m.match for m in demonyms} == {Match.DEMONYM}


def test_hyphenated_pairs_are_split(geoparser):
    found = _resolved(geoparser, "Talks will take place on the Ukraine-Belarus border on Monday.")
    assert {"Ukraine", "Belarus"} <= set(found)


def test_fuzzy_resolutions_are_marked(seeds):
    mauripol = next(m for m in seeds["003_1de4da174fe004ff"].mentions if m.text == "Mauripol")
    assert mauripol.match in APPROXIMATE and mauripol.score < 0.8


def test_empty_and_placeless_articles(geoparser):
    assert _resolved(geoparser, "Nothing happened today. The weather was fine.") == {}
    assert _resolved(geoparser, "   ") == {}


def test_parallel_parse_matches_serial(gazetteer, seeds):
    articles, _ = read_articles(["seeds"])
    parallel = Geoparser(gazetteer, processes=2)
    for parsed in parallel.parse(articles):
        assert parsed.mentions == seeds[_seed(parsed.article.id)].mentions


def test_each_name_of_a_list_of_areas(geoparser):
    found = _resolved(geoparser, "Shelling continued in the Donetsk and Luhansk regions on Sunday.")
    assert found["Donetsk"][:2] == ("Donetska oblast", "region")
    assert found["Luhansk"][:2] == ("Luhanska oblast", "region")
    counties = _resolved(geoparser, "Wildfires burned in Kittitas, Yakima and Chelan counties in Washington.")
    names = ("Kittitas", "Yakima", "Chelan")
    assert [counties[n][:2] for n in names] == [(f"{n} County", "region") for n in names]
    assert {counties[n][3] for n in names} == {"Washington"}


def test_distance_phrases_place_the_town(geoparser):
    text = "The fire broke out in Paris, about 100 miles northeast of Dallas."
    assert _resolved(geoparser, text)["Paris"][2:] == ("US", "Texas")
    assert _resolved(geoparser, "Protesters marched in Paris on Saturday.")["Paris"][2] == "FR"


def test_a_missing_spacy_pipeline_says_what_to_install(monkeypatch):
    with pytest.raises(ModelMissing, match="pip install"):
        load_ner("no_such_pipeline")
    monkeypatch.setenv(MODEL_ENV, "no_such_pipeline")
    with pytest.raises(ModelMissing, match=MODEL_ENV):
        load_ner()


def test_numpys_blas_runs_on_one_thread_in_the_reader_and_in_parse_workers():
    """OpenBLAS's extra threads spin between Dateline's small numpy products and take a core from
    the other parse worker; importing the pipeline keeps them to one, in forked workers too."""
    script = (
        "import os, threadpoolctl\n"
        "from geo.parsing.pipeline import Geoparser\n"
        "def blas():\n"
        "    return sorted({i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'})\n"
        "print(blas())\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    print(blas(), flush=True)\n"
        "    os._exit(0)\n"
        "os.waitpid(child, 0)\n"
    )
    assert _printed(script)[:2] == ["[1]", "[1]"]


def test_parse_workers_share_what_the_parent_loaded():
    """The word list is loaded before the workers fork, and each worker's garbage collector leaves
    the inherited objects alone (a collection would copy their pages into every worker)."""
    script = (
        "import gc, wordfreq\n"
        "import geo.parsing.pipeline as pipeline\n"
        "from geo.records import Article\n"
        "def probe(chunk):\n"
        "    loaded = wordfreq.get_frequency_dict.cache_info().currsize\n"
        "    return [((), None, f'{gc.get_freeze_count() > 0} {loaded}') for _ in chunk]\n"
        "parser = pipeline.Geoparser(processes=2)\n"
        "print(wordfreq.get_frequency_dict.cache_info().currsize)\n"
        "pipeline._parse_chunk = probe\n"
        "[parsed] = parser.parse([Article('t', 't.txt', 'Kyiv.', None, None, False, None, None, 'h')])\n"
        "print(parsed.note)\n"
    )
    assert _printed(script)[:2] == ["1", "True 1"]


def _printed(script: str) -> list[str]:
    """The lines a script prints when run by a fresh interpreter from the project's root."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout.split("\n")


def test_a_mention_survives_pickling_as_a_worker_sends_it_back(seeds):
    import copy
    import pickle

    from geo.records import Mention

    parsed = next(p for p in seeds.values() if p.mentions)
    mentions = [*parsed.mentions, Mention("Nowhere", 3, 10, 0.0, None, None, 0, 20, nested=True)]
    for mention in mentions:
        back = pickle.loads(pickle.dumps(mention, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == mention and type(back) is Mention and back.place == mention.place
        assert copy.deepcopy(mention) == mention

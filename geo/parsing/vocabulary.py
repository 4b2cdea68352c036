"""The words the recognition rules look for, and the one rule they share: a person's title.

The gazetteer ruler (before NER) and the recognizer (after it) both leave alone a name written
right after a person's title ("President Vladimir Putin", "Gen. Jackson"), a news agency's name
("Xinhua reported") and a maker's name ("the Toyota hit a tree").

The name lists (agencies, makers, East Asian family names) are reviewed by hand: each holds names
that news writes for something other than a place, although a gazetteer place has the same name
or NER calls it one.
"""

from __future__ import annotations

import calendar

from spacy.strings import get_string_id
from spacy.tokens import Doc

from gazetteer.normalize import AREA_WORDS

__all__ = [
    "AREA_SUFFIXES",
    "CALENDAR_WORDS",
    "CONTAINER_KINDS",
    "DIRECTION_WORDS",
    "FEATURE_WORDS",
    "LEADING_WORDS",
    "LIST_JOINERS",
    "MAKER_IDS",
    "NOT_ON_A_MAP",
    "ORG_WORDS",
    "PERSON_TITLES",
    "PLURAL_AREAS",
    "PLURAL_AREA_IDS",
    "STREET_WORDS",
    "after_title",
    "is_east_asian_family_name",
    "is_news_agency",
]

PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof president minister secretary chancellor senator sen rep gov governor mayor
    judge general gen maj major col colonel capt captain lt sgt officer king queen prince princess pope
    saint sir lord lady dame rev father sister brother uncle aunt premier prime deputy chief spokesman
    spokeswoman spokesperson ambassador envoy commander admiral coach""".split()
)
"""Words that, written as a title right before a name, make it a person's name; abbreviations
without their full stop ("Gen." -> gen)."""
LEADING_WORDS = frozenset({"the", "a", "an"})
CONTAINER_KINDS = frozenset({"country", "region", "continent"})
"""Gazetteer kinds that hold other places: what a qualifier names ("Louisville, Ky."), and whose own
abbreviations ("US", "UK", "PA") are names, however often the letters stand for something else."""
CALENDAR_WORDS = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr) if w
)
STREET_WORDS = frozenset(
    """street st road rd avenue ave boulevard blvd drive dr lane ln highway hwy route rte way place pl
    court ct terrace parkway pkwy trail circle square plaza interstate freeway expressway""".split()
)
ORG_WORDS = frozenset(
    """academy administration agency airlines army assembly association authority bank board bureau
    center centre chamber church club college commission committee company corporation council court
    department district embassy federation force forces foundation fund government group guard high
    hospital institute journal league library magazine media ministry museum navy news office
    parliament party police port post press radio railway regional school service sheriff society
    state station team television times today tribune union university zoo park parks recreation
    hall courthouse jail fairgrounds marina stadium theatre theater cemetery""".split()
)
"""Words that, right after a place name, make it part of an organisation's name ("Russia Today")."""
DIRECTION_WORDS = frozenset(
    """north south east west northeast northwest southeast southwest northern southern eastern western
    central upper lower greater inner outer mid""".split()
)
"""Words that make a part of a place ("North Texas"); the place itself is the rest."""
AREA_SUFFIXES = AREA_WORDS | {"county", "parish", "borough", "township"}
"""Words that, right after a name, are part of it ("Laurel County", "Rostov region")."""
PLURAL_AREAS = {
    "counties": "County", "parishes": "Parish", "regions": "region", "oblasts": "oblast",
    "provinces": "province", "states": "state", "districts": "district",
}  # fmt: skip
"""Plural area words after a list of names, and the singular each name takes ("Baker counties")."""
PLURAL_AREA_IDS = frozenset(get_string_id(word) for word in PLURAL_AREAS)
"""spaCy's hashes of the plural area words, to find them in a doc's LOWER array."""
LIST_JOINERS = frozenset({",", "and", "or", "&"})
"""Tokens between the names of a list."""
FEATURE_WORDS = frozenset(
    """airfield airport airbase base river sea lake island islands strait bay gulf bridge dam canal
    peninsula mountains desert valley plant""".split()
)
"""Words that, after a name, may be part of a feature's name ("Chornobayivka airfield")."""
NOT_ON_A_MAP = frozenset({"earth", "moon", "sun", "mars", "mercury", "venus", "jupiter", "saturn", "heaven", "hell"})
"""Names of places in the gazetteer that news uses for something else entirely."""


def after_title(doc: Doc, start: int) -> bool:
    """Whether the token before ``start`` is a person's title written as titles are before a name,
    capitalised ("President", "Gen.", "Maj."): "a major Kyiv offensive" has no title in it."""
    if start == 0:
        return False
    word = doc[start - 1]
    return word.text[:1].isupper() and word.lower_.rstrip(".") in PERSON_TITLES


NEWS_AGENCIES = frozenset(
    """Reuters AP AFP UPI Xinhua TASS ITAR-TASS RIA Interfax Yonhap Kyodo Jiji ANSA EFE dpa PTI ANI IANS UNI
    Bernama Anadolu Antara UNIAN Ukrinform MENA WAM SPA QNA KUNA IRNA ISNA Fars Tasnim Mehr SANA BelTA Tanjug
    APA PAP AAP KCNA VNA CNA Sputnik Notimex Lusa Agerpres Belga ANP NTB Ritzau""".split()
)
"""News agencies as bylines, datelines and attributions write them ("(Reuters)", "Xinhua said"). Their
names are gazetteer places or spellings of one (Xinhua and Jiji are Chinese towns, SANA reads as Sanaa,
Fars is an Iranian province, MENA an Ethiopian town), and NER often calls them places. Not listed:
agencies whose name is also a place news names in its own right (Petra). Acronyms match as written
("SPA", not the Belgian town Spa); other names in any case ("XINHUA")."""
_AGENCY_ACRONYMS = frozenset(name for name in NEWS_AGENCIES if name.isupper())
_AGENCY_NAMES = frozenset(name.casefold() for name in NEWS_AGENCIES if not name.isupper())

MAKERS = frozenset(
    """Acura Audi BMW Buick BYD Cadillac Chevrolet Chevy Chrysler Citroen Dodge Ferrari Fiat Ford GMC Honda
    Hyundai Infiniti Isuzu Jeep Kia Lamborghini Lexus Lincoln Mazda Mercedes Mercedes-Benz Mitsubishi Nissan
    Oldsmobile Opel Peugeot Plymouth Pontiac Porsche Renault Rivian Saab Skoda Subaru Suzuki Tesla Toyota
    Volkswagen VW Volvo Harley-Davidson Yamaha Kawasaki Ducati Boeing Airbus Embraer Bombardier Cessna
    Apple Samsung Microsoft Google Sony Nokia Motorola Huawei Xiaomi OnePlus Lenovo Dell Acer Asus HTC
    Nintendo Canon Nikon Garmin Fitbit GoPro DJI""".split()
)
"""Makers of cars, aircraft and devices. The capitalised name after a maker's is a product ("Hyundai
Tucson", "Dodge Durango", "Samsung Galaxy", "Microsoft Surface"), and a maker named with a model or a
model year ("a 2004 Toyota Camry") is the make, not the place, throughout that article ("the Toyota
hit a tree"). Toyota, Honda, Lincoln, Plymouth, Pontiac and Nokia are also places."""
MAKER_IDS = frozenset(get_string_id(word) for word in MAKERS)
"""spaCy's hashes of the makers' names, to find them in a doc's ORTH array."""

EAST_ASIAN_FAMILY_NAMES = frozenset(
    """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang Xie
    Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding
    Ren Shen Yao Jin Xi Qin Bai Fu Kong Mao Wen Yin Lai Tsai Chang Cheung Wong Chan Lee Ho Hsu Hsieh Kuo
    Lam Leung Chiang Lo Chow Yeung Kim Park Choi Jung Chung Kang Cho Yoon Yun Jang Lim Oh Seo Shin Kwon
    Hwang Ahn Yoo Hong Jeon Ko Moon Son Bae Baek Nam Roh Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo
    Dang Bui Ngo Duong""".split()
)
"""Common Chinese, Korean and Vietnamese family names, which news writes first ("Xi Jinping", "Kim Jong Un",
"Lee Jae-myung"): the family name, not the last word, is what a later mention keeps ("Xi said"). Several
are also places (Lee, Kim, Wang, Lin County); Japanese names come given name first in English news
("Shinzo Abe") and need no list."""


def is_news_agency(text: str) -> bool:
    """Whether a name is a news agency's ("Xinhua", "XINHUA", "SPA"; not "Spa")."""
    return text in _AGENCY_ACRONYMS or text.casefold() in _AGENCY_NAMES


def is_east_asian_family_name(text: str) -> bool:
    """Whether a word is a common Chinese, Korean or Vietnamese family name as written ("Xi", "Kim")."""
    return text in EAST_ASIAN_FAMILY_NAMES

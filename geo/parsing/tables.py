"""Parsed articles as an Arrow table and back: what a cluster worker sends for a partition.

One row per article, in the partition's order: its ``id``, ``problem`` and ``note``, and its
``mentions`` as a list of structs (each with its place as a nested struct). The article itself
is not in the table: the client kept it, and pairs it with its row again (``parsed_articles``).

The schema is derived from the ``Mention`` and ``Place`` dataclasses, so a field added to either
travels without a change here; a field of a type with no Arrow counterpart fails at import.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Sequence
from enum import Enum

import pyarrow as pa

from geo.records import Article, Mention, ParsedArticle

__all__ = ["SCHEMA", "parsed_articles", "parsed_table"]

_SCALARS = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}
"""Python field types and the Arrow types they are sent as (a str enum is sent as its value)."""


def _optional(hint: object) -> tuple[object, bool]:
    """The type inside ``X | None`` and whether None was allowed."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return hint, False


def _arrow_type(hint: object) -> pa.DataType:
    if dataclasses.is_dataclass(hint):
        return pa.struct(_fields(hint))
    if isinstance(hint, type) and issubclass(hint, Enum) and issubclass(hint, str):
        return pa.string()
    if hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"no Arrow type for a field of type {hint!r}")


@functools.cache
def _hints(record: type) -> dict[str, object]:
    """The record's field types, resolved once (``records`` uses postponed annotations)."""
    return typing.get_type_hints(record)


def _fields(record: type) -> list[pa.Field]:
    hints = _hints(record)
    found = []
    for field in dataclasses.fields(record):
        hint, nullable = _optional(hints[field.name])
        found.append(pa.field(field.name, _arrow_type(hint), nullable=nullable))
    return found


SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("problem", pa.string()),
        pa.field("note", pa.string()),
        pa.field("mentions", pa.list_(pa.struct(_fields(Mention))), nullable=False),
    ]
)
"""One row per parsed article; ``mentions`` follows ``geo.records.Mention`` field by field."""


def parsed_table(parsed: Sequence[ParsedArticle]) -> pa.Table:
    """The outcomes of a batch of parsed articles (not the articles), one row each, in order."""
    rows = [
        {
            "id": item.article.id,
            "problem": item.problem,
            "note": item.note,
            "mentions": [dataclasses.asdict(mention) for mention in item.mentions],
        }
        for item in parsed
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _record(record: type, row: dict) -> object:
    """A dataclass rebuilt from its row: nested structs become their dataclasses, strings their enums."""
    hints = _hints(record)
    values = {}
    for name, value in row.items():
        hint, _ = _optional(hints[name])
        if value is not None and dataclasses.is_dataclass(hint):
            value = _record(hint, value)
        elif value is not None and isinstance(hint, type) and issubclass(hint, Enum):
            value = hint(value)
        values[name] = value
    return record(**values)


def parsed_articles(articles: Sequence[Article], table: pa.Table) -> list[ParsedArticle]:
    """The articles paired with their rows of ``table`` (made by ``parsed_table`` from the same articles).

    Raises ``ValueError`` when the table's ids are not the articles' ids in the same order.
    """
    rows = table.to_pylist()
    if [row["id"] for row in rows] != [article.id for article in articles]:
        raise ValueError(f"a table of {len(rows)} parsed articles does not match the {len(articles)} articles sent")
    return [
        ParsedArticle(article, tuple(_record(Mention, m) for m in row["mentions"]), row["problem"], row["note"])
        for article, row in zip(articles, rows)
    ]

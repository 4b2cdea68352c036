"""Shared fixtures: the real gazetteer, built once per machine and cached."""

from __future__ import annotations

import pytest

from gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    with Gazetteer.open() as opened:
        yield opened

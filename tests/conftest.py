"""Shared fixtures: where the staged data and the seed article are (tests skip when ../shared is absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

from khabar.paths import shared_data

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared() -> Path:
    """The staged public data folder; skips the test when it is absent."""
    p = shared_data(required=False)
    if p is None:
        pytest.skip("../shared/data not present")
    return p


@pytest.fixture(scope="session")
def seed(shared: Path) -> tuple[Path, Path]:
    """(article path, gold path) of the user's seed article; skips when absent."""
    d = shared.parent / "seed"
    art, gold = d / "000_15335e2f07856dc7.txt", d / "gold.json"
    if not art.is_file() or not gold.is_file():
        pytest.skip("../shared/seed not present")
    return art, gold

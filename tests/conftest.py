"""Shared test fixtures. Tests never reach the network: servers they need run on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.common import SHARED_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
# The shared data beside the project; tests that read it skip when it is absent.
SHARED = SHARED_ROOT


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (the project is cloned alone)")
    return SHARED

"""Shared helpers of the benchmarks: where the data is, timing, and peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The one place that says where the shared data is: ../shared beside the project (as in CI),
# or $ARXIVBOT_SHARED. Benchmarks and tests (tests/conftest.py) both read it from here.
SHARED_ROOT = Path(os.environ.get("ARXIVBOT_SHARED", ROOT.parent / "shared"))
SHARED = SHARED_ROOT / "data" / "arxiv"
LISTINGS = SHARED / "listings"
ABSTRACTS = SHARED / "catalog_abstracts.jsonl"
SEEDS = SHARED_ROOT / "seeds"
LISTS = SHARED_ROOT / "lists"  # curated lists in the wild, not developed on
PYTHON = sys.executable


def require_shared() -> None:
    if not LISTINGS.is_dir():
        sys.exit(f"the shared listings are not at {LISTINGS}; set ARXIVBOT_SHARED to the folder "
                 "that holds data/arxiv/listings")


def best_of(repeats: int, action: Callable[[], object]) -> tuple[float, float]:
    """(best, median) wall seconds of ``repeats`` runs of ``action``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def children_peak_mb() -> float:
    """Peak resident memory of the largest child process waited for so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def seed_lists() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))

"""``catalog`` describes a list's entry style without mining every entry's skeleton (issue 10
asks ``catalog`` of the 2,975-entry list to take at most 2 s); the description must not change."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


READABLE = sorted(p.name for p in LISTS.glob("*.md") if p.name != "not-a-list.md")


@pytest.mark.parametrize("name", READABLE)
def test_the_description_without_skeletons_is_the_full_styles(name: str) -> None:
    catalog = read_catalog(LISTS / name)
    quick = list_style(catalog, skeletons=False)
    assert quick.default.describe() == list_style(catalog).default.describe()
    assert all(style.skeleton is None for _path, style in quick.sections)

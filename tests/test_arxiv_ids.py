"""The one arXiv-id grammar: one test per written form, and what is not an id."""

from __future__ import annotations

import pytest

from arxivbot.arxiv_ids import (
    ID_PATTERN,
    arxiv_id_from_url,
    id_month,
    id_serial,
    ids_in_text,
    is_arxiv_id,
    normalise_id,
    parse_id,
    strip_version,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2501.12948", "2501.12948"),
        ("https://arxiv.org/abs/2501.12948v3", "2501.12948"),
        ("http://arxiv.org/pdf/2501.12948v2", "2501.12948"),
        ("https://arxiv.org/pdf/2501.12948.pdf", "2501.12948"),
        ("https://arxiv.org/pdf/2501.12948v1.pdf", "2501.12948"),
        ("https://arxiv.org/html/2501.12948v1", "2501.12948"),
        ("https://arxiv.org/abs/2501.12948/", "2501.12948"),
        ("https://arxiv.org/abs/2501.12948?context=cs", "2501.12948"),
        ("https://arxiv.org/abs/2501.12948#section", "2501.12948"),
        ("arxiv.org/abs/2501.12948", "2501.12948"),
        ("https://www.arxiv.org/abs/2501.12948", "2501.12948"),
        ("https://export.arxiv.org/abs/2501.12948", "2501.12948"),
        ("https://browse.arxiv.org/abs/2501.12948", "2501.12948"),
        ("https://ARXIV.org/ABS/2501.12948", "2501.12948"),
        ("https://arxiv.org/abs/cs/0601001", "cs/0601001"),
        ("https://arxiv.org/abs/cs/0601001v2", "cs/0601001"),
        ("https://arxiv.org/pdf/math.AG/0309136", "math.AG/0309136"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/0704.0001", "0704.0001"),
        ("https://doi.org/10.48550/arXiv.2501.12948", "2501.12948"),
        ("https://doi.org/10.48550/ARXIV.2501.12948", "2501.12948"),
        ("https://dx.doi.org/10.48550/arXiv.2501.12948", "2501.12948"),
        ("https://huggingface.co/papers/2501.12948", "2501.12948"),
        ("https://alphaxiv.org/abs/2501.12948", "2501.12948"),
        ("https://www.alphaxiv.org/abs/2501.12948v2", "2501.12948"),
        ("  https://arxiv.org/abs/2501.12948  ", "2501.12948"),
    ],
)
def test_every_link_form_names_its_bare_id(url: str, expected: str) -> None:
    """Each link form a list writes yields the bare, unversioned id."""
    assert arxiv_id_from_url(url) == expected
    assert parse_id(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/2501.12948",
        "https://arxiv.org/list/cs.CL/recent",
        "https://arxiv.org/abs/2501",
        "https://doi.org/10.1145/3580305.3599572",
        "https://huggingface.co/datasets/2501.12948",
        "https://example.com/?u=https://arxiv.org/abs/2501.12948",
        "https://arxiv.org/abs/2501.12948extra",
        "",
    ],
)
def test_other_links_are_not_arxiv_papers(url: str) -> None:
    """Links that merely contain id-like digits are not arXiv papers."""
    assert arxiv_id_from_url(url) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2501.12948", "2501.12948"),
        ("2501.12948v2", "2501.12948"),
        ("arXiv:2501.12948", "2501.12948"),
        ("arxiv:2501.12948v1", "2501.12948"),
        ("ARXIV:2501.12948", "2501.12948"),
        ("arXiv 2501.12948", "2501.12948"),
        ("arXiv: 2501.12948", "2501.12948"),
        ("cs/0601001", "cs/0601001"),
        ("arXiv:hep-ex/0307015v1", "hep-ex/0307015"),
        (" 2501.12948 ", "2501.12948"),
        ("https://arxiv.org/abs/2501.12948", "2501.12948"),
        ("arXiv", None),
        ("2501", None),
        ("paper 2501.12948", None),
    ],
)
def test_bare_ids_and_labels(text: str, expected: str | None) -> None:
    """Bare ids, versioned ids and ``arXiv:ID`` labels all read as the bare id."""
    assert parse_id(text) == expected


def test_version_stripping() -> None:
    """Only a trailing ``vN`` is removed; the rest of the id is kept as written."""
    assert strip_version("2501.12948v12") == "2501.12948"
    assert strip_version("cs/0601001v1") == "cs/0601001"
    assert strip_version("2501.12948") == "2501.12948"


def test_the_month_an_id_names() -> None:
    """YYMM of either style gives (year, month); a month that cannot exist gives None."""
    assert id_month("2503.12937") == (2025, 3)
    assert id_month("0704.0001") == (2007, 4)
    assert id_month("hep-th/9901001") == (1999, 1)
    assert id_month("cs/0601001") == (2006, 1)
    assert id_month("2513.12937") is None
    assert id_month("2500.12937") is None
    assert id_month("not an id") is None
    assert id_serial("2503.12937") == 12937
    assert id_serial("cs/0601001") == 1
    assert id_serial("nope") == 0


def test_strict_normalisation() -> None:
    """normalise_id accepts every written form but only ids arXiv could have issued."""
    assert normalise_id(" arXiv:2503.12937v2 ") == "2503.12937"
    assert normalise_id("https://export.arxiv.org/abs/2411.00010") == "2411.00010"
    assert normalise_id("https://doi.org/10.48550/arXiv.2411.00010") == "2411.00010"
    assert normalise_id("hep-ex/0307015v1") == "hep-ex/0307015"
    assert normalise_id("0704.0001") == "0704.0001"
    assert normalise_id("1412.1234") == "1412.1234"
    assert normalise_id("1412.12345") is None  # four digits until 1412
    assert normalise_id("2503.1293") is None  # five digits since 1501
    assert normalise_id("2513.12937") is None  # no month 13
    assert normalise_id("HEP-EX/0307015") is None  # archives are lower case
    assert normalise_id("not an id") is None


def test_bare_id_check_and_in_url_pattern() -> None:
    """is_arxiv_id wants exactly a bare id; ID_PATTERN finds one (with version) in a URL."""
    assert is_arxiv_id("2503.12937")
    assert is_arxiv_id("cs/0601001")
    assert not is_arxiv_id("2503.12937v2")
    assert not is_arxiv_id("2025-05-20")
    url = "https://arxiv.org/pdf/2503.12937v2"
    assert ID_PATTERN.sub("{id}", url, count=1) == "https://arxiv.org/pdf/{id}"


@pytest.mark.parametrize(("text", "ids"), [
    ("Title. *A*. arXiv:2504.12345, 2025.", ["2504.12345"]),
    ("arXiv 2504.12345v2 and ARXIV:2503.00001", ["2504.12345", "2503.00001"]),
    ("arXiv 2025.", []),  # a year, not an id
    ("version 2504.12345", []),  # only after "arXiv"
    ("arXiv:2504.123456", []),  # too many digits
    ("see arxiv.org/abs/2504.12345", []),  # a URL is read as a link, not here
])
def test_ids_written_in_text_after_arxiv(text: str, ids: list[str]) -> None:
    assert ids_in_text(text) == ids

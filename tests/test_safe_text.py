"""Untrusted titles and abstracts cannot inject HTML, code, links, mentions or table cells."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arxivbot.safe_text import ZWSP, escape_markdown, fence, neutralize, safe_block, safe_inline


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("R1-VL: Learning to Reason", "R1-VL: Learning to Reason"),
        ("An Impossible* Visual Benchmark", "An Impossible* Visual Benchmark"),
        ("x < y & z", "x \\< y & z"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("a [link](https://evil) b", "a \\[link\\](https://evil) b"),
        ("`code` and | pipe", "\\`code\\` and \\| pipe"),
        ("*bold* and _it_ and $x$", "\\*bold\\* and \\_it\\_ and \\$x\\$"),
        ("two\nlines\t here", "two lines here"),
        ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),
    ],
)
def test_escape_markdown(raw: str, expected: str) -> None:
    assert escape_markdown(raw) == expected


def test_mentions_and_issue_references_are_broken() -> None:
    text = neutralize("thanks @octocat, see #12, GH-7 and org/repo#3, but not a@b.c or C#")

    assert "@octocat" not in text
    assert "@" + ZWSP + "octocat" in text
    assert "#12" not in text
    assert "GH-7" not in text
    assert "repo#3" not in text
    assert "C#" in text


def test_abstract_links_are_defused() -> None:
    text = safe_block("see https://evil.example/x and javascript:alert(1) </details>")

    assert "https://" not in text
    assert "javascript:" not in text
    assert "</details>" not in text


@given(st.text())
def test_escaped_text_has_no_raw_html_or_table_breaks(raw: str) -> None:
    """Whatever the input, no unescaped '<', '|', backtick or newline survives."""
    out = safe_inline(raw)

    assert "\n" not in out
    for i, char in enumerate(out):
        if char in "<>|`[]":
            backslashes = len(out[:i]) - len(out[:i].rstrip("\\"))
            assert backslashes % 2 == 1, (raw, out)


@given(st.text())
def test_fence_cannot_be_closed_by_its_content(raw: str) -> None:
    block = fence(raw)
    opening = block.split("\n", 1)[0]

    assert opening not in raw

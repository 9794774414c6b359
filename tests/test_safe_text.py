"""Untrusted titles and abstracts cannot inject HTML, code, links, mentions or table cells."""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given
from hypothesis import strategies as st

from arxivbot.safe_text import escape_markdown, fence, neutralize, safe_block, safe_inline

ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def gfm(markdown: str) -> str:
    """HTML as GitHub renders it (cmark-gfm with its extensions: autolinks, tables, ...)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)


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
    """Untrusted text renders as itself in Markdown: no link, code, HTML or emphasis it did not
    mean."""
    assert escape_markdown(raw) == expected


def test_mentions_and_issue_references_are_code_not_live() -> None:
    """Mentions and issue references stay copyable as code spans and notify or link nobody."""
    text = neutralize("thanks @octocat, see #12, GH-7 and org/repo#3, or C#")
    html = outside_code(gfm(text))

    for live in ("@octocat", "#12", "GH-7", "repo#3"):
        assert live in text  # copyable as written
        assert live not in html  # but only inside code, where GitHub links nothing
    assert "C#" in html
    assert not ZERO_WIDTH.search(text)


def test_abstract_links_are_defused_without_invisible_characters() -> None:
    """Links in an abstract become code spans, not links, without any zero-width character."""
    text = safe_block(
        "see https://evil.example/x, www.evil.example and javascript:alert(1) </details> "
        "or mail a@evil.example"
    )
    html = gfm(text)

    assert "<a " not in html
    assert "</details>" not in html
    assert "<code>https://evil.example/x</code>" in html  # copyable, not clickable
    assert not ZERO_WIDTH.search(text)


@pytest.mark.parametrize(
    ("latex", "html"),
    [
        ("\\textit{Firstly,} we", "<em>Firstly,</em> we"),
        ("\\emph{not} this", "<em>not</em> this"),
        ("a \\textbf{FAST} model", "a <strong>FAST</strong> model"),
        ("cost $O(n^2)$ only", "cost <code>O(n^2)</code> only"),
        ("see \\href{https://x.example/p}{our page}.", "see our page (<code>https://x.example/p</code>)."),
        ("up 5\\% and \\texttt{run()}", "up 5% and <code>run()</code>"),
        ("``quoted''", "“quoted”"),
        ("V*bench beats V*bench-2", "V*bench beats V*bench-2"),
    ],
)
def test_common_latex_reads_as_text(latex: str, html: str) -> None:
    """Common LaTeX in abstracts renders as text or emphasis, never as raw commands."""
    rendered = gfm(safe_block(latex))
    assert html in rendered
    assert "\\text" not in rendered


@given(st.text())
def test_escaped_text_has_no_raw_html_or_table_breaks(raw: str) -> None:
    """Whatever the input, no unescaped '<', '|', '[' or newline survives outside code."""
    out = re.sub(r"(`+).*?\1", "", safe_inline(raw))  # the code spans it made

    assert "\n" not in out
    for i, char in enumerate(out):
        if char in "<>|`[]":
            backslashes = len(out[:i]) - len(out[:i].rstrip("\\"))
            assert backslashes % 2 == 1, (raw, out)


@given(st.text())
def test_nothing_untrusted_renders_as_a_link_or_html(raw: str) -> None:
    """Whatever the untrusted text, the rendered output holds no link and no HTML but our own."""
    for made in (safe_inline(raw), safe_block(raw)):
        html = gfm("- **Abstract:** " + made)  # where the PR body puts it
        assert "<a " not in html, (raw, made)
        assert not re.search(r"<(?!/?(?:p|code|em|strong|ul|li)>)", html), (raw, made, html)
        assert not ZERO_WIDTH.search(made)


@given(st.text())
def test_fence_cannot_be_closed_by_its_content(raw: str) -> None:
    """A code fence is longer than any backtick run in its content, so the content cannot
    close it."""
    block = fence(raw)
    opening = block.split("\n", 1)[0]

    assert opening not in raw

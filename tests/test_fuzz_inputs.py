"""Fuzz: crafted lists and configs give a clear error or a success, never a traceback, and a
list is only ever changed by inserting lines (every existing byte kept, in order).

Modest example counts and a deadline keep this inside the suite's time budget.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import parse_catalog_bytes
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.config import parse_settings
from arxivbot.errors import ArxivBotError

FUZZ = settings(max_examples=60, deadline=3000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

LINE_PIECES = st.sampled_from([
    "# Awesome", "## Papers", "### Video", "", "  ", "* ", "- ", "1. ", "| a | b |", "|---|---|",
    "[Title](https://arxiv.org/abs/2501.00001)", "[2503]", "**Bold**", "{{ 7*7 }}", "{% if %}",
    "<!-- c -->", "<details>", "```", "\t", "\u200b", "\ufeff", "[Code](https://github.com/a/b)",
    "https://arxiv.org/pdf/2502.01234v2", "ä", "😀", "\\", "|",
])
LINE = st.lists(LINE_PIECES, max_size=5).map(" ".join)
EOL = st.sampled_from([b"\n", b"\r\n"])


@FUZZ
@given(st.lists(LINE, max_size=20), EOL, st.booleans(),
       st.sampled_from([b"", b"\n", b"\r\n", b"\xff\xfe", b" "]))
def test_any_list_is_parsed_or_refused_and_never_loses_a_byte(
    lines: list[str], eol: bytes, bom: bool, junk: bytes
) -> None:
    """Any list is read or refused with a clear error, and inserting an entry never loses a byte of
    it."""
    skeleton = ["# Awesome", "", "## Papers", "",
                "* [A: B](https://arxiv.org/abs/2501.00001)", *lines,
                "* [C: D](https://arxiv.org/abs/2502.00002) [Code](https://github.com/c/d)"]
    raw = (b"\xef\xbb\xbf" if bom else b"") + eol.join(x.encode() for x in skeleton) + junk
    try:
        catalog = parse_catalog_bytes(raw, "fuzz.md")
        paper_sections = [s.path for s in catalog.sections if s.kind == "paper"]
        if not paper_sections:
            return
        fields = EntryFields(arxiv_id="2505.09999", title="Nu-R1: {{ 7*7 }} Reasoning",
                             date=dt.date(2025, 5, 20), name="Nu-R1")
        text = render_entry(list_style(catalog), fields, paper_sections[0])
        new = insert_entries(catalog, [Addition(paper_sections[0], text, "2505.09999")])
    except ArxivBotError:
        return
    assert _is_subsequence(raw, new)
    assert len(new) > len(raw)
    assert b"{{ 7*7 }}" in new  # list/paper text stays text


def _is_subsequence(old: bytes, new: bytes) -> bool:
    """Every byte of ``old`` appears in ``new`` in order, with whole lines inserted between."""
    it = iter(new)
    return all(any(b == c for c in it) for b in old)


CONFIG_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9)
    | st.sampled_from(["nan", "inf", "-1", "0", "3", "http://x", "https://x.example", "../x",
                       ".nan", "2501.00010", "github", "local"])
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=6,
)
KEYS = {
    "list": ["path", "repository", "base_branch", "sections", "template", "ignore_ids"],
    "arxiv": ["categories", "feed_url", "api_url", "timeout_seconds", "retries",
              "delay_seconds", "backoff_seconds", "cache_dir"],
    "model": ["path", "threshold", "recall_target", "max_candidates"],
    "publish": ["publisher", "labels", "max_open_prs", "branch_prefix", "api_url", "token_env"],
    "feedback": ["decisions_path", "hard_negative_weight"],
}


@st.composite
def configs(draw: st.DrawFn) -> str:
    import yaml

    data: dict[str, dict[str, object]] = {}
    for section in draw(st.lists(st.sampled_from(sorted(KEYS)), max_size=3, unique=True)):
        keys = draw(st.lists(st.sampled_from(KEYS[section]), max_size=3, unique=True))
        data[section] = {key: draw(CONFIG_VALUE) for key in keys}
    return yaml.safe_dump(data)


@FUZZ
@given(configs())
def test_any_config_is_settings_or_one_config_error(text: str) -> None:
    """Any config text gives valid settings or one error naming the file."""
    try:
        parsed = parse_settings(text, "fuzz.yaml")
    except ArxivBotError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert message.startswith("fuzz.yaml")
        return
    assert 1 <= parsed.model.max_candidates <= 100
    assert parsed.arxiv.delay_seconds >= 3 or "127.0.0.1" in parsed.arxiv.feed_url
    assert 0 <= parsed.arxiv.retries <= 10
    assert parsed.publish.api_url.startswith("https://")

"""The PR body: readable, hostile-text-proof, within GitHub's size limit, machine-readable."""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options

from arxivbot.model.card import ModelCard
from arxivbot.model.store import DEFAULT_MODEL, load_card
from arxivbot.proposal import prmeta
from arxivbot.proposal.pr_body import MAX_BODY_CHARS, RunFacts, body, model_note, title
from arxivbot.records import Candidate, Paper, ScoredPaper
from arxivbot.resources import bundled_path
from arxivbot.safe_text import escape_markdown

FACTS = RunFacts(
    day="2025-05-20",
    categories=("cs.CV", "cs.CL"),
    scanned=1012,
    known=3,
    model_version="abc123",
    model_ap=0.41,
    threshold=0.2,
    list_path="README.md",
)
HOSTILE_TITLE = "Pwn @octocat #12 </details> ``` <script>alert(1)</script> | cell"
HOSTILE_ABSTRACT = "x </details><img src=x> @everyone see owner/repo#5 https://evil.example"


def candidate(
    paper_id: str, title_text: str = "R1-X: RL for VLMs", abstract: str = "An abstract."
) -> Candidate:
    paper = Paper(id=paper_id, title=title_text, abstract=abstract, date="2025-05-20")
    scored = ScoredPaper(
        paper=paper, score=0.87, selected=True, top_terms=("grpo", "vision-language"),
        nearest=(("2503.12937", "R1-VL"),),
    )
    # The pipeline renders entries from escaped fields, as here.
    entry = f"* [2505] [R1-X] [{escape_markdown(title_text)}](https://arxiv.org/abs/{paper_id})"
    return Candidate(scored=scored, section="Papers", section_reason="only paper section",
                     entry_text=entry)


def test_body_lists_each_candidate_and_embeds_the_ids() -> None:
    """The body shows the run's figures, one folded block per candidate, and the hidden block with
    every id."""
    text = body(FACTS, [candidate("2505.00001"), candidate("2505.00002")])

    meta = prmeta.extract(text)
    assert meta is not None
    assert meta.ids == ("2505.00001", "2505.00002")
    assert meta.day == "2025-05-20"
    assert "1012 papers scanned" in text
    assert "backtest AP 0.41" in text
    assert text.count("<details>") == 2
    assert text.count("</details>") == 2
    assert "delete the lines you reject" in text


def test_hostile_text_cannot_mention_link_or_close_blocks() -> None:
    """Hostile titles and abstracts, rendered as GitHub does, mention nobody, link nothing and
    close no block of ours."""
    text = body(FACTS, [candidate("2505.00003", HOSTILE_TITLE, HOSTILE_ABSTRACT)])
    live = re.sub(r"\\.", "", text)  # what Markdown still interprets: escaped characters removed
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    # GitHub links and notifies nothing inside code; what is left is what it would act on.
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)

    for live_text in ("@octocat", "@everyone", "#12", "repo#5", "https://evil"):
        assert live_text not in outside_code
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", text)  # nothing invisible
    assert "<script>" not in html
    assert "<img" not in html
    assert 'href="https://evil' not in html
    assert html.count("</details>") == 1  # only ours
    assert "`" * 3 not in live


def test_body_stays_under_the_size_limit() -> None:
    """Huge abstracts are shed to keep the body under GitHub's limit, and the hidden block keeps
    every id."""
    huge = "word " * 20_000
    text = body(FACTS, [candidate(f"2505.{i:05d}", abstract=huge) for i in range(10)])

    assert len(text) <= MAX_BODY_CHARS
    assert "left out" in text
    meta = prmeta.extract(text)
    assert meta is not None
    assert len(meta.ids) == 10


def test_title_counts_candidates() -> None:
    """The PR title counts the candidates, singular or plural, and names the day."""
    assert title("2025-05-20", 1) == "arxivbot: 1 candidate paper from arXiv, 2025-05-20"
    assert title("2025-05-20", 3) == "arxivbot: 3 candidate papers from arXiv, 2025-05-20"


def test_a_huge_rolling_pr_keeps_its_table_within_the_limit() -> None:
    """A rolling PR of 120 papers keeps its whole triage table and every id within the size
    limit."""
    many = [candidate(f"2505.{n:05d}", "A long title " * 12, "x " * 3000) for n in range(120)]
    waiting = [c.scored for c in many[:150]]
    text = body(FACTS, many, waiting)

    assert len(text) <= MAX_BODY_CHARS
    head = text.split("<details>", 1)[0]
    assert sum(1 for line in head.splitlines() if line.startswith("| 0.")) == 120
    meta = prmeta.extract(text)
    assert meta is not None
    assert len(meta.ids) == 120


OUT_OF_LIST = {"list": {"model": {"average_precision": 0.18, "recall_at_threshold": 0.46}}}


def test_the_model_line_leads_with_the_out_of_list_figure() -> None:
    """The figure that predicts a new list's experience (lists and months the model never saw)
    comes before the model's own-lists backtest, on every kind of list."""
    card = ModelCard(lists=("a.md", "b.md", "c.md"), out_of_list=OUT_OF_LIST)
    on_other_lists = model_note("m1", card, "d.md", 0.77)
    on_this_list = model_note("m1", card.but(lists=("a.md",)), "a.md", 0.77)
    for note in (on_other_lists, on_this_list):
        assert note.index("average precision 0.18") < note.index("0.77")
        assert "recall 0.46 at its threshold" in note
    assert "not on this one, so expect the out-of-list figure here" in on_other_lists
    assert "It was trained on this list" in on_this_list


def test_a_card_without_an_out_of_list_backtest_says_so() -> None:
    note = model_note("m1", ModelCard(lists=("a.md",)), "b.md", None)
    assert "no out-of-list backtest yet" in note
    assert "not on this one" in note
    assert "None" not in note


def test_the_shipped_card_headlines_its_out_of_list_figure() -> None:
    """The card shipped with the package records the out-of-list backtest the PR body leads
    with (a card regenerated without ``eval --out-of-list --card`` would lose it)."""
    card = load_card(bundled_path(DEFAULT_MODEL))
    assert card.out_of_list_ap is not None
    assert 0.0 < card.out_of_list_ap < 1.0
    assert card.out_of_list_recall is not None

"""The hidden block survives a round trip and cannot be closed early."""

from __future__ import annotations

from arxivbot.proposal.prmeta import ProposalMeta, ProposedPaper, embed, entry_digest, extract

DIGEST = entry_digest("* x")


def test_round_trip_inside_a_body() -> None:
    """The hidden metadata block reads back exactly what was embedded, even with '-->' in a section
    name."""
    meta = ProposalMeta(
        day="2025-05-20",
        model="abc",
        list_path="README.md",
        papers=(ProposedPaper("2505.00001", 0.91234, "A --> B / Papers", "X", DIGEST),),
    )
    block = embed(meta)
    body = f"# Title\n\ntext\n\n{block}\n"

    assert block.count("-->") == 1
    assert extract(body) == ProposalMeta(
        day="2025-05-20",
        model="abc",
        list_path="README.md",
        papers=(ProposedPaper("2505.00001", 0.9123, "A --> B / Papers", "X", DIGEST),),
    )


def test_missing_or_damaged_block_is_none() -> None:
    """A body without the block, or with a damaged one, gives None rather than an error."""
    assert extract("no block here") is None
    assert extract("<!-- arxivbot:proposal\n{not json\n-->") is None
    assert extract(None) is None

"""How often the short name arxivbot writes is the name the list itself gives an entry.

For every entry of the seed lists that shows a short name (``[R1-VL]``, ``**ShareGPT4V**``,
``(InstructGPT)``) and links an arXiv paper, compute ``paper_name`` from the paper's title
and abstract (the catalog abstracts, else the shared listings; title only when neither holds
it) and compare it with the list's name, ignoring case, spaces and a trailing ``(tag)`` the
list adds to every entry of a kind (``DanceGRPO (Gen)``).

    .venv/bin/python benchmarks/short_names.py                 # the seed lists
    .venv/bin/python benchmarks/short_names.py --held-out      # lists it was not developed on
    .venv/bin/python benchmarks/short_names.py --code-links    # with the papers' code links
    .venv/bin/python benchmarks/short_names.py -v              # also every miss

The archived abstracts replace URLs by "this https URL" (as arXiv's listing pages do), so the
code repository rule cannot fire on them; ``--code-links`` gives each paper the GitHub link its
list entry records, which is what the paper's own abstract or comment links (the live feed and
the arXiv API carry the real URL).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

from arxivbot.catalog.parse import read_catalog
from arxivbot.proposal.paper_facts import code_url, paper_name
from arxivbot.records import Paper
from arxivbot.sources.replay import read_papers
from common import ABSTRACTS, LISTINGS, LISTS, SEEDS, require_shared

# Held-out lists whose entries carry names; opendilab writes them after the link: "(PHF)".
HELD_OUT = ("BradyFU__Awesome-Multimodal-Large-Language-Models.md", "opendilab__awesome-RLHF.md")
_TRAILING_NAME = re.compile(r"\]\((https?://arxiv\.org/[^)\s]+)\)\s*\(([^()]{2,40})\)\s*$")
_GITHUB = re.compile(r"https?://github\.com/[^/\s]+/[^/\s#?]+/?$")
_TAG = re.compile(r"\s*\((?:Gen|Und|Generation|Understanding)\)\s*$", re.IGNORECASE)


def normalise(name: str) -> str:
    name = name.replace("**", "").replace("*", "").strip()
    name = _TAG.sub("", name)
    return re.sub(r"\s+", "", name).casefold()


def named_entries(path: Path) -> list[tuple[str, str, str, str | None]]:
    """(arXiv id, title, name, GitHub link) of every named entry of the list."""
    catalog = read_catalog(path)
    found = []
    for entry in catalog.entries:
        name = entry.name
        if not name:
            match = _TRAILING_NAME.search(entry.raw.splitlines()[0] if entry.raw else "")
            name = match.group(2) if match else None
        if entry.arxiv_id and name:
            github = next((u for _, u in entry.links if _GITHUB.match(u)), None)
            found.append((entry.arxiv_id, entry.title, name, github))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--held-out", action="store_true", help="lists not developed on")
    parser.add_argument(
        "--code-links", action="store_true",
        help="give each paper the GitHub link its list entry records (the archive hides it)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    require_shared()
    lists = [LISTS / n for n in HELD_OUT] if args.held_out else sorted(SEEDS.iterdir())
    papers: dict[str, Paper] = {p.id: p for p in read_papers([LISTINGS])}
    papers.update({p.id: p for p in read_papers([ABSTRACTS])})
    total = right = with_abstract = 0
    for path in lists:
        entries = named_entries(path)
        hits = 0
        for arxiv_id, title, name, github in entries:
            # Not in the shared data: the title as the list writes it, without an abstract.
            paper = papers.get(arxiv_id) or Paper(id=arxiv_id, title=title, abstract="")
            with_abstract += bool(paper.abstract)
            if args.code_links and github and code_url(paper) is None:
                # The archived abstracts say "this https URL" where the paper's own abstract
                # (and the arXiv API) has the link; the list records the same repository.
                paper = replace(paper, comment=github)
            computed = paper_name(paper)
            ok = normalise(computed) == normalise(name)
            hits += ok
            if not ok and args.verbose:
                print(f"  {arxiv_id}  list: {name!r:32} computed: {computed!r:32} {paper.title}")
        total += len(entries)
        right += hits
        share = hits / len(entries) if entries else 0.0
        print(f"{path.name}: {hits}/{len(entries)} named entries ({share:.0%})")
    if not total:
        sys.exit("no named entries found")
    print(f"all: {right}/{total} = {right / total:.1%} "
          f"({with_abstract} with an abstract, {total - with_abstract} title only)")


if __name__ == "__main__":
    main()

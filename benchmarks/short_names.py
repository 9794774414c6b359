"""How often the short name arxivbot writes is the name the list itself gives an entry.

For every entry of the seed lists that shows a short name (``[R1-VL]``, ``**ShareGPT4V**``,
``(InstructGPT)``) and links an arXiv paper, compute ``paper_name`` from the paper's title
and abstract (the catalog abstracts, else the shared listings; title only when neither holds
it) and compare it with the list's name, ignoring case, spaces and a trailing ``(tag)`` the
list adds to every entry of a kind (``DanceGRPO (Gen)``).

    .venv/bin/python benchmarks/short_names.py                 # the seed lists
    .venv/bin/python benchmarks/short_names.py --held-out      # lists it was not developed on
    .venv/bin/python benchmarks/short_names.py --other         # TsinghuaC3I's named entries
    .venv/bin/python benchmarks/short_names.py -v              # also every miss

Each list gets two figures. "as archived": the papers as the shared archive holds them, where
arXiv's listing pages replaced every URL of an abstract by "this https URL", so the code
repository rule cannot fire. "links restored": where the archived abstract says it hid a URL,
the paper gets back the GitHub link its list entry records (the live feed and the arXiv API
carry the real URL, which is what a daily run reads). Names without a letter or digit ("-")
are placeholders, not names, and are left out.
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
# A list that names almost every entry (backquoted, ``Intern-S1``); recent papers, abstracts
# in the archive. Its misses were read while the rule was improved: not held out.
OTHER = ("TsinghuaC3I__Awesome-RL-for-LRMs.md",)
_HIDDEN_URL = "this https URL"  # what the archive (and arXiv's listing pages) show for a URL
_TRAILING_NAME = re.compile(r"\]\((https?://arxiv\.org/[^)\s]+)\)\s*\(([^()]{2,40})\)\s*$")
_GITHUB = re.compile(r"https?://github\.com/[^/\s]+/[^/\s#?]+/?$")
_TAG = re.compile(r"\s*\((?:Gen|Und|Generation|Understanding)\)\s*$", re.IGNORECASE)


def normalise(name: str) -> str:
    name = name.replace("**", "").replace("*", "").strip("` ")
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
        if entry.arxiv_id and name and re.search(r"\w", name):
            github = next((u for _, u in entry.links if _GITHUB.match(u)), None)
            found.append((entry.arxiv_id, entry.title, name, github))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--held-out", action="store_true", help="lists not developed on")
    parser.add_argument("--other", action="store_true", help="TsinghuaC3I's named entries")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    require_shared()
    lists = sorted(SEEDS.iterdir())
    if args.held_out or args.other:
        lists = [LISTS / n for n in (HELD_OUT if args.held_out else OTHER)]
    papers: dict[str, Paper] = {p.id: p for p in read_papers([LISTINGS])}
    papers.update({p.id: p for p in read_papers([ABSTRACTS])})
    total = with_abstract = restored = 0
    right = {"as archived": 0, "links restored": 0}
    for path in lists:
        entries = named_entries(path)
        hits = dict.fromkeys(right, 0)
        for arxiv_id, title, name, github in entries:
            # Not in the shared data: the title as the list writes it, without an abstract.
            paper = papers.get(arxiv_id) or Paper(id=arxiv_id, title=title, abstract="")
            with_abstract += bool(paper.abstract)
            linked = paper
            if github and code_url(paper) is None and _HIDDEN_URL in paper.abstract:
                linked = replace(paper, comment=github)
                restored += 1
            for label, version in (("as archived", paper), ("links restored", linked)):
                computed = paper_name(version)
                ok = normalise(computed) == normalise(name)
                hits[label] += ok
                if not ok and args.verbose and label == "links restored":
                    print(f"  {arxiv_id}  list: {name!r:32} computed: {computed!r:32} "
                          f"{paper.title}")
        total += len(entries)
        for label in right:
            right[label] += hits[label]
        shares = ", ".join(f"{hits[k] / max(len(entries), 1):.0%} {k}" for k in hits)
        print(f"{path.name}: {len(entries)} named entries: {shares}")
    if not total:
        sys.exit("no named entries found")
    for label, hits_all in right.items():
        print(f"all, {label}: {hits_all}/{total} = {hits_all / total:.1%}")
    print(f"({with_abstract} with an abstract, {total - with_abstract} title only; "
          f"{restored} hidden code links restored)")


if __name__ == "__main__":
    main()

"""How arxivbot reads and writes real awesome-lists it was not developed on.

For every file in ../shared/lists and ../shared/seeds it runs ``catalog``, ``catalog
--check-style`` and a replayed ``run --publisher local`` (a temporary git repository holding
the list as README.md, one archived day of arXiv listings), and prints per list:

- entries found against the hand count (EXPECTED below);
- arXiv ids found against the distinct ids the file holds outside HTML comments;
- native %: entries re-rendered exactly as a new entry would be written (check-style);
- lines the run inserted and removed (removed must be 0);
- entries split: insertions that land inside an existing entry (between its first line and
  its continuation, authors or metadata lines), judged from the original text alone;
- new entries with no link to their paper, and the sections the run chose.

Usage: .venv/bin/python benchmarks/lists_in_the_wild.py [--day 2025-05-30] [--max 10]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LISTINGS, PYTHON, ROOT, SEEDS, require_shared

LISTS = SEEDS.parent / "lists"

# Hand counts of entries (papers, benchmarks, projects: every item the list holds), made by
# reading each file and cross-checked with a per-list grep of its entry shape (noted beside).
EXPECTED = {
    # `* YY.MM [Title](url) | [Paper]...` bullets (507) + two tables' link rows (96)
    "lwpyh__Awesome-MLLM-Reasoning-Collection.md": 603,
    # 39 tables `| Date | Name | Title | Paper | Github |`, every body row
    "TsinghuaC3I__Awesome-RL-for-LRMs.md": 556,
    # `* Title `YYYY` [[Venue](url)]` bullets, arXiv or venue links
    "JLZhong23__awesome-reward-models.md": 228,
    # `- [Title](url)` bullets outside the table of contents
    "opendilab__awesome-RLHF.md": 173,
    # numbered `1. **[Title.](url)**` items (145) + 16 resource and awesome-list bullets
    "atfortes__Awesome-LLM-Reasoning.md": 161,
    # 16 tables' body rows (598) + 7 two-line highlight bullets
    "BradyFU__Awesome-Multimodal-Large-Language-Models.md": 605,
    # `### [Title](url)` heading entries (140) + 24 link bullets of the last sections
    "EdinburghNLP__awesome-hallucination-detection.md": 164,
    # 18 tables' body rows
    "HITsz-TMG__Awesome-Large-Multimodal-Reasoning-Models.md": 346,
    # paragraph entries `**Title** \`
    "hee9joon__Awesome-Diffusion-Models.md": 2975,
    # the seeds (tests/catalog/test_catalog_seeds.py holds them per section)
    "000_187c482135ca83e4.txt": 41,
    "001_6f30e543fcd0e480.txt": 79,
    "002_f1ec07a54c7dfe63.txt": 16,
}

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_URLISH = re.compile(r"(?:https?://)?[\w.-]+\.(?:org|co)/[^\s)\]\"'<>|`]+")
_LABEL = re.compile(r"arxiv\s*:\s*(\d{4}\.\d{4,5})", re.IGNORECASE)


def ids_in(text: str) -> set[str]:
    """Every arXiv id linked or labelled in ``text``, by the project's one id grammar."""
    try:
        from arxivbot.arxiv_ids import arxiv_id_from_url
    except ImportError:  # before the ground-floor grammar landed
        from arxivbot.catalog.parse import arxiv_id_from_url
    found = {i for m in _URLISH.finditer(text) if (i := arxiv_id_from_url(m.group()))}
    return found | set(_LABEL.findall(text))


def distinct_ids(text: str) -> set[str]:
    """The arXiv ids a list holds outside HTML comments."""
    return ids_in(_COMMENT.sub("", text))


_START = re.compile(r"^( {0,3}([-*+]|\d{1,9}[.)])[ \t]|#{1,6}[ \t]|\||<|\*\*|!\[)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def splits(original: list[str], inserted_at: list[tuple[int, list[str]]]) -> int:
    """Insertions landing inside an entry, judged from the original lines only.

    An insertion before original line ``k`` (0-based) splits an entry when the previous
    non-blank line continues onto the next one (a hard break ``\\`` or two spaces), or when
    the next non-blank line is more indented than the inserted entry or is not the start of
    a block (a bullet, heading, table row, HTML, bold paragraph), i.e. it is the previous
    entry's authors, metadata or description line.
    """
    count = 0
    for k, block in inserted_at:
        first = next((b for b in block if b.strip()), "")
        if not first or first.lstrip().startswith("#") or k >= len(original):
            continue
        prev = next((original[j] for j in range(k - 1, -1, -1) if original[j].strip()), "")
        nxt_index = next((j for j in range(k, len(original)) if original[j].strip()), None)
        if nxt_index is None:
            continue
        nxt = original[nxt_index]
        continues = prev.endswith(("\\", "  ")) and k > 0 and bool(original[k - 1].strip())
        deeper = _indent(nxt) > _indent(first) and not nxt.lstrip().startswith("|")
        not_a_start = not _START.match(nxt.lstrip() if _indent(nxt) <= 3 else nxt)
        count += continues or deeper or not_a_start
    return count


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@arxivbot.invalid",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@arxivbot.invalid",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True
    )
    return done.stdout.decode("utf-8", "surrogateescape")


def replay(path: Path, day: Path, max_candidates: int) -> dict[str, object]:
    """Run the daily job on a copy of the list in a temporary repository; measure the diff."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        (repo / "README.md").write_bytes(path.read_bytes())
        _git(repo, "init", "--quiet", "--initial-branch=main")
        _git(repo, "add", "README.md")
        _git(repo, "commit", "--quiet", "-m", "list")
        done = subprocess.run(
            [PYTHON, "-m", "arxivbot", "run", "--list", "README.md", "--publisher", "local",
             "--repo-dir", str(repo), "--listings", str(day), "--threshold", "0",
             "--max-candidates", str(max_candidates)],
            capture_output=True, text=True, cwd=repo,
        )
        if done.returncode != 0:
            return {"refused": (done.stderr.strip().splitlines() or ["?"])[-1][:100]}
        branches = [
            b for b in _git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads")
            .split() if b != "main"
        ]
        if not branches:
            return {"inserted": 0, "removed": 0, "split": 0, "unlinked": 0, "sections": {}}
        before = path.read_bytes().decode("utf-8", "surrogateescape").splitlines()
        after = _git(repo, "show", f"{branches[0]}:README.md").splitlines()
        inserted = removed = 0
        blocks: list[tuple[int, list[str]]] = []
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op in {"replace", "delete"}:
                removed += i2 - i1
            if op in {"replace", "insert"}:
                inserted += j2 - j1
                blocks.append((i1, after[j1:j2]))
        new_text = "\n".join(line for _, block in blocks for line in block)
        proposed = _proposed(repo)
        linked = ids_in(new_text)
        sections = Counter(p.split(" / ")[-1][:28] for p in proposed.values())
        return {
            "inserted": inserted,
            "removed": removed,
            "split": splits(before, blocks),
            "unlinked": len(set(proposed) - linked),
            "sections": sections,
        }


def _proposed(repo: Path) -> dict[str, str]:
    """The proposed papers' ids and sections, from the PR body's hidden metadata block."""
    text = "\n".join(
        b.read_text("utf-8", "replace") for b in (repo / ".git" / "arxivbot").glob("*.md")
    )
    papers: dict[str, str] = {}
    for block in re.findall(r"<!-- arxivbot:proposal\n(.*?)\n-->", text, re.DOTALL):
        for paper in json.loads(block).get("papers", []):
            papers[paper["id"]] = paper.get("section", "")
    return papers


def measure(path: Path, day: Path, max_candidates: int) -> dict[str, object]:
    from arxivbot.catalog.native import native_check
    from arxivbot.catalog.parse import parse_catalog_bytes
    from arxivbot.errors import ArxivBotError

    raw = path.read_bytes()
    text = raw.decode("utf-8", "surrogateescape")
    row: dict[str, object] = {"name": path.name, "expected": EXPECTED.get(path.name)}
    ids = distinct_ids(text)
    row["ids_total"] = len(ids)
    start = time.perf_counter()
    try:
        catalog = parse_catalog_bytes(raw, path.name)
    except ArxivBotError as exc:
        row["refused"] = str(exc)[:100]
        return row
    row["seconds"] = time.perf_counter() - start
    row["entries"] = len(catalog.entries)
    row["ids"] = len(ids & catalog.arxiv_ids)
    result = native_check(catalog)
    row["native"] = result.native / result.total if result.total else 1.0
    row["native_n"] = f"{result.native}/{result.total}"
    row.update(replay(path, day, max_candidates))
    return row


def _pct(a: object, b: object) -> str:
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b:
        return "-"
    return f"{100 * a / b:.0f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="2025-05-30", help="archived day to replay")
    parser.add_argument("--max", type=int, default=10, help="papers the run may propose")
    parser.add_argument("--only", help="measure only lists whose name contains this")
    args = parser.parse_args()
    require_shared()
    sys.path.insert(0, str(ROOT / "src"))
    day = LISTINGS / f"{args.day}.jsonl.gz"
    files = sorted(p for p in LISTS.glob("*.md") if p.name != "README.md")
    files += sorted(SEEDS.glob("*.txt"))
    if args.only:
        files = [f for f in files if args.only in f.name]
    print(f"replayed day: {args.day}, at most {args.max} proposals (threshold 0)\n")
    print("| list | entries / hand | ids / distinct | native | +lines | -lines | split "
          "| unlinked | catalog s | sections chosen |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in files:
        row = measure(path, day, args.max)
        if "refused" in row and "entries" not in row:
            print(f"| {path.name[:40]} | REFUSED: {row['refused']} | | | | | | | | |")
            continue
        sections = row.get("sections") or {}
        chosen = ", ".join(f"{k or '(top)'} {v}" for k, v in sorted(
            dict(sections).items(), key=lambda kv: -kv[1]))  # type: ignore[arg-type]
        if "refused" in row:
            chosen = f"run refused: {row['refused']}"
        print(
            f"| {path.name[:40]} | {row['entries']}/{row['expected']} "
            f"({_pct(row['entries'], row['expected'])}) "
            f"| {row['ids']}/{row['ids_total']} ({_pct(row['ids'], row['ids_total'])}) "
            f"| {row['native_n']} ({100 * float(row['native']):.0f}%) "  # type: ignore[arg-type]
            f"| {row.get('inserted', '-')} | {row.get('removed', '-')} | {row.get('split', '-')} "
            f"| {row.get('unlinked', '-')} | {float(row['seconds']):.2f} "  # type: ignore[arg-type]
            f"| {chosen} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

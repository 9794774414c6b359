"""Scoring speed: after load (1,000 and 10,000 papers), model load, a cold `arxivbot score`
on a 1,000-paper day, and the whole shared history (78k papers).

    .venv/bin/python benchmarks/bench_score.py [--model models/default.json]

Targets (issue 4): 1,000 papers ≤ 0.25 s after load; cold score of a 1,000-paper day ≤ 2 s;
the whole history ≤ 60 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import tempfile
import time
from pathlib import Path

from arxivbot.model.store import load_model
from arxivbot.sources.replay import paper_to_record, read_papers
from common import LISTINGS, PYTHON, ROOT, best_of, require_shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default.json")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    require_shared()

    load_best, load_median = best_of(args.repeats, lambda: load_model(args.model))
    print(f"model load: best {load_best:.3f} s, median {load_median:.3f} s")
    model = load_model(args.model)

    start = time.perf_counter()
    papers = read_papers([LISTINGS])
    read_seconds = time.perf_counter() - start
    print(f"read the shared history: {len(papers)} papers in {read_seconds:.1f} s")

    for size in (1000, 10000):
        batch = papers[-size:]
        best, median = best_of(args.repeats, lambda b=batch: model.score(b, max_per_day=10))
        print(f"score {size} papers after load: best {best:.3f} s, median {median:.3f} s "
              f"({size / best:,.0f} papers/s)")

    start = time.perf_counter()
    model.score(papers, max_per_day=10)
    score_seconds = time.perf_counter() - start
    print(f"score the whole history ({len(papers)} papers): {score_seconds:.1f} s scoring, "
          f"{read_seconds + score_seconds:.1f} s with reading")

    # A cold CLI run on one 1,000-paper day: the most recent 1,000 papers, as one gzip file.
    with tempfile.TemporaryDirectory() as folder:
        day = Path(folder) / "day.jsonl.gz"
        with gzip.open(day, "wt", encoding="utf-8") as out:
            for paper in papers[-1000:]:
                out.write(json.dumps({**paper_to_record(paper), "date": "2026-08-21"}) + "\n")
        command = [PYTHON, "-m", "arxivbot", "score", "--papers", str(day), "--model",
                   str(args.model)]

        def cold() -> None:
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

        best, median = best_of(args.repeats, cold)
        print(f"cold `arxivbot score` on a 1,000-paper day: best {best:.2f} s, "
              f"median {median:.2f} s")
        whole = [PYTHON, "-m", "arxivbot", "score", "--papers", str(LISTINGS), "--model",
                 str(args.model)]
        start = time.perf_counter()
        subprocess.run(whole, check=True, stdout=subprocess.DEVNULL)
        print(f"cold `arxivbot score` on the whole history: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

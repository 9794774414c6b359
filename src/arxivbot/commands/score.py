"""``arxivbot score``: one JSON line per paper, with the model's verdict and its reasons."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from arxivbot.config import load_settings, override


@click.command(name="score")
@click.option("--papers", "paper_paths", multiple=True, required=True,
              type=click.Path(path_type=Path),
              help="JSONL listings to score (a file or a folder of daily files, gzip or not; "
              "repeatable).")
@click.option("--model", "model_path", type=click.Path(path_type=Path),
              help="Model file (default: model.path, else the shipped model).")
@click.option("--threshold", type=float, help="Select papers scoring at least this "
              "(default: model.threshold, else the model's own).")
@click.option("--max-candidates", type=int, help="Select at most this many papers per day "
              "(default: model.max_candidates).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="arxivbot.yaml.")
def score(
    paper_paths: tuple[Path, ...],
    model_path: Path | None,
    threshold: float | None,
    max_candidates: int | None,
    config_path: Path | None,
) -> None:
    """Score papers: print {"id", "score", "selected", "top_terms", "nearest"} per paper.

    The output keeps the input order, one line per input record. "selected" is true when the
    paper would be proposed: score at or above the threshold and among the day's best
    max-candidates.

    \b
    Example:
      arxivbot score --papers listings/2025-05-20.jsonl.gz
    """
    from arxivbot.model.store import load_model
    from arxivbot.sources.replay import iter_papers, listing_files

    settings = override(
        load_settings(config_path),
        model__path=str(model_path) if model_path else None,
        model__threshold=threshold,
        model__max_candidates=max_candidates,
    )
    model = load_model(Path(settings.model.path) if settings.model.path else None)
    papers = [paper for path in paper_paths for file in listing_files(path)
              for paper in iter_papers(file)]
    scored = model.score(
        papers, max_per_day=settings.model.max_candidates, threshold=settings.model.threshold
    )
    lines = []
    for item in scored:
        record = {
            "id": item.paper.id,
            "score": float(f"{item.score:.6g}"),
            "selected": item.selected,
            "top_terms": list(item.top_terms),
            "nearest": [{"id": paper_id, "name": name} for paper_id, name in item.nearest],
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.write("".join(lines))

"""Save and load the relevance model and its model card: the model's only filesystem code.

The model file is plain JSON, never pickle: loading parses numbers and strings and builds
arrays from them, so a hostile file can at worst be refused. It is written to be read in a
diff (sorted keys, one vocabulary term per line, every number cut to a fixed number of
significant digits, ``canonical``: 6 per term, 8 for the rest, so that float noise of another
machine does not rename a rebuilt model) and carries a sha256 digest of its own content,
so a file edited by hand or damaged in transit is refused rather than silently scoring
differently. ``model.version`` is the first 12 hex digits of that digest (``canonical``: a
pure function of the model's content).

The model card (``card.ModelCard``) sits beside it (``default.json`` → ``default.card.json``):
what the model was trained on, with which libraries and settings, and how well it did.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from arxivbot.errors import ModelError
from arxivbot.files import write_atomic
from arxivbot.model import canonical
from arxivbot.model.canonical import FORMAT, FORMAT_VERSION, content_digest, render
from arxivbot.model.card import ModelCard
from arxivbot.model.classifier import ListEntry, LowRank, ModelParams, RelevanceModel
from arxivbot.resources import bundled_path

__all__ = ["FORMAT", "FORMAT_VERSION", "card_path", "content_digest", "load_card",
           "load_model", "model_from_dict", "model_to_text", "render", "save_model",
           "update_card", "write_file"]

READABLE_VERSIONS = (1, 2, 3)
DEFAULT_MODEL = "models/default.json"
RETRAIN_HINT = "retrain with `arxivbot train --list LIST.md --listings LISTINGS --out MODEL.json`"


def card_path(model_path: Path) -> Path:
    """Where the card of ``model_path`` lives: ``x.json`` → ``x.card.json``."""
    return model_path.with_name(f"{model_path.stem}.card.json")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("arxivbot", "numpy", "scipy", "scikit-learn"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# --------------------------------------------------------------------------- model ↔ JSON


def model_to_dict(model: RelevanceModel) -> dict[str, Any]:
    """Everything that defines the model, as JSON-ready values (without the digest)."""
    return model.content()


def _finite(values: Any, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} holds a non-finite number")
    return array


def _low_rank_from_dict(body: dict[str, Any], n_terms: int) -> LowRank | None:
    data = body.get("low_rank")
    if data is None:
        return None
    rows = body["low_rank_components"]
    centroid = _finite([float(v) for v in data["centroid"]], "low_rank.centroid")
    dims = len(centroid)
    if not rows or not 1 <= dims <= 1024 or any(len(row) != dims + 1 for row in rows):
        raise ValueError("low_rank_components do not match the centroid's dimensions")
    columns = np.asarray([int(row[0]) for row in rows], dtype=np.int64)
    if columns.min() < 0 or columns.max() >= n_terms or np.any(np.diff(columns) <= 0):
        raise ValueError("low_rank columns are not sorted, unique vocabulary columns")
    components = _finite([[float(v) for v in row[1:]] for row in rows], "low_rank").T.copy()
    mean, std = (float(v) for v in data["scale"])
    _finite([mean, std], "low_rank.scale")
    if std <= 0:
        raise ValueError("low_rank.scale has a non-positive spread")
    return LowRank(columns=columns, components=components, centroid=centroid,
                   scale=(mean, std))


def model_to_text(model: RelevanceModel) -> tuple[str, str]:
    """(file text, digest) of ``model``."""
    body = model.content()
    digest = canonical.content_digest(body)
    body["digest"] = digest
    return render(body), digest


def model_from_dict(body: Any, source: str) -> RelevanceModel:
    """Rebuild a model from parsed JSON, checking that it is ours, intact and compatible."""
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ModelError(f"{source}: not an arxivbot relevance model; {RETRAIN_HINT}")
    version = body.get("format_version")
    if version not in READABLE_VERSIONS:
        raise ModelError(
            f"{source}: model format version {version!r}, this arxivbot reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}; {RETRAIN_HINT}"
        )
    # The scikit-learn version is recorded but not checked: scoring is numpy arithmetic on
    # the stored numbers, so format_version is the whole compatibility contract.
    digest = body.get("digest")
    # Checked on the numbers as written: a current file holds them already cut to the
    # file's precision (so a hand edit below it is caught too), an older file in full.
    if not isinstance(digest, str) or digest != content_digest(body, exact=True):
        raise ModelError(
            f"{source}: the model's content does not match its digest (edited or damaged); "
            f"{RETRAIN_HINT}"
        )
    try:
        params = ModelParams.from_dict(body["params"])
        terms = [str(term) for term, _, _ in body["terms"]]
        idf = np.asarray([float(idf) for _, idf, _ in body["terms"]], dtype=np.float64)
        coef = np.asarray([float(w) for _, _, w in body["terms"]], dtype=np.float64)
        if terms != sorted(set(terms)):
            raise ValueError("terms are not sorted and unique")
        if not np.all(np.isfinite(idf)) or np.any(idf <= 0) or not np.all(np.isfinite(coef)):
            raise ValueError("idf or weights hold non-finite or non-positive idf numbers")
        entries = [
            ListEntry(id=str(item["id"]), name=str(item["name"]), section=str(item["section"]),
                      list=str(item["list"]))
            for item in body["entries"]
        ]
        entry_texts = {str(key): str(text) for key, text in body["entry_texts"]}
        calibration = body["calibration"]
        facet_coef = _finite([float(v) for v in body.get("facet_coef", [])], "facet_coef")
        if len(facet_coef) not in (0, len(params.facets) + 1):
            raise ValueError("facet_coef does not match the facets")
        mean, std = (float(v) for v in body.get("decision_scale", [0.0, 1.0]))
        _finite([mean, std, float(body["intercept"]), float(body["threshold"]),
                 float(calibration["a"]), float(calibration["b"])], "the model's numbers")
        if not 0.0 <= float(body["threshold"]) <= 1.0:
            raise ValueError("threshold is outside 0..1")
        if std <= 0:
            raise ValueError("decision_scale has a non-positive spread")
        model = RelevanceModel(
            params=params,
            terms=tuple(terms),
            idf=idf,
            coef=coef,
            intercept=float(body["intercept"]),
            calibration=(float(calibration["a"]), float(calibration["b"])),
            threshold=float(body["threshold"]),
            entries=tuple(entries),
            entry_texts=entry_texts,
            facet_coef=facet_coef,
            decision_scale=(mean, std),
            low_rank=_low_rank_from_dict(body, len(terms)),
            sklearn_version=str(body.get("sklearn_version", "none")),
            # The digest just verified is the content's own when the file is of this
            # format with every current field (a round trip is then exact); an older file's
            # content renders anew, so its version is still a function of its content.
            _digest=digest if _current_shape(body, params) else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelError(f"{source}: malformed model ({exc}); {RETRAIN_HINT}") from exc
    return model


def _current_shape(body: dict[str, Any], params: ModelParams) -> bool:
    """Whether ``body`` holds exactly what this arxivbot writes (format, keys, parameters)."""
    return (body.get("format_version") == FORMAT_VERSION and "sklearn_version" in body
            and set(body["params"]) == set(params.to_dict()))


# --------------------------------------------------------------------------- files


def load_model(path: Path | None = None) -> RelevanceModel:
    """The model at ``path`` (None: the model shipped with arxivbot), with its card."""
    path = Path(path) if path is not None else bundled_path(DEFAULT_MODEL)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"{path}: no model file there; {RETRAIN_HINT}") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc}); {RETRAIN_HINT}") from exc
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"{path}: not valid JSON, the file is corrupt or truncated ({exc}); {RETRAIN_HINT}"
        ) from exc
    model = model_from_dict(body, str(path))
    model.card = load_card(path)
    return model


def load_card(model_path: Path) -> ModelCard:
    """The card beside ``model_path``; empty when there is none (it is documentation only)."""
    try:
        data = json.loads(card_path(model_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ModelCard()
    return ModelCard.from_dict(data)


def save_model(model: RelevanceModel, path: Path, card: ModelCard | None = None) -> None:
    """Write the model and its card (``card``, else the model's own) atomically; the card is
    stamped with the model's identity, versions and settings and becomes ``model.card``."""
    path = Path(path)
    text, digest = model_to_text(model)
    full_card = (card if card is not None else model.card).but(
        model_file=path.name,
        model_version=digest[: canonical.VERSION_DIGITS],
        model_sha256=digest,
        format=FORMAT,
        format_version=FORMAT_VERSION,
        library_versions=library_versions(),
        hyperparameters=model.params.to_dict(),
        threshold=model.threshold,
    )
    _write_atomic(path, text)
    _write_card(path, full_card)
    model.card = full_card


def update_card(model_path: Path, **changes: Any) -> ModelCard:
    """Set ``changes`` (card fields, e.g. the backtest figures) in the card of ``model_path``."""
    card = load_card(Path(model_path)).but(**changes)
    _write_card(Path(model_path), card)
    return card


def _write_card(model_path: Path, card: ModelCard) -> None:
    text = json.dumps(card.to_dict(), indent=2, sort_keys=True) + "\n"
    _write_atomic(card_path(model_path), text)


def write_file(path: Path, data: bytes) -> None:
    """Write a report or a plot atomically (the eval command's output)."""
    write_atomic(path, data)


def _write_atomic(path: Path, text: str) -> None:
    """Write to a temp file in the same folder, then rename: readers never see half a file."""
    write_atomic(path, text)

"""Saving and loading the model: exact round trip, atomic writes, and refusing bad files."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from arxivbot.errors import ModelError
from arxivbot.model import store
from arxivbot.model.classifier import ListEntry, RelevanceModel, train
from arxivbot.model.store import card_path, content_digest, load_model, save_model
from arxivbot.records import Paper

RL_MM = "GRPO rewards train a vision-language model to reason about images; zorbnet rewards."


def _papers() -> tuple[list[Paper], list[Paper]]:
    pos = [Paper(id=f"2504.{i:05d}", title=f"Reinforcing visual reasoning {i}", abstract=RL_MM,
                 date="2025-04-01") for i in range(6)]
    neg = [Paper(id=f"2504.{100 + i:05d}", title=f"Protein folding study {i}",
                 abstract="Graph networks fold proteins; translation of legal text.",
                 date="2025-04-0" + str(1 + i % 3)) for i in range(40)]
    return pos, neg


@pytest.fixture(scope="module")
def trained() -> RelevanceModel:
    pos, neg = _papers()
    return train(pos, neg, entries=[ListEntry(p.id, f"N{p.id}", "Papers", "list.md")
                                    for p in pos])


@pytest.fixture
def saved(tmp_path: Path, trained: RelevanceModel) -> Path:
    path = tmp_path / "models" / "m.json"
    save_model(trained, path, trained.card.but(extra={"note": "test"}))
    return path


def test_loaded_model_scores_exactly_like_the_trained_one(
    saved: Path, trained: RelevanceModel
) -> None:
    """Scores, selections, terms and neighbours are identical after a round trip."""
    pos, neg = _papers()
    papers = [*pos[:2], *neg[:5]]

    loaded = load_model(saved)

    assert loaded.score(papers, max_per_day=3) == trained.score(papers, max_per_day=3)
    assert loaded.entries == trained.entries
    assert (loaded.vectorize([RL_MM]) != trained.vectorize([RL_MM])).nnz == 0


def test_version_is_the_digest_of_the_file(saved: Path, trained: RelevanceModel) -> None:
    """model.version is the first 12 hex digits of the sha256 the file carries."""
    body = json.loads(saved.read_text(encoding="utf-8"))

    loaded = load_model(saved)

    assert loaded.version == trained.version == body["digest"][:12]
    assert len(loaded.version) == 12


def test_card_sits_beside_the_model_with_what_it_must_say(saved: Path) -> None:
    """The card records counts, versions, hyperparameters, threshold and extra fields."""
    card = json.loads(card_path(saved).read_text(encoding="utf-8"))

    assert card_path(saved).name == "m.card.json"
    assert card["note"] == "test"
    assert card["counts"] == {"positives": 6, "negatives": 40, "hard_negatives": 0}
    assert {"scikit-learn", "numpy", "python"} <= set(card["library_versions"])
    assert card["hyperparameters"]["c"] > 0
    assert card["threshold"] == load_model(saved).threshold
    assert load_model(saved).card.to_dict() == card


def test_file_is_diffable_json_one_term_per_line(saved: Path) -> None:
    """Sorted keys, and each vocabulary term on its own line."""
    text = saved.read_text(encoding="utf-8")
    body = json.loads(text)

    assert list(body) == sorted(body)
    assert body["format"] == store.FORMAT
    assert text.count("\n") > len(body["terms"])
    assert f'    ["zorbnet", {body["terms"][[t[0] for t in body["terms"]].index("zorbnet")][1]}' \
        in text


def test_save_is_atomic_and_leaves_no_temp_files(saved: Path) -> None:
    """Only the model and its card are in the folder after saving."""
    assert sorted(p.name for p in saved.parent.iterdir()) == ["m.card.json", "m.json"]


def test_update_card_merges_backtest_figures(saved: Path) -> None:
    """update_card adds to the card and keeps what was there."""
    store.update_card(saved, backtest={"average_precision": 0.5})

    loaded = load_model(saved)

    assert loaded.card.extra["note"] == "test"
    assert loaded.backtest_ap == 0.5


def _edit(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)
    path.write_text(json.dumps(body), encoding="utf-8")


def test_a_model_saved_under_another_scikit_learn_still_loads(saved: Path) -> None:
    """Scoring never calls scikit-learn, so a newer install must not orphan the shipped model."""
    before = load_model(saved)

    def other_version(body: dict) -> None:  # type: ignore[type-arg]
        body["sklearn_version"] = "1.99"
        body.pop("digest")
        body["digest"] = content_digest(body)

    _edit(saved, other_version)

    assert load_model(saved).threshold == before.threshold


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]), "corrupt or truncated"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "corrupt or truncated"),
        (lambda p: p.write_text('{"hello": "world"}'), "not an arxivbot relevance model"),
        (lambda p: p.write_text("[1, 2, 3]"), "not an arxivbot relevance model"),
        (lambda p: _edit(p, lambda b: b.update(format_version=99)), "format version 99"),
        (lambda p: _edit(p, lambda b: b["terms"][0].__setitem__(2, 9.5)), "digest"),
        (lambda p: _edit(p, lambda b: b.update(threshold=0.0)), "digest"),
        (lambda p: _edit(p, lambda b: b.pop("digest")), "digest"),
    ],
    ids=["truncated", "binary", "foreign-object", "foreign-array", "format-version",
         "tampered-weight", "tampered-threshold", "no-digest"],
)
def test_bad_files_are_refused_with_a_way_out(saved: Path, damage: callable, message: str) -> None:  # type: ignore[valid-type]
    """Each kind of bad file gives ModelError naming the problem and how to retrain."""
    damage(saved)

    with pytest.raises(ModelError, match=message) as caught:
        load_model(saved)

    assert "arxivbot train" in str(caught.value)


def test_malformed_but_signed_content_is_refused(saved: Path) -> None:
    """A body with the right digest but a broken structure still gives ModelError."""
    body = json.loads(saved.read_text(encoding="utf-8"))
    body["terms"] = [["b", 1.0, 0.5], ["a", 1.0, 0.5]]  # not sorted
    body["digest"] = store.content_digest(body)
    saved.write_text(store.render(body), encoding="utf-8")

    with pytest.raises(ModelError, match="malformed model"):
        load_model(saved)


class _Planted:
    """Unpickling this would create a file: proof that the loader never unpickles."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.target), "w"))


def test_a_pickle_is_refused_and_never_run(tmp_path: Path) -> None:
    """A pickle (or joblib) file is not JSON: refused, and its payload never runs."""
    sentinel = tmp_path / "pwned"
    path = tmp_path / "model.json"
    path.write_bytes(pickle.dumps(_Planted(sentinel)))

    with pytest.raises(ModelError, match="corrupt or truncated"):
        load_model(path)

    assert not sentinel.exists()


def test_a_missing_model_says_how_to_make_one(tmp_path: Path) -> None:
    """No file: ModelError with the train command."""
    with pytest.raises(ModelError, match=r"no model file there; retrain with `arxivbot train"):
        load_model(tmp_path / "absent.json")


def test_the_shipped_model_loads_and_scores() -> None:
    """load_model() with no path gives the model in models/ and it scores papers."""
    model = load_model()

    (scored,) = model.score([Paper(id="2505.00001", title="GRPO for vision-language models",
                                   abstract=RL_MM, date="2025-05-01")])

    assert 0.0 <= scored.score <= 1.0
    assert model.card.training_data.positives > 0
    assert len(model.version) == 12


def _recipe_model() -> RelevanceModel:
    from arxivbot.model.classifier import ModelParams

    pos, neg = _papers()
    params = ModelParams(title_weight=3, facets=(("grpo", "rewards"), ("vision-language",)),
                         facet_value=1.0, lsa_dims=4, lsa_terms=50, min_df=1)
    return train(pos, neg, params=params)


def test_low_rank_and_facets_round_trip_as_data(tmp_path: Path) -> None:
    """The fitted SVD and the facet weights are stored as numbers and score identically."""
    model = _recipe_model()
    path = tmp_path / "m.json"
    save_model(model, path)
    pos, neg = _papers()

    loaded = load_model(path)

    assert model.low_rank is not None
    assert len(model.facet_coef) == 3
    assert loaded.score([*pos[:2], *neg[:3]]) == model.score([*pos[:2], *neg[:3]])
    body = json.loads(path.read_text(encoding="utf-8"))
    assert len(body["low_rank_components"]) == len(model.low_rank.columns)
    assert b"pickle" not in path.read_bytes()


def test_version_is_a_pure_function_of_content(tmp_path: Path) -> None:
    """Training twice on the same data gives the same version before and after saving,
    whatever the cards say; a loaded model's version is its content's, recomputed."""
    first, second = _recipe_model(), _recipe_model()
    unsaved = first.version
    save_model(first, tmp_path / "a.json")
    save_model(second, tmp_path / "b.json", second.card.but(extra={"other": "card"}))
    loaded = load_model(tmp_path / "a.json")

    assert first.version == second.version == unsaved
    assert store.model_to_text(first)[1][:12] == first.version
    assert content_digest(loaded.content()) == loaded.digest == first.digest


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["params"].update(token_pattern=".*"), "token_pattern"),
        (lambda b: b["params"].update(ngram_max=50), "ngram_max"),
        (lambda b: b["params"].update(c="4"), "parameter c must be float"),
        (lambda b: b["params"].update(recall_target=7.0), "recall_target"),
        (lambda b: b["params"].update(facets="rl"), "facets"),
        (lambda b: b["params"].update(surprise=1), "unknown model parameters"),
        (lambda b: b.update(threshold=2.0), "threshold"),
        (lambda b: b["terms"][0].__setitem__(1, -1.0), "idf"),
        (lambda b: b["low_rank"].update(scale=[0.0, 0.0]), "spread"),
        (lambda b: b["low_rank_components"][0].append(1.0), "dimensions"),
        (lambda b: b["low_rank_components"][0].__setitem__(0, 10**6), "vocabulary columns"),
        (lambda b: b.update(facet_coef=[1.0]), "facet_coef"),
    ],
    ids=["pattern", "ngram", "type", "bound", "facets", "unknown", "threshold", "idf",
         "scale", "dims", "column", "facet-coef"],
)
def test_every_field_is_checked_at_load(tmp_path: Path, change: callable, message: str) -> None:  # type: ignore[valid-type]
    """A signed file with a bad field gives ModelError naming the field."""
    path = tmp_path / "m.json"
    save_model(_recipe_model(), path)
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)
    body["digest"] = store.content_digest(body)
    path.write_text(store.render(body), encoding="utf-8")

    with pytest.raises(ModelError, match=message):
        load_model(path)


def test_an_older_file_without_a_current_parameter_is_named_by_its_content(
    tmp_path: Path,
) -> None:
    """A file written before a parameter existed loads with the default, and its version is
    the digest of the content it now has, not the digest its file carries."""
    path = tmp_path / "old.json"
    save_model(_recipe_model(), path)
    body = json.loads(path.read_text(encoding="utf-8"))
    del body["params"]["budget_days"]
    body["digest"] = store.content_digest(body)
    path.write_text(store.render(body), encoding="utf-8")

    loaded = load_model(path)

    assert loaded.digest != body["digest"]
    assert loaded.digest == content_digest(loaded.content())


def _nudged(model: RelevanceModel, relative: float) -> RelevanceModel:
    """``model`` with every weight and the intercept moved by ``relative`` (float noise of
    another machine's BLAS is ~1e-12..1e-11)."""
    import dataclasses

    return dataclasses.replace(model, coef=model.coef * (1.0 + relative),
                               intercept=model.intercept * (1.0 + relative), _digest=None)


def test_float_noise_keeps_the_version_and_the_file_bytes(tmp_path: Path) -> None:
    """Two models whose weights differ by 1e-10 relative are one model: same version, same
    file bytes (the file holds 6 significant digits per term, 8 for the rest)."""
    model = _recipe_model()
    noisy = _nudged(model, 1e-10)
    save_model(model, tmp_path / "a.json")
    save_model(noisy, tmp_path / "b.json")

    assert not np.array_equal(noisy.coef, model.coef)
    assert noisy.version == model.version
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert load_model(tmp_path / "b.json").version == model.version
    assert _nudged(model, 1e-4).version != model.version  # a real change still renames it


def test_the_file_holds_its_numbers_cut_and_a_trained_model_is_what_it_holds(
    tmp_path: Path,
) -> None:
    """Every weight has at most 6 significant digits, the scalars at most 8, and a trained
    model already holds exactly those numbers (so it scores like its reloaded file)."""
    model = _recipe_model()
    save_model(model, tmp_path / "m.json")
    body = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))

    assert body["format_version"] == 3
    assert all(float(f"{w:.6g}") == w for _, _, w in body["terms"])
    assert float(f"{body['intercept']:.8g}") == body["intercept"]
    assert [w for _, _, w in body["terms"]] == [float(w) for w in model.coef]


def test_a_version_2_file_written_in_full_precision_still_loads(saved: Path) -> None:
    """A file of the previous format (numbers in full, digest over them as written) loads and
    scores with its numbers as written; a current file edited below its precision does not."""
    current = json.loads(saved.read_text(encoding="utf-8"))
    old = json.loads(saved.read_text(encoding="utf-8"))
    old["terms"][0][2] = old["terms"][0][2] * (1.0 + 1e-10) + 1e-13
    old["format_version"] = 2
    old["digest"] = content_digest(old, exact=True)
    saved.write_text(store.render(old, exact=True), encoding="utf-8")

    assert load_model(saved).coef[0] == old["terms"][0][2]

    current["terms"][0][2] = old["terms"][0][2]  # edited below the precision, not re-signed
    assert content_digest(current) == current["digest"]
    saved.write_text(store.render(current, exact=True), encoding="utf-8")
    with pytest.raises(ModelError, match="digest"):
        load_model(saved)

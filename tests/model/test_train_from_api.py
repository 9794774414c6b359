"""Training for any list from arXiv alone: ``train`` without ``--listings`` fetches its
negatives through the real ``arxiv`` package from a local API (request count, spacing,
cache, resume), and a list's first ``run`` trains its own model and says so."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest
from tests.arxiv_server import ArxivServer, Reply, Seen, serving

from arxivbot.cli import main
from arxivbot.model.store import card_path, load_model

MODEL_FIXTURES = Path(__file__).parents[1] / "fixtures" / "model"
API_PATH = "/api/query"
DELAY = 0.2
HEADER = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
  xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/test</id>
  <title>arXiv Query</title>
  <updated>2025-04-11T00:00:00Z</updated>
  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
"""
ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>{title}</title>
    <updated>{day}T10:00:00Z</updated>
    <link href="https://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <summary>{abstract}</summary>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <published>{day}T10:00:00Z</published>
    <arxiv:primary_category term="cs.CV"/>
    <author><name>Ada Author</name></author>
  </entry>
"""
_RANGE = re.compile(r"submittedDate:\[(\d{4})(\d\d)(\d\d)0000 TO \d{8}2359\]")
OFF_TOPIC = (
    "Graph networks for protein folding", "Legal text translation with transformers",
    "Speech recognition for low-resource languages", "Point cloud registration outdoors",
    "Topic models of news archives", "Medical image segmentation with U-Nets",
)


class FakeApi:
    """Answers the day searches (six off-topic papers a day) and the id look-ups (an
    on-topic abstract for each list paper); ``fail_from`` makes day searches answer 503 from
    that many day requests on."""

    def __init__(self) -> None:
        self.fail_from: int | None = None
        self.day_requests: list[Seen] = []

    def __call__(self, seen: Seen) -> Reply:
        query = seen.query.get("search_query", [""])[0]
        if seen.query.get("id_list", [""])[0]:
            ids = seen.query["id_list"][0].split(",")
            entries = [self._entry(i, "2025-04-01", f"Reinforcing visual reasoning {i}",
                                   "GRPO rewards train a vision-language model to reason.")
                       for i in ids]
            return self._feed(entries, 0, len(ids))
        match = _RANGE.search(query)
        assert match, query
        self.day_requests.append(seen)
        if self.fail_from is not None and len(self.day_requests) > self.fail_from:
            return Reply(status=503, body=b"down")
        day = f"{match[1]}-{match[2]}-{match[3]}"
        entries = [self._entry(f"2504.{int(match[3]) * 100 + n:05d}", day,
                               f"{title} ({day})", f"We study {title.lower()}.")
                   for n, title in enumerate(OFF_TOPIC)]
        start = int(seen.query["start"][0])
        return self._feed(entries[start:], start, len(entries))

    @staticmethod
    def _entry(paper_id: str, day: str, title: str, abstract: str) -> str:
        return ENTRY.format(id=paper_id, day=day, title=title, abstract=abstract)

    @staticmethod
    def _feed(entries: list[str], start: int, total: int) -> Reply:
        head = HEADER.format(size=len(entries), total=total, start=start)
        return Reply(body=(head + "".join(entries) + "</feed>\n").encode())


def write_config(folder: Path, server: ArxivServer, **model: str) -> Path:
    lines = [
        "arxiv:",
        f"  api_url: {json.dumps(server.url(API_PATH))}",
        f"  delay_seconds: {DELAY}",
        "  retries: 0",
        "  backoff_seconds: 0.05",
        "  timeout_seconds: 5",
        f"  cache_dir: {json.dumps(str(folder / 'cache'))}",
    ]
    if model:
        lines += ["model:", *(f"  {key}: {json.dumps(value)}" for key, value in model.items())]
    path = folder / "arxivbot.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def train_args(config: Path, out: Path) -> list[str]:
    return ["train", "--list", str(MODEL_FIXTURES / "list.md"), "--until", "2025-04-10",
            "--api-days", "4", "--config", str(config), "--out", str(out)]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_train_without_listings_fetches_negatives_politely_and_caches_them(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One request per day of the range, at least delay_seconds apart; the card says where
    the negatives came from; a second training asks the API nothing (the cache answers)."""
    api = FakeApi()
    with serving() as server:
        server.script(API_PATH, api)
        config = write_config(here, server)
        code, out, err = run(train_args(config, here / "m.json"), capsys)
        assert code == 0, err
        first_run = list(server.seen)
        code, again, err = run(train_args(config, here / "m2.json"), capsys)
        assert code == 0, err
        assert server.seen == first_run

    days = [_RANGE.search(s.query["search_query"][0]) for s in api.day_requests]
    assert [f"{m[2]}-{m[3]}" for m in days if m] == ["04-07", "04-08", "04-09", "04-10"]
    assert len(first_run) == 5  # four days, one page each, and one batch of id look-ups
    gaps = [b.at - a.at for a, b in itertools.pairwise(first_run)]
    assert min(gaps) >= DELAY * 0.95
    assert "24 negatives from the arXiv API (2025-04-07 … 2025-04-10, 4 requests)" in out
    assert "2025-04-10, 0 requests)" in again
    card = json.loads(card_path(here / "m.json").read_text(encoding="utf-8"))
    assert card["api_negatives"] == {"first_day": "2025-04-07", "last_day": "2025-04-10",
                                     "papers": 24, "requests": 4}
    assert card["listings"] == []
    assert card["training_data"]["positives_with_abstract"] == 10
    model = load_model(here / "m.json")
    on_topic, off_topic = model.score([*_papers("GRPO rewards vision-language reasoning"),
                                       *_papers("Protein folding with graph networks")])
    assert on_topic.score > off_topic.score


def test_a_failed_fetch_resumes_where_it_stopped(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """arXiv failing on the third day: a clear error, no model; the rerun asks only for the
    days not yet cached."""
    api = FakeApi()
    api.fail_from = 2
    with serving() as server:
        server.script(API_PATH, api)
        config = write_config(here, server)
        code, out, err = run(train_args(config, here / "m.json"), capsys)
        assert code == 4, out + err
        assert "Error:" in err
        assert "Traceback" not in err
        assert not (here / "m.json").exists()
        api.fail_from = None
        api.day_requests.clear()
        code, out, err = run(train_args(config, here / "m.json"), capsys)
    assert code == 0, err
    days = [_RANGE.search(s.query["search_query"][0]) for s in api.day_requests]
    assert [f"{m[2]}-{m[3]}" for m in days if m] == ["04-09", "04-10"]
    assert "(2025-04-07 … 2025-04-10, 2 requests)" in out


def test_no_api_without_listings_is_a_clear_error(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without listings the negatives can only come from arXiv: --no-api says so."""
    code, _, err = run(["train", "--list", str(MODEL_FIXTURES / "list.md"), "--no-api",
                        "--out", str(here / "m.json")], capsys)
    assert code == 2
    assert "--no-api needs --listings" in err


def test_first_run_on_a_list_without_a_model_trains_one_and_says_so(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """model.path naming a file not there yet: the run trains the list's own model on the
    days before the one it proposes from, saves it there, says so in its output and its job
    summary, proposes with it; the next run just loads it."""
    repo = here / "list-repo"
    repo.mkdir()
    (repo / "README.md").write_text((MODEL_FIXTURES / "list.md").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "README.md"],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "list"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    summary = here / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    with serving() as server:
        server.script(API_PATH, FakeApi())
        config = write_config(here, server, path=str(here / "models" / "list.json"))
        argv = ["run", "--config", str(config), "--repo-dir", str(repo), "--publisher",
                "local", "--listings", str(MODEL_FIXTURES / "days" / "2025-04-04.jsonl"),
                "--dry-run"]
        code, out, err = run(argv, capsys)
        assert code == 0, out + err
        assert "no model for this list yet: trained" in out
        assert (here / "models" / "list.json").is_file()
        card = json.loads(card_path(here / "models" / "list.json").read_text())
        assert card["lists"][-1].endswith("list-repo/README.md")
        assert card["training_data"]["listing_days"]["last"] < "2025-04-04"
        assert "model trained" in summary.read_text(encoding="utf-8")
        code, out, err = run(argv, capsys)
    assert code == 0, out + err
    assert "no model for this list yet" not in out


def _papers(*texts: str) -> list:  # type: ignore[type-arg]
    from arxivbot.records import Paper

    return [Paper(id=f"2505.{i:05d}", title=text, abstract=text, date="2025-05-01")
            for i, text in enumerate(texts)]

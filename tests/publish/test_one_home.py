"""Rules kept once: the atomic write, GitHub's body limit, the publisher names."""

from __future__ import annotations

import re
from pathlib import Path

from arxivbot.config import PUBLISHERS, PublishSettings
from arxivbot.files import write_atomic

SRC = Path(__file__).parents[2] / "src" / "arxivbot"


def _modules_matching(pattern: str) -> list[str]:
    return sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                  if re.search(pattern, p.read_text(encoding="utf-8")))


def test_one_atomic_write() -> None:
    """Only arxivbot/files.py makes temporary files to rename over a target."""
    assert _modules_matching(r"mkstemp|NamedTemporaryFile") == ["files.py"]


def test_one_body_limit() -> None:
    """GitHub's 65,536-character body limit is written down once, in records.py."""
    assert _modules_matching(r"\b65_536\b|65,536 char") == ["records.py"]


def test_one_list_of_publishers() -> None:
    """The publisher names come from one Literal, and the default is one of them."""
    assert PUBLISHERS == ("local", "github")
    assert PublishSettings().publisher in PUBLISHERS


def test_an_atomic_write_replaces_the_whole_file(tmp_path: Path) -> None:
    """write_atomic leaves the new bytes, readable by all, and no temporary file behind."""
    target = tmp_path / "deep" / "file.md"
    write_atomic(target, "old\n")

    write_atomic(target, b"new\n")

    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["file.md"]

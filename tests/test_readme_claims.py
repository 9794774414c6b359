"""What the README and the shipped files claim is true: named files exist, nothing leaks a
machine's layout, the Reproduce block leaves the tracked model alone, extras fail early."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from arxivbot.commands.common import portable_path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A path the README names: folders and a file with an extension, not part of a URL or $VAR/.
_PATH = re.compile(
    r"(?<![\w./$-])((?:\.?[\w-]+/)*[\w.-]+\.(?:md|py|json|jsonl|yaml|yml|j2|txt|png|toml))"
    r"(?![\w/])"
)
# Named, but living elsewhere by design: in the list's own repository, or written by a run.
ELSEWHERE = {
    ".git/arxivbot/arxivbot-2025-05-30.md",  # written by the local publisher
    ".github/arxivbot.yaml",  # a list repository's optional config
    ".github/workflows/arxivbot.yml",  # the workflow a list repository adds
    "models/decisions.jsonl",  # written by `arxivbot feedback`
    "models/my-list.json",  # an example output name
    "models/arxivbot.json",  # a list's own model, trained in its repository by the action
}
_PROJECT_DIRS = ("docs/", "config/", "models/", "benchmarks/", "src/", "tests/", ".github/",
                 ".ci/", "build/")


def named_project_files() -> set[str]:
    names = set(_PATH.findall(README))
    return {n for n in names if n.startswith(_PROJECT_DIRS) or n.isupper() or n == "CHANGELOG.md"}


def test_every_file_the_readme_names_exists() -> None:
    """Every project file the README names exists."""
    named = named_project_files() - ELSEWHERE
    assert "docs/backtest.md" in named  # the pattern does find them
    missing = sorted(n for n in named if not n.startswith("build/") and not (ROOT / n).exists())
    assert not missing, missing


def test_the_readme_names_no_entry_template_that_is_not_shipped() -> None:
    """The README names config/entry.j2 only if it ships."""
    assert "config/entry.j2" not in README or (ROOT / "config/entry.j2").is_file()


def test_the_reproduce_block_does_not_overwrite_the_tracked_model() -> None:
    """The Reproduce block writes only untracked paths, never the shipped model."""
    block = README.split("Reproduce", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    written = re.findall(r"--(?:out|report|card)\s+(\S+)", block)
    assert written, block
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [path for path in written if path in tracked]


ABSOLUTE = re.compile(r"""(?:^|[\s"'=(\[,])(/(?:home|Users|work|tmp|root|mnt|opt|var|srv|data)/"""
                      r"""|[A-Za-z]:\\\\)""")


@pytest.mark.parametrize("folder", ["models", "config"])
def test_no_shipped_file_holds_an_absolute_path(folder: str) -> None:
    """No shipped file under models/ or config/ holds an absolute path of the machine that
    made it."""
    files = [p for p in (ROOT / folder).rglob("*") if p.is_file()]
    assert files
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.relative_to(ROOT)}: {m.group(1)}" for m in ABSOLUTE.finditer(text)]
        if path.suffix == ".json":
            leaks += [f"{path.relative_to(ROOT)}: {v}" for v in _strings(json.loads(text))
                      if v.startswith("/")]
    assert not leaks, leaks


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_cards_record_paths_relative_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Model cards record paths relative to the checkout, ../ included, never absolute."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lists").mkdir()
    assert portable_path(tmp_path / "lists" / "a.md") == "lists/a.md"
    assert portable_path(tmp_path.parent / "shared" / "x.jsonl") == "../shared/x.jsonl"
    assert not portable_path(Path("/etc/hosts")).startswith("/")


def test_a_missing_extra_is_one_line_before_any_work(tmp_path: Path) -> None:
    """eval without the [eval] extra: one line naming it before the work (the report is
    still written, without plots), never a traceback."""
    blocked = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from arxivbot.cli import main\n"
        "main(['eval', '--list', 'nowhere.md', '--listings', 'nowhere', '--cutoff', '2025-04-01'])"
    )
    done = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True,
                          cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == (
        "note: matplotlib is not installed, so the report has no plots: "
        "pip install 'arxivbot[eval]' to draw them"
    )


@pytest.mark.parametrize("command", [
    ["fetch", "--from", str(ROOT / "tests" / "fixtures" / "arxiv" / "2025-05-20.jsonl")],
    ["catalog", "--json"],
    ["score", "--papers", str(ROOT / "tests" / "fixtures" / "arxiv" / "2025-05-20.jsonl")],
    ["run", "--demo", "--offline", "--json"],
    ["train", "--list", str(ROOT / "tests/fixtures/model/list.md"), "--listings",
     str(ROOT / "tests/fixtures/model/days"), "--no-api", "--out", "m.json", "--json"],
])
def test_a_closed_pipe_exits_quietly_with_one_code(command: list[str], tmp_path: Path) -> None:
    """``arxivbot ... | head``: the reader has gone; no traceback, always the same code."""
    child = subprocess.Popen([sys.executable, "-m", "arxivbot", *command], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    child.stdout.close()  # before the command writes anything
    _, err = child.communicate(timeout=60)

    assert child.returncode == 141, err
    # Nothing about the pipe: no traceback, no error (progress lines may go on in stderr).
    assert b"Traceback" not in err
    assert b"Error" not in err
    assert b"Broken pipe" not in err


def test_every_command_of_the_help_is_in_the_readme() -> None:
    """Each command ``arxivbot --help`` lists is documented in the README by its full name."""
    from click.testing import CliRunner

    from arxivbot.cli import cli

    shown = CliRunner().invoke(cli, ["--help"]).output
    listed = shown.split("Commands:", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line.strip()]
    assert len(names) >= 10, shown
    missing = [name for name in names if f"`arxivbot {name}" not in README]
    assert not missing, missing


def test_the_readme_names_every_package_of_the_architecture() -> None:
    """The Architecture section has a line for every package of ``src/arxivbot``."""
    section = README.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    packages = sorted(p.parent.name for p in (ROOT / "src" / "arxivbot").glob("*/__init__.py"))
    assert packages
    assert not [p for p in packages if f"| `{p}/` |" not in section]

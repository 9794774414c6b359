"""Templates that cannot escape: list text stays text, user templates stay in the sandbox,
and every template problem is one clear error naming the template, the line and the variable.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arxivbot.catalog.parse import parse_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import EntryStyle, ListStyle, list_style
from arxivbot.errors import CatalogFormatError

FIELDS = EntryFields(
    arxiv_id="2505.09999", title="Nu-R1: Reasoning Anew", date=dt.date(2025, 5, 20),
    name="Nu-R1", code_url="https://github.com/n/nu",
)


def style(**changes: object) -> ListStyle:
    return ListStyle(EntryStyle(badges=(("code", "Code"),), **changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "habit",
    [
        {"badge_close": "{"},  # "{" + "{% elif" would open a tag
        {"badge_open": "}", "badge_close": "{"},
        {"title_wrap": "{{ 7*7 }}"},
        {"badge_open": "{#", "badge_close": "#}"},
        {"gap": " {{ 7*7 }} "},
    ],
)
def test_list_text_in_an_inferred_template_is_literal(habit: dict[str, str]) -> None:
    """List text placed in an inferred template renders as itself, never as template code."""
    line = render_entry(style(**habit), FIELDS)

    assert "49" not in line
    for text in habit.values():
        assert text.strip() in line


def test_jinja_looking_text_in_a_lists_entries_stays_text() -> None:
    """Jinja-looking text in a list's entries stays text in new entries and round trips."""
    text = (
        "# L\n\n## Papers\n\n"
        "* **{{ 7*7 }}** [A: {% raw %}x](https://arxiv.org/abs/2501.00001) {[Code](https://github.com/a/b)}{\n"
        "* **{{ 7*7 }}** [B: {#y](https://arxiv.org/abs/2501.00002) {[Code](https://github.com/a/c)}{\n"
    )
    catalog = parse_catalog(text)

    line = render_entry(list_style(catalog), FIELDS, "Papers")

    assert "49" not in line
    assert "Nu-R1" in line


@settings(max_examples=60, deadline=2000)
@given(st.fixed_dictionaries({
    "badge_open": st.text("{}%#[]() -*", max_size=4),
    "badge_close": st.text("{}%#[]() -*", max_size=4),
    "title_wrap": st.text("{}%#*_", max_size=4),
    "gap": st.text(" {}%#", min_size=1, max_size=3),
}))
def test_any_habit_renders_or_fails_clearly(habit: dict[str, str]) -> None:
    """Fuzz: whatever punctuation a list's habits hold, rendering is text, never code."""
    line = render_entry(style(**habit), FIELDS)
    assert "Nu-R1" in line


def _user(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "entry.j2"
    path.write_text(source, encoding="utf-8")
    return path


SECRET = "s3cr3t-file-content"


@pytest.mark.parametrize(
    "source",
    [
        "{{ lipsum.__globals__['__builtins__']['open'](path).read() }}",
        "{{ cycler.__init__.__globals__.os.environ }}",
        "{{ title.__class__.__mro__[1].__subclasses__() }}",
        "{{ style.__class__.__init__.__globals__ }}",
        "{% include path %}",
        "{% import path as x %}",
        "{% extends path %}",
    ],
)
def test_a_user_template_cannot_read_files_or_reach_python(tmp_path: Path, source: str) -> None:
    """A maintainer's template runs sandboxed: no file includes, no Python internals."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    template = _user(tmp_path, source.replace("path", repr(str(secret))))

    with pytest.raises(CatalogFormatError, match=r"entry\.j2") as caught:
        render_entry(style(), FIELDS, template_override=template)

    assert SECRET not in str(caught.value)


def test_a_user_template_still_renders_the_entry(tmp_path: Path) -> None:
    """A maintainer's template renders the new entry from its fields."""
    template = _user(tmp_path, "* [{{ title }}]({{ paper_url }}){% if code_url %} "
                               "[Code]({{ code_url }}){% endif %}\n")

    line = render_entry(style(), FIELDS, template_override=template)

    assert line == ("* [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999) "
                    "[Code](https://github.com/n/nu)")


def test_a_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    """A template syntax error names the template and its line."""
    template = _user(tmp_path, "* {{ title }}\n{% if %}\n")

    with pytest.raises(CatalogFormatError, match=r"entry\.j2: line 2: template syntax error"):
        render_entry(style(), FIELDS, template_override=template)


def test_an_undefined_variable_names_it_and_the_line(tmp_path: Path) -> None:
    """An undefined template variable is named with its line and the variables allowed."""
    template = _user(tmp_path, "{# a comment #}\n* {{ nmae }} {{ title }}\n")

    with pytest.raises(
        CatalogFormatError, match=r"entry\.j2: line 2: unknown variable 'nmae'; .*title"
    ):
        render_entry(style(), FIELDS, template_override=template)


def test_the_cli_prints_one_error_line_for_a_broken_template(tmp_path: Path) -> None:
    """The CLI prints one error line for a broken template, never a traceback."""
    listing = tmp_path / "list.md"
    listing.write_text("# L\n\n## Papers\n\n* [A: B](https://arxiv.org/abs/2501.00001)\n",
                       encoding="utf-8")
    template = _user(tmp_path, "* {{ title | nosuchfilter }}\n")

    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "catalog", str(listing), "--check-style",
         "--template", str(template)],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 3
    assert done.stderr.startswith("Error: ")
    assert "entry.j2: line 1" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1

"""The one place entry templates are compiled and rendered: sandboxed, no loader, clear errors.

Two kinds of template reach here. The inferred ones are built by ``style.entry_template``
from the list's own habits; any text taken from the list goes in as a jinja string literal
(``literal``), never as template code, so ``{{ 7*7 }}`` in an entry stays those characters.
A maintainer's own template (``list.template``) is code we did not write: it runs in jinja2's
``SandboxedEnvironment`` with no loader (no ``include``/``import``/``extends`` of files), no
globals beyond the entry's fields, and undefined variables are errors. Every template problem
is a ``CatalogFormatError`` naming the template, the line and, when known, the variable.
"""

from __future__ import annotations

import re
import traceback
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from arxivbot.errors import CatalogFormatError

INFERRED = "<inferred entry template>"


class _Environment(ImmutableSandboxedEnvironment):
    def __init__(self, undefined: type[jinja2.Undefined]) -> None:
        super().__init__(autoescape=False, keep_trailing_newline=False, undefined=undefined)
        self.globals.clear()  # no range/lipsum/cycler/joiner/namespace/dict


_INFERRED_ENV = _Environment(jinja2.Undefined)
_USER_ENV = _Environment(jinja2.StrictUndefined)
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


def literal(text: str) -> str:
    """Template source that renders as exactly ``text``, whatever it holds.

    Plain text stays as it is; text with a brace (which could open ``{{``/``{%``/``{#`` on its
    own or with the template code beside it) becomes a quoted jinja string.
    """
    if "{" not in text and "}" not in text:
        return text
    return "{{ " + repr(text) + " }}"


def compile_template(source: str, name: str = INFERRED, *, user: bool = False) -> jinja2.Template:
    """A template from ``source``; ``user`` templates get strict undefined variables."""
    env = _USER_ENV if user else _INFERRED_ENV
    try:
        code = env.compile(source, name=name, filename=name)
    except jinja2.TemplateSyntaxError as exc:
        raise CatalogFormatError(
            f"{name}: line {exc.lineno}: template syntax error: {exc.message}; fix the "
            "template (variables: title, name, date, paper_url, code_url, project_url, ...)"
        ) from None
    return env.template_class.from_code(env, code, env.make_globals(None))


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """``template`` filled with ``context``; any failure is one clear CatalogFormatError."""
    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        name = template.filename or template.name or INFERRED
        line = _template_line(exc, name)
        where = f"{name}: line {line}" if line else name
        message = getattr(exc, "message", None) or str(exc)
        undefined = _UNDEFINED.search(message)
        if undefined:
            known = ", ".join(sorted(k for k in context if not k.startswith("_")))
            raise CatalogFormatError(
                f"{where}: unknown variable '{undefined.group(1)}'; the template may use: "
                f"{known}"
            ) from None
        if isinstance(exc, jinja2.exceptions.SecurityError):
            raise CatalogFormatError(
                f"{where}: the template tried something a template may not ({message}); "
                "use only the entry's fields"
            ) from None
        raise CatalogFormatError(f"{where}: the template failed: {message}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        name = template.filename or template.name or INFERRED
        line = _template_line(exc, name)
        where = f"{name}: line {line}" if line else name
        raise CatalogFormatError(f"{where}: the template failed: {exc}") from None


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line an error was raised at (jinja rewrites frames to template lines)."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == name]
    return lines[-1] if lines else getattr(exc, "lineno", None)

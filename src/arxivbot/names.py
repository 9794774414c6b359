"""The short name a list shows before a paper's title ("R1-VL"): the one rule, for new
entries (``proposal``) and for an entry whose caller gives no name (``catalog``)."""

from __future__ import annotations

import re

from arxivbot.safe_text import collapse_whitespace

_NAME_PREFIX_MAX_WORDS = 4
_NAME_PREFIX_MAX_CHARS = 32
# Tokens that look like a model/method name, best first: letters with digits ("R1-Zero",
# "Qwen2.5-VL"), then inner capitals ("SoTA", "VideoChat"). Field-wide acronyms are no names.
_WITH_DIGITS = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9][\w.\-+]*$")
_INNER_CAPS = re.compile(r"^[A-Za-z][a-z0-9]*[A-Z][\w.\-+]*$")
_GENERIC = {
    "llm", "llms", "mllm", "mllms", "vlm", "vlms", "lvlm", "lvlms", "lmm", "lmms", "rl",
    "grpo", "sft", "cot", "ai", "vqa", "rlhf", "dpo", "ppo", "vla", "vlas", "gui",
}
_STOP = {"a", "an", "the", "of", "for", "and", "on", "in", "to", "with", "via", "by", "from"}


def short_name(title: str, abstract: str = "", code: str | None = None) -> str:
    """The short name an entry shows, the way list maintainers pick it.

    In order: the title's ``Name:`` prefix; else the method or model name the abstract
    introduces ("we propose X", "called X", "named X"); else the name of the code repository
    the paper links (``code``); else a compact form of the title (a name-like title word such
    as "R1-Zero", or its first content words).
    """
    return given_name(title, abstract, code) or _compact(title)


def given_name(title: str, abstract: str = "", code: str | None = None) -> str | None:
    """The name the paper gives itself (``short_name``'s rules without its last resort, the
    title's first content words); None when it gives none, so a list that writes "-" for
    unnamed papers gets "-" rather than words made up from the title."""
    title = collapse_whitespace(title)
    prefix = _title_prefix(title)
    if prefix and _names_something(prefix):
        return prefix
    introduced = introduced_name(abstract)
    if prefix:
        # A descriptive prefix ("Segment Policy Optimization: ..."): lists write the acronym
        # the abstract gives it ("SPO"), else the name the abstract introduces, if any.
        # A prefix the abstract itself uses ("a paradigm called Absolute Zero") is the name.
        text = _plain(abstract)
        used = re.search(rf"\b{re.escape(prefix)}\b", text) is not None
        return _acronym_of(prefix, text) or (prefix if used else introduced) or prefix
    if introduced:
        return introduced
    repository = _repository_name(code)
    if repository:
        return repository
    return _title_token(title)


# "Qwen2.5-VL Technical Report", "gpt-oss Model Card": the name is what comes before.
_REPORT = re.compile(r"\s+(?:technical report|tech report|model card|system card|report)$",
                     re.IGNORECASE)
# A parameter count after a name ("Dream-Coder 7B"): the size of one release, not its name.
_SIZE = re.compile(r"\s+\d+(?:\.\d+)?[BMK]$")


def _title_prefix(title: str) -> str | None:
    """The ``Name`` of a ``Name: subtitle`` title (or of ``Name Technical Report``), if short."""
    head, colon, _ = title.partition(":")
    head = head.strip() if colon else title
    report = _REPORT.search(head)
    if report:
        head = head[: report.start()]
    elif not colon:
        return None
    head = _SIZE.sub("", head).strip()
    words = head.split()
    if not head or len(words) > _NAME_PREFIX_MAX_WORDS or len(head) > _NAME_PREFIX_MAX_CHARS:
        return None
    if report and not colon and (len(words) > 3 or "&" in words or "and" in words):
        return None
    return head


def _names_something(prefix: str) -> bool:
    """A prefix that is a name ("ViGoRL", "Skywork R1V2"), not a descriptive phrase."""
    words = [_clean_token(w) for w in prefix.split()]
    return len(words) == 1 or any(_is_name(w) for w in words)


def _acronym_of(phrase: str, text: str) -> str | None:
    """The acronym ``text`` gives ``phrase``: "Segment Policy Optimization (SPO)" -> "SPO"."""
    match = re.search(re.escape(phrase) + r"\s*\(([^()\s]{2,20})\)", text, re.IGNORECASE)
    if match is None:
        return None
    acronym = _singular(_clean_token(match.group(1)))
    return acronym if _is_name(acronym) else None


def _singular(name: str) -> str:
    """``RRMs`` -> ``RRM``: an acronym in the plural names the same method."""
    return name[:-1] if len(name) >= 3 and name.endswith("s") and name[:-1].isupper() else name


def introduced_name(abstract: str) -> str | None:
    """The method or model name an abstract introduces, if it introduces one by name."""
    text = _plain(abstract)
    for match in _INTRODUCES.finditer(text):
        found = _name_after(text[match.end() : match.end() + _WINDOW])
        if found:
            return found
    for match in _CALLED.finditer(text):
        token = _clean_token(match.group(1))
        if _is_name(token):
            return token
    return None


def _title_token(title: str) -> str | None:
    """A name-like word of the title ("R1-Zero", "VisualPRM"), if it has one."""
    tokens = [w.strip(",.;()[]\"'") for w in title.replace(":", " ").split()]
    tokens = [t for t in tokens if len(t) >= 3 and t.lower() not in _GENERIC]
    for pattern in (_WITH_DIGITS, _INNER_CAPS):
        for token in tokens:
            if pattern.match(token):
                return token
    return None


def _compact(title: str) -> str:
    title = collapse_whitespace(title)
    if token := _title_token(title):
        return token
    words = [w.strip(",.;:()[]\"'") for w in title.split()]
    content = [w for w in words if w and w.lower() not in _STOP]
    return " ".join(content[:3]) or title[:_NAME_PREFIX_MAX_CHARS]


# "we propose", "this paper introduces", "We present": the name follows within a few words.
_INTRODUCES = re.compile(
    r"\b(?:we|this (?:paper|work|report|study)|our (?:paper|work))\s+"
    r"(?:also\s+|further\s+|then\s+)?"
    r"(?:propose|introduce|present|develop|design|build|release|train|offer)s?\b",
    re.IGNORECASE,
)
# "a framework called X", "named X", "dubbed X", "termed X".
_CALLED = re.compile(r"\b(?:called|named|dubbed|termed|coined)\s+[\"'“‘`]*([^\s,;:]+)")
_WINDOW = 160  # characters after the verb where the name must appear
# Words that may stand between the verb and the name ("we present a novel X").
_LEAD_WORDS = {
    "a", "an", "the", "our", "novel", "new", "simple", "first", "general", "unified",
    "efficient", "effective", "lightweight", "scalable", "two", "two-stage", "open-source",
    "fully", "open", "generalist", "family", "of", "here", "also",
}
_TOKEN_EDGE = "\"'“”‘’`()[]{},.;:!?*"
_LATEX_WRAP = re.compile(
    r"\\(?:textbf|textit|emph|texttt|textsc|mathbf|mathrm|text|underline)\s*\{([^{}]*)\}"
)
# A few words (no clause break), then the short form in parentheses or after ", or".
_SHORT_FORM = re.compile(r"^[^,;:()]{1,90}?(?:\s*\(([^()\s]{2,20})\)|,\s+or\s+([^\s,;:()]{2,20}))")


def _plain(text: str) -> str:
    """The abstract without LaTeX wrappers around names (``\\textbf{FAST}`` -> ``FAST``)."""
    text = text or ""
    while True:  # innermost first: \textit{\underline{R}}ecall -> Recall
        unwrapped = _LATEX_WRAP.sub(r"\1", text)
        if unwrapped == text:
            break
        text = unwrapped
    # Math shifts and ties around names: "$\textbf{A}$daptive", "Optimization~(SPRO)".
    return text.replace("\\", "").replace("$", "").replace("~", " ")


def _clean_token(token: str) -> str:
    token = token.strip(_TOKEN_EDGE)
    return token.removesuffix("'s").removesuffix("’s")


def _is_name(token: str) -> bool:
    """A method/model name: starts with a letter and has a second capital or a digit."""
    if not (2 <= len(token) <= _NAME_PREFIX_MAX_CHARS) or not token[0].isalpha():
        return False
    if token.lower() in _GENERIC or token.lower().rstrip("s") in _GENERIC:
        return False
    if not re.fullmatch(r"[\w.\-+]+", token):
        return False
    capitals = sum(1 for c in token if c.isupper())
    return capitals >= 2 or (token[0].isupper() and any(c.isdigit() for c in token))


def _name_after(window: str) -> str | None:
    """The name right after an introducing verb, or the acronym of the phrase that follows."""
    sentence = re.split(r"(?<=[.!?])\s", window, maxsplit=1)[0]
    words = sentence.split()
    for index, word in enumerate(words):
        token = _clean_token(word)
        if token.lower() in _LEAD_WORDS:
            continue
        if index > 0 and not token[:1].isupper() and not _is_name(token):
            break  # "we present the first successful replication": no name here
        rest = " ".join(words[index:])
        # "we propose Collective Monte Carlo Tree Search (CoMCTS)", "a novel PSRL framework
        # (AttnRL)", "Meta Reinforcement Fine-Tuning, or MRT": the short form names it.
        short = _SHORT_FORM.match(rest)
        if short:
            candidate = _singular(_clean_token(short.group(1) or short.group(2)))
            if _is_name(candidate):
                return candidate
        if _is_name(token):
            return token
        # "we propose Tango, a novel framework": a capitalised word set off as an appositive.
        if re.match(r"^[A-Z][a-z]{2,}[A-Za-z-]*, (?:a|an|the)\s", rest):
            return token
        break
    return None


def _repository_name(code: str | None) -> str | None:
    """``R1-AQA`` of ``https://github.com/xiaomi-research/R1-AQA``, when it looks like a name."""
    if not code:
        return None
    name = code.rstrip("/").rsplit("/", 1)[-1]
    if name.lower() in {"code", "paper", "project", "main", "src"} or name.endswith(".github.io"):
        return None
    return name if 2 <= len(name) <= _NAME_PREFIX_MAX_CHARS else None

"""Text normalisation and phrase matching shared by rules and clinical terms.

Phrase syntax (the same for rule terms and red-flag terms, so managers learn it once):
- words are matched whole, case- and accent-insensitively: "appt" never matches "apptitude";
- spaces, hyphens and slashes between words are interchangeable ("x-ray" = "x ray");
- an apostrophe is optional ("can't" also matches "cant");
- a word ending in `*` matches any ending ("resched*" matches "reschedule", "rescheduling");
- a lone `*` between words skips up to three words in the same sentence ("throat * tight"
  matches "throat feels kind of tight").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u00bf": " ",
        "\u00a1": " ",
    }
)
_TOKEN = re.compile(r"\w+")
_ASCII_NON_WORD = str.maketrans(
    {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")}
)
_TERM_SPLIT = re.compile(r"[\s\-/]+")
_WORD_SEP = r"[\s\-/]+"
# A skipped word may not cross a sentence end: "throat * tight" must stay in one sentence.
_GAP = r"(?:[^\w.!?;\n]+\w+){0,3}?[^\w.!?;\n]+"
_QUOTE_START = re.compile(
    r"^(?:-{2,}\s*original message\s*-{2,}|on\b.{0,200}\bwrote:|el\b.{0,200}\bescribio:)\s*$"
)
MIN_ANCHOR = 4
PREFIX_HEAD = 3
MIN_WILDCARD_STEM = 3


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def strip_accents(text: str) -> str:
    """Return `text` with combining accents removed ("médico" -> "medico")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Return `text` casefolded, accents stripped and typographic quotes/dashes made plain."""
    return strip_accents(text.translate(_TYPOGRAPHY).casefold())


def strip_quoted(body: str) -> str:
    """Return the normalised `body` without quoted reply lines ("> ...") and reply chains.

    Categories describe what the patient writes now; a quoted reminder's "call to reschedule"
    must not make a confirmation look like a reschedule. The safety net still reads the
    quoted text (see router.py).
    """
    kept: list[str] = []
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if _QUOTE_START.match(stripped):
            break
        kept.append(line)
    return "\n".join(kept)


def tokens_of(text: str) -> frozenset[str]:
    """Return the set of word tokens (maximal runs of \\w characters) of normalised `text`."""
    if text.isascii():
        # Same tokens as _TOKEN.findall, about twice as fast for the common ASCII message.
        return frozenset(text.translate(_ASCII_NON_WORD).split())
    return frozenset(_TOKEN.findall(text))


@dataclass(frozen=True)
class Phrase:
    """A compiled phrase: its regex plus the whole words that must all occur for a match.

    `anchor` is the longest such word (the rarest, roughly); a phrase without any plain
    word is found through the `prefix` of its first word instead.
    """

    key: str
    pattern: re.Pattern[str]
    required: frozenset[str]
    anchor: str
    prefix: str
    single_token: bool
    single_prefix: bool

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the (start, end) span of every whole-word occurrence in `text`."""
        found: list[tuple[int, int]] = []
        at = 0
        while (match := self.pattern.search(text, at)) is not None:
            start = match.start()
            if start and _is_word_char(text[start - 1]):
                at = start + 1
                continue
            found.append(match.span())
            at = max(match.end(), start + 1)
        return found

    def occurs_in(self, text: str) -> bool:
        """Return whether the phrase occurs in `text` as whole words."""
        at = 0
        while (match := self.pattern.search(text, at)) is not None:
            start = match.start()
            if not start or not _is_word_char(text[start - 1]):
                return True
            at = start + 1
        return False


def phrase_key(term: str) -> str:
    """Return the canonical form of `term`: normalised, words separated by one space."""
    return " ".join(_TERM_SPLIT.split(normalise(term).strip(" -/")))


def _word_pattern(word: str) -> str:
    wildcard = word.endswith("*")
    base = word.rstrip("*")
    escaped = re.escape(base).replace("'", "'?")
    return escaped + (r"\w*" if wildcard else "")


def compile_phrase(term: str) -> Phrase:
    """Return the compiled Phrase for `term`; raise ValueError if the syntax is invalid."""
    key = phrase_key(term)
    words = key.split(" ") if key else []
    if not words or words[0] == "*" or words[-1] == "*":
        raise ValueError(f"term {term!r} must start and end with a word")
    if " * * " in f" {key} ":
        raise ValueError(f"term {term!r} has two `*` gaps in a row")
    first = words[0].rstrip("*")
    first_token = _TOKEN.match(first)
    if first_token is None:
        raise ValueError(f"term {term!r} must start with a letter or digit")
    if any(w != "*" and w.count("*") > (1 if w.endswith("*") else 0) for w in words):
        raise ValueError(f"term {term!r}: `*` may only end a word or stand alone")
    if any(w != "*" and w.endswith("*") and len(w) <= MIN_WILDCARD_STEM for w in words):
        raise ValueError(f"term {term!r}: put at least {MIN_WILDCARD_STEM} letters before `*`")
    parts: list[str] = []
    for word in words:
        if word == "*":
            parts.append(_GAP)
            continue
        if parts and parts[-1] != _GAP:
            parts.append(_WORD_SEP)
        parts.append(_word_pattern(word))
    # No leading (?<!\w): it would stop the regex engine's literal-prefix scan and make
    # every search ~40x slower. The word boundary before the match is checked in `spans`.
    pattern = re.compile("".join(parts) + r"(?!\w)")
    required = frozenset(w for w in words if _TOKEN.fullmatch(w))
    anchor = max(sorted(required), key=len) if required else ""
    prefix = first_token.group() if words[0].endswith("*") or "'" in first else ""
    # Short function words ("to", "my") occur in most messages; a long first-word prefix
    # ("thank*") selects far fewer candidates.
    if len(anchor) >= MIN_ANCHOR or len(prefix) < MIN_ANCHOR:
        prefix = "" if anchor else prefix
    else:
        anchor = ""
    return Phrase(
        key=key,
        pattern=pattern,
        required=required,
        anchor=anchor,
        prefix=prefix,
        single_token=len(words) == 1 and bool(anchor),
        single_prefix=len(words) == 1 and words[0].endswith("*") and "'" not in first,
    )


class PhraseIndex:
    """All phrases of a ruleset, indexed by an anchor word so a message is scanned once.

    Running one regex per phrase per message would cost hundreds of searches; instead the
    message's words select the few phrases that could match, and only those run a regex.
    """

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self.phrases: dict[str, Phrase] = {}
        self._by_anchor: dict[str, list[Phrase]] = {}
        self._by_prefix: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            if phrase.key in self.phrases:
                continue
            self.phrases[phrase.key] = phrase
            if phrase.anchor:
                self._by_anchor.setdefault(phrase.anchor, []).append(phrase)
            else:
                self._by_prefix.setdefault(phrase.prefix, []).append(phrase)
        self._anchors = frozenset(self._by_anchor)
        # Prefixes grouped by their first three letters: one dict lookup per message word.
        self._prefix_heads: dict[str, list[str]] = {}
        for prefix in self._by_prefix:
            self._prefix_heads.setdefault(prefix[:PREFIX_HEAD], []).append(prefix)
        self._head_lengths = sorted({len(head) for head in self._prefix_heads})

    def present(self, text: str, tokens: frozenset[str]) -> frozenset[str]:
        """Return the keys of the phrases that occur in normalised `text` (word set `tokens`)."""
        found: set[str] = set()
        for token in tokens & self._anchors:
            for phrase in self._by_anchor[token]:
                if phrase.single_token or (phrase.required <= tokens and phrase.occurs_in(text)):
                    found.add(phrase.key)
        for prefix in self._prefixes_in(tokens):
            for phrase in self._by_prefix[prefix]:
                if phrase.single_prefix or (phrase.required <= tokens and phrase.occurs_in(text)):
                    found.add(phrase.key)
        return frozenset(found)

    def _prefixes_in(self, tokens: frozenset[str]) -> set[str]:
        heads = self._prefix_heads
        hits: set[str] = set()
        for length in self._head_lengths:
            for token in tokens:
                for prefix in heads.get(token[:length], ()):
                    if token.startswith(prefix):
                        hits.add(prefix)
        return hits

    def spans(self, key: str, text: str) -> list[tuple[int, int]]:
        """Return the (start, end) spans of every occurrence of phrase `key` in `text`."""
        return self.phrases[key].spans(text)

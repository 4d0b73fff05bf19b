"""Load ``lexicon.yaml`` into compiled rules, checking it once so a typo fails loudly at start.

The rules are data so that a reporter can read and extend them; this module only expands the
macros, compiles the expressions and validates the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from sendwatch.vocabulary import STATUSES

DEMOTIONS = ("negation", "hypothetical", "question", "future", "process")
DEFAULT_DEMOTE = ("negation", "hypothetical", "question")


class LexiconError(ValueError):
    """The lexicon file is malformed (names the rule and the problem)."""


@dataclass(frozen=True)
class Rule:
    """One pattern and what a match of it means."""

    id: str
    status: str
    confidence: float
    pattern: re.Pattern[str]
    requires: tuple[str, ...] = ()
    anchor: re.Pattern[str] | None = None
    block: re.Pattern[str] | None = None
    demote: tuple[str, ...] = DEFAULT_DEMOTE
    superseded_if: re.Pattern[str] | None = None
    supersedes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    rules: tuple[Rule, ...]
    modifiers: dict[str, re.Pattern[str]]
    context: dict[str, re.Pattern[str]]
    triggers: tuple[str, ...]

    def worth_reading(self, text: str) -> bool:
        """Whether text may hold evidence or money: a £ sign or one of the trigger words."""
        if "£" in text:
            return True
        lowered = text.lower()
        return any(word in lowered for word in self.triggers)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read and compile a lexicon file (the bundled one by default)."""
    if path is None:
        text = resources.files("extractors").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader that rejects duplicate keys)
    macros = {name: value.strip() for name, value in (data.get("macros") or {}).items()}

    def compile_(source: str | None, where: str) -> re.Pattern[str] | None:
        if source is None:
            return None
        expanded = _expand(source.strip(), macros)
        try:
            return re.compile(expanded, re.IGNORECASE)
        except re.error as error:
            raise LexiconError(f"{where}: invalid pattern ({error})") from error

    modifiers = {name: compile_(value, f"modifier {name}") for name, value in data["modifiers"].items()}
    context = {name: compile_(value, f"context {name}") for name, value in data["context"].items()}
    rules = []
    seen: set[str] = set()
    for raw in data["rules"]:
        rule_id = raw.get("id") or "?"
        if rule_id in seen:
            raise LexiconError(f"rule {rule_id}: duplicate id")
        seen.add(rule_id)
        if raw.get("status") not in STATUSES:
            raise LexiconError(f"rule {rule_id}: unknown status {raw.get('status')!r}")
        demote = tuple(raw.get("demote", DEFAULT_DEMOTE))
        unknown = [name for name in (*demote, *raw.get("requires", ())) if name not in DEMOTIONS and name not in context]
        if unknown:
            raise LexiconError(f"rule {rule_id}: unknown modifier or context {unknown}")
        rules.append(
            Rule(
                id=rule_id,
                status=raw["status"],
                confidence=float(raw["confidence"]),
                pattern=compile_(raw["pattern"], f"rule {rule_id} pattern"),
                requires=tuple(raw.get("requires", ())),
                anchor=compile_(raw.get("anchor"), f"rule {rule_id} anchor"),
                block=compile_(raw.get("block"), f"rule {rule_id} block"),
                demote=demote,
                superseded_if=compile_(raw.get("superseded_if"), f"rule {rule_id} superseded_if"),
                supersedes=tuple(raw.get("supersedes", ())),
                needs=tuple(str(word).lower() for word in raw.get("needs", ())),
                examples=tuple(raw.get("examples", ())),
                counter_examples=tuple(raw.get("counter_examples", ())),
            )
        )
    triggers = tuple(str(word).lower() for word in data["triggers"])
    return Lexicon(tuple(rules), modifiers, context, triggers)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, compiled once per process."""
    return load_lexicon()


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (a rule silently half-overwritten)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise LexiconError(f"line {key_node.start_mark.line + 1}: key {key!r} given twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expand(source: str, macros: dict[str, str]) -> str:
    """Replace ``{name}`` with its macro; leave regex quantifiers like ``{0,4}`` alone."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: macros.get(m.group(1), m.group(0)), source)

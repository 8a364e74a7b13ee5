"""Loading of the event-coding data files (once per process) and token matching keys.

Data (all under ``khabar/data/lexicons/``):

- ``events_lexicon.json`` — built by :func:`khabar.events.build_lexicon.build` (hand rows + cleaned
  UniversalPetrarch patterns + CAMEO→PLOVER map). When it is missing the hand rows are read from
  ``events_triggers.tsv`` directly (no UniversalPetrarch patterns).
- ``events_modality.tsv`` — negation / request / future / conditional cues with their scope in tokens.
- ``events_roles.tsv`` — role prepositions (target, partner, location, agent).
- ``events_agents.tsv`` — agent nouns (قوات → MIL, شرطة → COP, متظاهرين → OPP …).
- ``events_demonyms.tsv`` — nationality words the KB's demonyms lack (broken plurals such as أفغان, "foreign"
  أجانب → INT), used by the coder only after the KB.
- ``events_filters.tsv`` — context filters (time homographs, topic frames, accidents, reporters, topic nouns,
  dual anaphors, light verbs, SVO particles): ``kind -> {normalised form tuple}``.
"""
from __future__ import annotations

import functools
import re
import json
from dataclasses import dataclass, field
from typing import Any

from khabar.paths import LEXICONS
from khabar.text.normalize import normalize, strip_clitics

# inflection suffixes removed when matching (normalised forms: ة → ه)
# (no nisba suffixes ي/يه/يين …: they turn event nouns into adjectives, اجتماع → اجتماعي "social")
SUFFIXES = ("", "ت", "وا", "ون", "ين", "ا", "ن", "ه", "ها", "هم", "هما", "ات", "ان", "تا", "تم", "نا", "ته",
            "تها", "اه")
_VERB_PREFIX = set("يتنا")


@dataclass
class TrigEntry:
    """One trigger form: ``words`` (normalised), ``gaps`` (per word boundary: max tokens skipped), and the row."""

    words: tuple[str, ...]
    gaps: tuple[int, ...]
    type: str
    cameo: str
    mode: str | None
    pos: str
    flags: frozenset[str]
    order: int = 0


@dataclass
class Resources:
    """Everything the coder needs, loaded once (see :func:`resources`)."""

    by_first: dict[str, list[TrigEntry]] = field(default_factory=dict)
    modality: dict[str, list[tuple[tuple[str, ...], str, int]]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    agent_country: dict[str, str] = field(default_factory=dict)
    up_verbs: dict[str, list[tuple[str, str, str, str | None]]] = field(default_factory=dict)
    c2p: dict[str, list[Any]] = field(default_factory=dict)
    not_future: set[str] = field(default_factory=set)
    filters: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    filter_index: dict[str, dict[str, list[tuple[str, ...]]]] = field(default_factory=dict)
    raw_not_trigger: set[str] = field(default_factory=set)  # surface forms (diacritics removed), not normalised
    demonyms: dict[str, str] = field(default_factory=dict)  # events_demonyms.tsv: forms the KB lacks (→ code)

    def match(self, kind: str, toks: list, j: int) -> int:
        """Length in tokens of the longest ``kind`` filter form starting at token ``j`` (0 = none). The first word
        is compared clitic-stripped (و، ف، ب، ل، ال …), the following ones as normalised."""
        index = self.filter_index.get(kind)
        if not index or not 0 <= j < len(toks):
            return 0
        best = 0
        for first in strip_clitics(toks[j].norm)[:3]:
            for f in index.get(first, ()):
                if len(f) > best and all(j + q < len(toks) and toks[j + q].norm == w
                                         for q, w in enumerate(f[1:], 1)):
                    best = len(f)
        return best


def strip_marks(text: str) -> str:
    """``text`` without Arabic diacritics and tatweel (letters, hamzas and alef forms kept), for surface checks."""
    return re.sub("[\u0640\u064b-\u065f\u0670]", "", text)


def keys(norm: str) -> list[str]:
    """Matching keys of one normalised token: clitic-stripped candidates (و ف ب ل ك ال لل), a future سـ removed
    before a present-tense prefix, each with and without one inflection suffix (stems of ≥ 2 letters)."""
    out: list[str] = []
    cands = strip_clitics(norm)
    extra = []
    for c in cands:
        if len(c) >= 4 and c[0] == "س" and c[1] in _VERB_PREFIX:
            extra.append(c[1:])
    for c in cands + extra:
        stripped = c != norm
        for suf in SUFFIXES:
            if suf and not c.endswith(suf):
                continue
            base = c[: len(c) - len(suf)] if suf else c
            # a 3-letter stem reached by removing both a proclitic and a suffix is too often a false split
            # (وزارة → و + زار + ة)
            if suf and stripped and len(base) <= 3:
                continue
            if len(base) >= 2 and base not in out:
                out.append(base)
    return out


def _read_tsv(name: str) -> list[list[str]]:
    p = LEXICONS / name
    rows = []
    if not p.is_file():
        return rows
    for line in p.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


def _entry(form: str, row: dict[str, Any], order: int) -> TrigEntry | None:
    parts = form.split()
    words: list[str] = []
    gaps: list[int] = []
    pending_gap = 0
    for p in parts:
        if p == "~":
            pending_gap = 3
            continue
        if words:
            gaps.append(pending_gap)
        pending_gap = 0
        words.append(normalize(p))
    if not words:
        return None
    return TrigEntry(tuple(words), tuple(gaps), row["type"], row["cameo"], row.get("mode"), row.get("pos", "n"),
                     frozenset(row.get("flags") or ()), order)


@functools.lru_cache(maxsize=1)
def resources() -> Resources:
    """Load and index every data file once per process. Never raises for a missing optional file."""
    from khabar.events.build_lexicon import read_hand

    res = Resources()
    lex: dict[str, Any] = {}
    p = LEXICONS / "events_lexicon.json"
    if p.is_file():
        try:
            lex = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            lex = {}
    hand = lex.get("hand") or read_hand()
    order = 0
    for row in hand:
        for form in row["forms"]:
            e = _entry(form, row, order)
            order += 1
            if e is None:
                continue
            res.by_first.setdefault(e.words[0], []).append(e)
    for lst in res.by_first.values():
        lst.sort(key=lambda e: (-len(e.words), e.order))
    for up in lex.get("upetrarch", []):
        for v in up["verbs"]:
            res.up_verbs.setdefault(v, []).append((up["noun"], up["cameo"], up["type"], up.get("mode")))
    res.c2p = lex.get("cameo2plover", {})
    for cols in _read_tsv("events_modality.tsv"):
        if len(cols) < 3:
            continue
        for form in cols[0].split("|"):
            words = tuple(normalize(w) for w in form.split())
            if not words:
                continue
            if cols[1] == "not-future":
                res.not_future.add(words[0])
                continue
            res.modality.setdefault(words[0], []).append((words, cols[1], int(cols[2] or 3)))
    for lst in res.modality.values():
        lst.sort(key=lambda m: -len(m[0]))
    for cols in _read_tsv("events_filters.tsv"):
        if len(cols) >= 2 and cols[0] == "raw_not_trigger":
            res.raw_not_trigger.update(strip_marks(f) for f in cols[1].split("|") if f)
            continue
        if len(cols) >= 2:
            for form in cols[1].split("|"):
                words = tuple(normalize(w) for w in form.split())
                if words:
                    res.filters.setdefault(cols[0], set()).add(words)
                    res.filter_index.setdefault(cols[0], {}).setdefault(words[0], []).append(words)
    for cols in _read_tsv("events_roles.tsv"):
        if len(cols) >= 2:
            res.roles[normalize(cols[0])] = cols[1]
    for cols in _read_tsv("events_agents.tsv"):
        if len(cols) >= 2:
            country = cols[2] if len(cols) > 2 and cols[2] not in ("", "-") else None
            for form in cols[0].split("|"):
                f = normalize(form.strip())
                if f:
                    res.agents.setdefault(f, cols[1])
                    if country:
                        res.agent_country.setdefault(f, country)
    for cols in _read_tsv("events_demonyms.tsv"):
        if len(cols) >= 2:
            for form in cols[0].split("|"):
                f = normalize(form.strip())
                if f:
                    res.demonyms.setdefault(f, cols[1])
    return res

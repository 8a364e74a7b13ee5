"""Quote-attribution lexicons, loaded once per process from ``khabar/data/lexicons/quotes_*``.

Files (hand-written for khabar from Arabic grammar and news style):

- ``quotes_cues.tsv``: speech-verb cues ``form  lemma  kind  flag  person`` (every person of قال، أكد، أضاف …,
  circumstantial participles مضيفا، verbal nouns قوله, according-to prepositions بحسب، وفقا).
- ``quotes_markers.json``: complementisers (إن / أن / بأن and their pronoun-suffixed forms), quote-mark pairs,
  addressee markers (لوكالة …), adjunct prepositions, skip words, source nouns, impersonal forms, limits.
- ``quotes_roles.tsv``: role / title head nouns (وزير، رئيس، المتحدث …) that stand for an earlier-named speaker.
- ``noise_common_words.txt.gz`` (read only; built by :mod:`khabar.noise.report` from the ANT corpus): ordinary
  Arabic words, used to tell a name the NER missed (سوتوبو نوغروهو) from ordinary words after a role NP
  (شريطة عدم الكشف …). See :func:`common_words`.

All Arabic keys are stored in :func:`khabar.text.normalize.normalize` form.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache

from khabar.paths import LEXICONS
from khabar.text.normalize import normalize


@dataclass(frozen=True)
class CueInfo:
    """One cue form: ``lemma`` (normalised), ``kind`` (verb | participle | noun | source), ``flag``
    (say | write | deny | opine | relay | according) and ``person`` (m | f | p | 1 | 2 | -)."""

    lemma: str
    kind: str
    flag: str
    person: str


@dataclass
class QuoteLexicon:
    """Everything the quote stage looks up (normalised forms)."""

    cues: dict[str, CueInfo] = field(default_factory=dict)
    complementisers: set[str] = field(default_factory=set)
    addressee_nouns: set[str] = field(default_factory=set)
    addressee_pronouns: set[str] = field(default_factory=set)
    adjunct_starters: set[str] = field(default_factory=set)
    skip_words: set[str] = field(default_factory=set)
    source_nouns: set[str] = field(default_factory=set)
    impersonal: set[str] = field(default_factory=set)
    roles: dict[str, str] = field(default_factory=dict)
    openers: dict[str, set[str]] = field(default_factory=dict)
    breakers: set[str] = field(default_factory=set)
    adjunct_nouns: set[str] = field(default_factory=set)
    relatives: set[str] = field(default_factory=set)
    non_speech_comp: set[str] = field(default_factory=set)
    name_nouns: set[str] = field(default_factory=set)
    related_markers: tuple[str, ...] = ()
    document_nouns: set[str] = field(default_factory=set)
    copula_openers: set[str] = field(default_factory=set)
    relay_preps: set[str] = field(default_factory=set)
    definite_adjectives: set[str] = field(default_factory=set)
    contrast_particles: set[str] = field(default_factory=set)
    contrast_openers: set[str] = field(default_factory=set)
    latter_words: set[str] = field(default_factory=set)
    cue_blockers: dict[str, set[str]] = field(default_factory=dict)
    clause_enders: set[str] = field(default_factory=set)
    clause_ender_pairs: set[tuple[str, str]] = field(default_factory=set)
    subject_quantifiers: set[tuple[str, str]] = field(default_factory=set)
    anaphoric_sources: set[str] = field(default_factory=set)
    apposition_pronouns: set[str] = field(default_factory=set)
    issue_verbs: set[str] = field(default_factory=set)
    container_pronouns: set[str] = field(default_factory=set)
    object_first_cues: set[str] = field(default_factory=set)
    negation_particles: set[str] = field(default_factory=set)
    object_quote_lemmas: set[str] = field(default_factory=set)
    object_quote_forms: dict[str, tuple[str, str]] = field(default_factory=dict)
    object_quote_max_words: int = 8
    pronoun_suffixes: tuple[str, ...] = ()
    object_quote_max_gap: int = 3
    np_stop_words: set[str] = field(default_factory=set)
    detached_proclitics: set[str] = field(default_factory=set)
    addressee_proclitics: set[str] = field(default_factory=set)
    attribution_verbs: set[str] = field(default_factory=set)
    attribution_preps: set[str] = field(default_factory=set)
    term_heads: set[str] = field(default_factory=set)
    term_max_words: int = 2
    term_coordinators: set[str] = field(default_factory=set)
    source_lead_words: set[str] = field(default_factory=set)
    letter_names: set[str] = field(default_factory=set)  # spelled Latin letters that are not ordinary words (بي، سي)
    letter_names_all: set[str] = field(default_factory=set)  # the same and those that are (إن، أو، في)
    demonstratives: set[str] = field(default_factory=set)
    continuation_lemmas: set[str] = field(default_factory=set)
    suffixed_cue_lemmas: set[str] = field(default_factory=set)
    max_cue_comp: int = 14
    max_cue_quote: int = 14
    max_back: int = 4


def _n(s: str) -> str:
    return normalize(s).strip()


def _load_tsv(name: str) -> list[list[str]]:
    rows = []
    path = LEXICONS / name
    if not path.is_file():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Normalised ordinary Arabic words (``data/lexicons/noise_common_words.txt.gz``, one word a line, ``#``
    comments), loaded once per process; an empty set when the file is missing or unreadable (no raise)."""
    try:
        with gzip.open(LEXICONS / "noise_common_words.txt.gz", "rt", encoding="utf-8") as fh:
            return frozenset(w.strip() for w in fh if w.strip() and not w.startswith("#"))
    except OSError:
        return frozenset()


@lru_cache(maxsize=1)
def load() -> QuoteLexicon:
    """Load (once per process) and return the :class:`QuoteLexicon`. Missing files give empty sets (no raise)."""
    lex = QuoteLexicon()
    for r in _load_tsv("quotes_cues.tsv"):
        if len(r) >= 4:
            lex.cues.setdefault(_n(r[0]), CueInfo(_n(r[1]), r[2], r[3], r[4] if len(r) > 4 else "m"))
    for r in _load_tsv("quotes_roles.tsv"):
        if r and r[0]:
            lex.roles[_n(r[0]).replace("_", " ")] = r[1] if len(r) > 1 else "person"
    try:
        m = json.loads((LEXICONS / "quotes_markers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        m = {}
    suffixes = m.get("complementiser_suffixes", [""])
    for c in m.get("complementisers", []):
        for s in suffixes:
            lex.complementisers.add(_n(c + s))
    lex.addressee_nouns = {_n(x) for x in m.get("addressee_prefix_nouns", [])}
    lex.addressee_pronouns = {_n(x) for x in m.get("addressee_pronouns", [])}
    lex.adjunct_starters = {_n(x) for x in m.get("adjunct_starters", [])}
    lex.skip_words = {_n(x) for x in m.get("skip_words", [])}
    lex.source_nouns = {_n(x) for x in m.get("source_nouns", [])}
    lex.impersonal = {_n(x) for x in m.get("impersonal_forms", [])}
    for pair in m.get("quote_pairs", []):
        if len(pair) == 2:
            lex.openers.setdefault(pair[0], set()).add(pair[1])
    for closer in m.get("noisy_closers", []):
        for op in ("“", "\"", "„", "”"):
            if op in lex.openers:
                lex.openers[op].add(closer)
    lex.adjunct_nouns = {_n(x) for x in m.get("adjunct_nouns", [])}
    lex.relatives = {_n(x) for x in m.get("relative_pronouns", [])}
    lex.non_speech_comp = {_n(x) for x in m.get("non_speech_before_complementiser", [])}
    lex.name_nouns = {_n(x) for x in m.get("name_nouns", [])}
    lex.copula_openers = {_n(x) for x in m.get("copula_openers", [])}
    lex.document_nouns = {_n(x) for x in m.get("document_nouns", [])}
    lex.related_markers = tuple(_n(x) for x in m.get("related_link_markers", []))
    lex.breakers = {_n(x) for x in m.get("breakers_before_cue", [])}
    for k, v in m.get("cue_blockers_next_word", {}).items():
        lex.cue_blockers.setdefault(_n(k), set()).update(_n(x) for x in v)
    for x in m.get("clause_enders_after_comma", []):
        w = tuple(_n(y) for y in x.split())
        if len(w) == 1:
            lex.clause_enders.add(w[0])
        elif len(w) == 2:
            lex.clause_ender_pairs.add(w)
    lex.subject_quantifiers = {tuple(_n(w) for w in x.split()) for x in m.get("subject_quantifiers", [])
                               if len(x.split()) == 2}
    lex.apposition_pronouns = {_n(x) for x in m.get("apposition_pronouns", [])}
    lex.container_pronouns = {_n(x) for x in m.get("container_pronouns", [])}
    lex.object_first_cues = {_n(x) for x in m.get("object_first_cue_lemmas", [])}
    lex.issue_verbs = {_n(x) for x in m.get("statement_issue_verbs", [])}
    lex.negation_particles = {_n(x) for x in m.get("verb_negation_particles", [])}
    lex.anaphoric_sources = {_n(x) for x in m.get("anaphoric_source_heads", [])}
    lex.contrast_particles = {_n(x) for x in m.get("contrast_particles", [])}
    lex.contrast_openers = {_n(x) for x in m.get("contrast_openers", [])}
    lex.latter_words = {_n(x) for x in m.get("latter_words", [])}
    lex.definite_adjectives = {_n(x) for x in m.get("definite_adjectives", [])}
    lex.relay_preps = {_n(x) for x in m.get("relay_prepositions", ["عن"])}
    lex.object_quote_lemmas = {_n(x) for x in m.get("object_quote_cue_lemmas", [])}
    lex.object_quote_forms = {_n(k): (str(v[0]), str(v[1])) for k, v in m.get("object_quote_cue_forms", {}).items()
                              if isinstance(v, list) and len(v) == 2}
    lex.object_quote_max_words = int(m.get("object_quote_max_words", 8))
    lex.suffixed_cue_lemmas = {_n(x) for x in m.get("suffixed_cue_lemmas", [])}
    lex.continuation_lemmas = {_n(x) for x in m.get("continuation_cue_lemmas", [])}
    lex.demonstratives = {_n(x) for x in m.get("demonstratives", [])}
    lex.np_stop_words = {_n(x) for x in m.get("np_stop_words", [])}
    lex.detached_proclitics = {_n(x) for x in m.get("detached_proclitics", [])}
    lex.source_lead_words = {_n(x) for x in m.get("source_lead_words", [])}
    lex.addressee_proclitics = {_n(x) for x in m.get("addressee_proclitics", [])}
    lex.attribution_verbs = {_n(x) for x in m.get("attribution_verbs", [])}
    lex.attribution_preps = {_n(x) for x in m.get("attribution_prepositions", [])}
    lex.term_heads = {_n(x) for x in m.get("term_head_nouns", [])}
    lex.term_max_words = int(m.get("term_max_words", 2))
    lex.term_coordinators = {_n(x) for x in m.get("term_coordinators", [])}
    letters = LEXICONS / "translit_letter_names.tsv"
    if letters.is_file():  # shared with khabar.link.linker.romanize (بي بي سي → BBC)
        rows = [ln for ln in letters.read_text(encoding="utf-8").splitlines()
                if ln and not ln.startswith("#") and "\t" in ln]
        lex.letter_names_all = {ln.split("\t")[0].strip() for ln in rows}
        lex.letter_names = {ln.split("\t")[0].strip() for ln in rows if not ln.rstrip().endswith("common")}
    lex.object_quote_max_gap = int(m.get("object_quote_max_gap_tokens", 3))
    lex.pronoun_suffixes = tuple(sorted({_n(x) for x in m.get("pronoun_suffixes", [])}, key=len, reverse=True))
    lex.max_cue_comp = int(m.get("max_cue_to_complementiser_tokens", 14))
    lex.max_cue_quote = int(m.get("max_cue_to_quote_tokens", 14))
    lex.max_back = int(m.get("max_back_sentences", 4))
    return lex

"""The `Document` that carries one article through every stage, and its records.

Every record keeps character offsets (``start`` inclusive, ``end`` exclusive, in Python ``str`` code points)
into ``Document.text``, the original input text as decoded. ``Document.to_dict()`` is the JSON contract printed
by ``khabar analyze --format json`` (documented in ``docs/schema.md``).

Stages enrich the document in place, in this order: segment (``tokens``, ``sentences``) → NER (``entities``)
→ link (fills ``english``, ``kb_id``, ``country``, ``actor_code`` of entities) → time (``timexes``) → events
(``events``) → quotes (``quotes``) → noise (``noise``). A stage never removes what an earlier stage wrote.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Span:
    """A plain character span: ``start``/``end`` offsets into the original text and the covered ``text``."""

    start: int
    end: int
    text: str


@dataclass
class Token:
    """One token. ``norm`` is the matching form from :func:`khabar.text.normalize.normalize` (same token)."""

    start: int
    end: int
    text: str
    norm: str


@dataclass
class Sentence:
    """One sentence: character span and the half-open token index range ``[tok_start, tok_end)``."""

    start: int
    end: int
    tok_start: int
    tok_end: int


@dataclass
class Entity:
    """A named-entity mention.

    ``label`` is one of PER, ORG, LOC, GPE, MISC; ``subtype`` a fine class (FANE-style, e.g. Politician) or None.
    Linking fills ``english`` (canonical English name, or a Latin transliteration when NIL), ``kb_id`` (None when
    NIL), ``country`` (ISO 3166 alpha-3 or None), ``actor_code`` (CAMEO style such as ``RUSGOV`` or None),
    ``link`` (how it was linked: exact | fuzzy | coref | role | translit) and ``cluster`` (an in-document
    coreference id shared by all mentions of one entity).
    """

    start: int
    end: int
    text: str
    label: str
    subtype: str | None = None
    english: str | None = None
    kb_id: str | None = None
    country: str | None = None
    actor_code: str | None = None
    role: str | None = None
    link: str | None = None
    score: float | None = None
    cluster: int | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Timex:
    """A TIMEX3 temporal expression.

    ``type`` ∈ DATE | TIME | DURATION | SET; ``value`` a TIMEX3 value (``2025-02-18``, ``2025-W07``, ``2022-FA``,
    ``P3Y``) or None when it cannot be resolved (then ``note`` says why); ``anchor`` is ``pub_date`` when the value
    was computed from the publication date, else ``absolute``; ``approximate`` marks "about"/"nearly" forms.
    """

    start: int
    end: int
    text: str
    type: str
    value: str | None
    anchor: str = "absolute"
    approximate: bool = False
    note: str | None = None


@dataclass
class Actor:
    """An event participant: linked entity fields, or a bare country / agent when only a role word was seen."""

    english: str | None = None
    country: str | None = None
    actor_code: str | None = None
    kb_id: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None


@dataclass
class Place:
    """An event location: canonical English name, ISO alpha-3 country and coordinates where the KB has them."""

    english: str | None = None
    country: str | None = None
    kb_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None


@dataclass
class Event:
    """One PLOVER event (one real action; several mentions of it share one record).

    ``type`` is a PLOVER event type (CONSULT, ASSAULT, …), ``mode`` a PLOVER mode or None, ``cameo`` a CAMEO code
    string (e.g. ``"044"``). ``trigger`` is the first mention's trigger span, ``mentions`` every trigger span.
    ``date`` is ``{"value": …, "source": "timex"|"pub_date", "start"?, "end"?}`` or None. ``modality`` is one of
    asserted | negated | requested | future | conditional. ``sentence`` is the index into ``Document.sentences``.
    """

    type: str
    cameo: str | None
    trigger: Span
    sentence: int
    mode: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    sources: list[Actor] = field(default_factory=list)
    targets: list[Actor] = field(default_factory=list)
    location: Place | None = None
    date: dict[str, Any] | None = None
    modality: str = "asserted"
    mentions: list[Span] = field(default_factory=list)


@dataclass
class Quote:
    """A quotation: ``kind`` ∈ direct | indirect; ``cue`` the speech verb span; ``speaker`` an :class:`Actor`."""

    start: int
    end: int
    text: str
    kind: str
    cue: Span | None = None
    speaker: Actor | None = None


@dataclass
class Noise:
    """Machine-translation damage: ``kind`` ∈ untranslated-latin | spelling-variants | transliteration |
    mistranslation; ``detail`` free text (e.g. the other spelling)."""

    start: int
    end: int
    text: str
    kind: str
    detail: str | None = None


@dataclass
class Document:
    """One article and everything extracted from it.

    Input: ``text`` (str, the decoded article) and ``pub_date`` (``YYYY-MM-DD`` or None).
    Output: :meth:`to_dict` (the JSON contract). ``warnings`` collects non-fatal problems (e.g. truncated input).
    """

    text: str
    pub_date: str | None = None
    doc_id: str | None = None
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    noise: list[Noise] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text_sha256(self) -> str:
        """Hex SHA-256 of the UTF-8 encoded text (the default document id)."""
        return hashlib.sha256(self.text.encode("utf-8", errors="surrogatepass")).hexdigest()

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence containing character ``offset`` (-1 if none)."""
        for i, s in enumerate(self.sentences):
            if s.start <= offset < s.end:
                return i
        return -1

    def sentence_tokens(self, i: int) -> list[Token]:
        """Tokens of sentence ``i``."""
        s = self.sentences[i]
        return self.tokens[s.tok_start:s.tok_end]

    def entities_in(self, start: int, end: int) -> list[Entity]:
        """Entities lying wholly inside ``[start, end)``, in text order."""
        return [e for e in self.entities if e.start >= start and e.end <= end]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: plain dicts/lists/str/int/float/bool/None only."""
        return {
            "text_sha256": self.text_sha256,
            "doc_id": self.doc_id or self.text_sha256,
            "pub_date": self.pub_date,
            "text": self.text,
            "sentences": [{"start": s.start, "end": s.end} for s in self.sentences],
            "entities": [asdict(e) for e in self.entities],
            "timexes": [asdict(t) for t in self.timexes],
            "events": [asdict(e) for e in self.events],
            "quotes": [asdict(q) for q in self.quotes],
            "noise": [asdict(n) for n in self.noise],
            "warnings": list(self.warnings),
        }

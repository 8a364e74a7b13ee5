"""Event coding stage: PLOVER events with CAMEO codes, actors, place, date and modality, Arabic-native.

Public entry: :func:`code_events` (``Document -> Document``, in place; never raises).

Method (dictionary- and rule-based, in the tradition of TABARI/PETRARCH, adapted to Arabic word order):

1. **Triggers** — every sentence's tokens are matched against the trigger lexicon (hand-written verbs and event
   nouns, ``lexicons/events_triggers.tsv``, plus cleaned UniversalPetrarch verb+noun patterns; see
   :mod:`khabar.events.build_lexicon`). Matching uses normalised, clitic-stripped, suffix-stripped keys
   (:func:`khabar.events.lexicon.keys`); the longest form wins.
2. **Actors** — linked entities of ``doc.entities`` (country, actor code from the linker) and, for generic noun
   phrases, agent nouns (``lexicons/events_agents.tsv``) with a nationality adjective (KB
   :meth:`~khabar.kb.store.KB.demonym`): "القوات الإسرائيلية" → ``ISRMIL``; plural demonyms ("الروس") alone.
3. **Roles** — per trigger: an actor after a target preposition (على، ضد، إلى، لـ) is the target, after مع/بين a
   partner, after من قبل / على أيدي the source; otherwise the first unmarked actor after a verb (VSO) or the nearest
   one before it (SVO) is the source, a second unmarked one after a transitive verb the target. For event nouns a
   following genitive is the source (احتجاجات الطلاب) or target (مقتل X, اعتقال X) as the lexicon says; a
   nationality adjective right after the noun is the source (غارة إسرائيلية). Symmetric events (met, talked):
   co-ordinated parties are split into source = the first, targets = the others. A verb right after a relative
   pronoun (التحالف الذي يدعم X) takes X as its object unless a pronoun refers back to the head; a و-verb with no
   subject of its own shares the previous verb's subject; unlinked MISC names (الله) and the KB's MISC entities (currencies, wars, awards: دولار) are never actors.
   A verb whose subject names no actor (ويتهم أنصار البيئة X بـ، وانتقدت السفارة X، أن التقرير ينتقد X) takes
   the named X after it as its object, not its subject (:func:`_unnamed_subject`).
   Passive homographs (قتل/قُتل, ``passive_homograph``): with no object after the verb, a counted or indefinite
   subject before it ("ثلاثة جنود قتلوا في هجوم") or an indefinite nationality noun after it ("قتل عراقيان في")
   is the victim (:func:`_passive_reading`). The attacker of an attack noun is also read from "شنتها/نفذتها X"
   (``agent_relative``), "تابعة لـX" after a weapon noun (``owned_by``) and the subject of a launch verb before a
   weapon noun (``launch_verb``: "دبابة إسرائيلية أطلقت القذيفة"); "أحد جنوده" takes the country of the last
   actor named before it (``own_members``). Nationality words the KB lacks (أفغان، أجانب → INT، أكراد → KUR) come
   from ``events_demonyms.tsv``.
4. **Place** — a linked GPE/LOC after في / ب / قرب in the sentence (the most specific: city over country).
   **Date** — the nearest DATE/TIME timex of the sentence, else the publication date (``source: pub_date``).
5. **Modality** — negated (لم، لن، لا، ما، نفى), requested (دعا إلى، طالب، حث → a REQUEST event whose ``mode``
   says what was asked; the action itself is not coded), future (سـ، سوف، من المقرر، من المتوقع), conditional
   (إذا، لو، في حال); a negated AGREE/SUPPORT ("لن يقبل") becomes an asserted REJECT (CAMEO 12x).
6. **Merging** — within the article, mentions of one action (same type and modality, compatible actors, date
   and place; or an anaphoric definite noun such as "الاجتماع" with no participants of its own) become one Event
   with several ``mentions``; the most specific place/date of any mention is kept. An incident or aid convoy
   (``merge.retold_types`` of events_function_words.json) mentioned without named participants within
   ``merge.retold_window`` sentences of another of its type — before it (a summary "احتجاز") when both carry the
   same date, or after it — is that one; so is a demand repeated in the next sentence with the same mode when one
   of the two has no actor at all.

Cost is linear in the text length (dictionary lookups per token; windows of bounded size).
"""
from __future__ import annotations

import bisect
import functools
import json

import logging
import re
from dataclasses import dataclass, field

from khabar.document import Actor, Document, Entity, Event, Place, Span, Token
from khabar.events.lexicon import Resources, TrigEntry, keys, resources, strip_marks
from khabar.paths import LEXICONS
from khabar.text.normalize import normalize, strip_clitics

log = logging.getLogger("khabar.events")

_STRONG_BOUND = set("؛;:()«»\"“”[]{}")
_COMMA = set("،,")
_QUOTE = set("«»\"“”")
_BEFORE_WIN = 14
GATE_ENABLED = True
# GATE_ENABLED: sentence gate for ASSAULT/PROTEST (khabar.events.gate); the actor evaluation turns it off.
# INHERIT_LOCATION_COUNTRY: give generic local armed forces and government actors (الجيش، القوات، الحكومة … named
# without nationality, see _LOCAL_AGENTS) the country of the event place. Off: measured on the GSR spans set
# (session 2, docs/bench/events.md) it gains one slot of 100 with a gold country on the tune half (23.0 → 24.0 %)
# and loses 2.4 points of accuracy incl. "no country" (65.5 → 63.1); with every local agent (civilians, police
# too) incl-none falls to 56.6.
INHERIT_LOCATION_COUNTRY = False
_CAPTURE: list | None = None  # set by khabar.events.selector.capture (training): the state before the selector
_AFTER_WIN = 12
_REQUEST_VERBS_MODE = {"AID": "assist", "COOPERATE": "assist", "SUPPORT": "assist", "CONSULT": "meet",
                       "AGREE": "meet", "RETREAT": "yield", "CONCEDE": "yield", "SANCTION": "yield",
                       "COERCE": "yield", "ASSAULT": "yield"}
_REQUEST_CAMEO = {"assist": "101", "meet": "106", "yield": "105", "change": "104"}
_REJECT_OF = {"AGREE": "120", "SUPPORT": "120", "COOPERATE": "121", "AID": "122"}
_SYM_CONSULT = {"040", "046"}


def _function_words() -> dict:
    """Closed-class word lists (``data/lexicons/events_function_words.json``), read once at import."""
    with (LEXICONS / "events_function_words.json").open(encoding="utf-8") as fh:
        return json.load(fh)


_FW = _function_words()
_DEMONYM_PLURAL_SUF = tuple(_FW["demonym_plural_suffixes"])
_SELF_COMP = frozenset(_FW["self_complementisers"])
_NUMBER_WORDS = frozenset(_FW["number_words"])
_OBJ_SUFFIXES = tuple(_FW["object_pronoun_suffixes"])


# ------------------------------------------------------------------------------------------------ KB access
def _kb():
    try:
        from khabar.kb.store import get_kb
        return get_kb()
    except Exception:  # noqa: BLE001 - KB optional: coder works without it
        return None


def _demonym(kb, word: str) -> str | None:
    if kb is None:
        return _extra_demonym(word)
    try:
        c = kb.demonym(word)
        if c is None:
            w = normalize(word).rstrip("\u064b")
            for suf in ("يا", "يان", "يتان", "يتين"):
                if w.endswith(suf) and len(w) > len(suf) + 2:
                    c = kb.demonym(w[: len(w) - len(suf)] + "ي")
                    if c:
                        break
        return c or _extra_demonym(word)
    except Exception:  # noqa: BLE001
        return None


_EXTRA_SUFFIXES = ("يين", "يون", "يان", "يات", "يه", "ين", "ون", "ات", "ه", "ا")


@functools.lru_cache(maxsize=4096)
def _extra_demonym(word: str) -> str | None:
    """Code of a nationality word the KB lacks (``events_demonyms.tsv``: broken plurals such as أفغان, "foreign"
    أجنبي/أجانب → INT), in any inflection (ة، ون، ين، يون، يين، يا) and with clitics (والأفغان، الأجنبية)."""
    table = resources().demonyms
    if not table:
        return None
    for c in strip_clitics(normalize(word).rstrip("\u064b")):
        for form in (c, c[2:] if c.startswith("ال") and len(c) > 4 else None):
            if not form:
                continue
            if form in table:
                return table[form]
            for suf in _EXTRA_SUFFIXES:
                if form.endswith(suf) and len(form) > len(suf) + 2:
                    stem = form[: -len(suf)]
                    for st in (stem, stem if stem.endswith("ي") else stem + "ي"):
                        if st in table:
                            return table[st]
    return None


def _kb_place(kb, kb_id: str | None):
    if kb is None or not kb_id:
        return None
    try:
        return kb.get(kb_id)
    except Exception:  # noqa: BLE001
        return None


# ------------------------------------------------------------------------------------------------ records
@dataclass
class _Mention:
    """An actor candidate in a sentence: token span [a, b), the Actor, marker role, and kind."""

    a: int
    b: int
    actor: Actor
    marker: str | None = None  # target | partner | location | agent | source_or_target | None
    is_place: bool = False
    place: Place | None = None
    conj: bool = False  # starts with و (co-ordinated with the previous mention)
    generic: bool = False  # agent noun without a name
    adjective: bool = False  # singular nationality adjective (غارة إسرائيلية)
    label: str | None = None


@dataclass
class _Trig:
    a: int
    b: int
    entry: TrigEntry
    definite: bool = False
    up: bool = False
    requested_by: "_Trig | None" = None
    rejected_by: "_Trig | None" = None  # رفض الاعتذار: the action refused (not an event itself)
    object_of: "_Trig | None" = None  # أدانت X الهجوم: the event condemned (X is not its agent)
    convener: "_Trig | None" = None
    governed: bool = False
    drop: bool = False
    topic: bool = False
    modality: str = "asserted"
    sources: list[_Mention] = field(default_factory=list)
    targets: list[_Mention] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ entry
def code_events(doc: Document) -> Document:
    """Fill ``doc.events`` with :class:`~khabar.document.Event` records (in place; returns ``doc``).

    Input: a Document with ``tokens``/``sentences`` (segmentation is run if missing), and where available
    ``entities`` (linked: ``country``, ``actor_code``, ``kb_id``, ``lat``/``lon``) and ``timexes``.
    Output: ``doc.events`` — one Event per real action (merged mentions), in order of first mention.
    Never raises: on an internal error the events found so far are kept and a warning is added.
    """
    try:
        if not doc.sentences and doc.text:
            from khabar.text.segment import segment
            segment(doc)
        res = resources()
        kb = _kb()
        raw: list[Event] = []
        anaphoric: list[bool] = []
        ents = sorted(doc.entities, key=lambda e: e.start)
        ctx: dict = {}  # carries the last two named parties across sentences (dual anaphora: الجانبان)
        ei = 0
        tx = sorted(doc.timexes, key=lambda t: t.start)
        ti = 0
        for si, sent in enumerate(doc.sentences):
            toks = doc.tokens[sent.tok_start:sent.tok_end]
            if not toks:
                continue
            while ei < len(ents) and ents[ei].start < sent.start:
                ei += 1
            ej = ei
            while ej < len(ents) and ents[ej].start < sent.end:
                ej += 1
            while ti < len(tx) and tx[ti].end <= sent.start:
                ti += 1
            tj = ti
            while tj < len(tx) and tx[tj].start < sent.end:
                tj += 1
            for ev, ana in _code_sentence(doc, si, toks, ents[ei:ej], tx[ti:tj], res, kb, ctx):
                raw.append(ev)
                anaphoric.append(ana)
        doc.events.extend(_merge(raw, anaphoric))
    except Exception as exc:  # noqa: BLE001 - a stage must never raise
        log.debug("event coding failed", exc_info=True)
        doc.warnings.append(f"events: {type(exc).__name__}: {exc}")
    return doc


# ------------------------------------------------------------------------------------------------ triggers
def _find_triggers(toks: list[Token], res: Resources, blocked: list[bool] | None = None) -> list[_Trig]:
    tkeys = [keys(t.norm) for t in toks]
    used = list(blocked) if blocked else [False] * len(toks)
    found: list[_Trig] = []
    i = 0
    n = len(toks)
    while i < n:
        if used[i] or res.match("not_trigger", toks, i) or strip_marks(toks[i].text) in res.raw_not_trigger:
            i += 1
            continue
        best: tuple[int, int, TrigEntry] | None = None
        for k in tkeys[i]:
            for e in res.by_first.get(k, ()):
                end = _match_rest(e, i, tkeys, used)
                if end is None:
                    continue
                if best is None or len(e.words) > len(best[2].words) or (
                        len(e.words) == len(best[2].words) and e.order < best[2].order):
                    best = (i, end, e)
                break  # entries are sorted longest first: the first match for this key is its best
        if best is not None:
            a, b, e = best
            for j in range(a, b):
                used[j] = True
            definite = (len(e.words) == 1 and not e.words[0].startswith("ال")
                        and any(c.startswith("ال") for c in strip_clitics(toks[a].norm)[:3]))
            found.append(_Trig(a, b, e, definite=definite))
            i = a + 1
            continue
        i += 1
    # UniversalPetrarch verb + noun patterns, on tokens no hand trigger used
    if res.up_verbs:
        for i in range(n):
            if used[i] or res.match("not_trigger", toks, i):
                continue
            hit = None
            if toks[i].norm.startswith("ال") or len(toks[i].norm) < 3:
                continue
            for k in tkeys[i][:2]:
                pats = res.up_verbs.get(k)
                if not pats or len(k) < 3:
                    continue
                for j in range(i + 1, min(n, i + 4)):
                    if used[j]:
                        break
                    kj = set(tkeys[j])
                    for noun, cameo, typ, mode in pats:
                        if noun in kj:
                            hit = (j, cameo, typ, mode)
                            break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                j, cameo, typ, mode = hit
                e = TrigEntry((toks[i].norm,), (), typ, cameo, mode, "v", frozenset({"weak"}), 10 ** 6)
                used[i] = used[j] = True
                found.append(_Trig(i, j + 1, e, up=True))
    found.sort(key=lambda t: t.a)
    return found


def _match_rest(e: TrigEntry, i: int, tkeys: list[list[str]], used: list[bool]) -> int | None:
    """End (exclusive) of multi-word entry ``e`` starting at token ``i``, or None; a gap never crosses a used
    token (a name or another trigger)."""
    pos = i
    for w, gap in zip(e.words[1:], e.gaps):
        nxt = None
        for j in range(pos + 1, min(len(tkeys), pos + 2 + gap)):
            if used[j]:
                break
            if w in tkeys[j]:
                nxt = j
                break
        if nxt is None:
            return None
        pos = nxt
    return pos + 1


# ------------------------------------------------------------------------------------------------ actors
def _tok_index(toks: list[Token], start: int, end: int) -> tuple[int, int] | None:
    a = b = None
    for i, t in enumerate(toks):
        if a is None and t.end > start:
            a = i
        if t.start < end:
            b = i + 1
    if a is None or b is None or b <= a:
        return None
    return a, b


def _marker_before(doc: Document, toks: list[Token], a: int, ent_start: int, res: Resources) -> tuple[str | None, bool]:
    """Role marker of a mention starting at token ``a`` (clitic inside the token, or the preceding word)."""
    conj = False
    t = toks[a]
    prefix = normalize(doc.text[t.start:ent_start]) if ent_start > t.start else ""
    norm = t.norm
    if not prefix:
        # clitics on the token itself: و ف then ب ل ك (only when the remainder is a name/definite)
        p = ""
        w = norm
        while len(w) > 3 and w[0] in "وف" and not p:
            conj = conj or w[0] == "و"
            w = w[1:]
            break
        if len(w) > 3 and w[0] in "بلك" and (w[1:].startswith("ال") or w[0] == "ل" and w[1:2] == "ل"):
            p = w[0]
        prefix = p
    else:
        if prefix.startswith("و"):
            conj = True
            prefix = prefix[1:]
        prefix = prefix.replace("ال", "")
    if prefix:
        role = res.roles.get(prefix[-1]) or res.roles.get(prefix)
        if role:
            return role, conj
    if a > 0:
        prev = toks[a - 1].norm
        p2 = toks[a - 2].norm if a > 1 else ""
        if prev in ("قبل",) and p2 in ("من",):
            return "agent", conj
        if prev in ("ايدي", "يد") and p2 in ("علي", "على"):
            return "agent", conj
        if res.match("agent_by", toks, a - 1):
            return "agent", conj  # برصاص القوات X: by the forces' bullets
        for c in strip_clitics(prev)[:2]:
            r = res.roles.get(c)
            if r == "source_or_target" and prev == "من" and a > 1 and _quantity(toks[a - 2].norm):
                return None, conj  # partitive "العشرات من المسلحين": the mention is the counted group itself
            if r:
                if c != prev and prev.startswith("و"):
                    conj = True
                return ("speaker" if r == "speech" else r), conj
        # construct head between the preposition and the name: مع مسؤولي X, ضد قوات X; also a title (مع العاهل
        # الأردني X: the KB's role words)
        kb = _kb()
        if a > 1 and (any(c in res.agents or c[:-1] in res.agents for c in strip_clitics(prev)[:3])
                      or (kb is not None and kb.is_role_word(toks[a - 1].text))):
            for c in strip_clitics(p2)[:2]:
                r = res.roles.get(c)
                if r == "source_or_target" and p2 == "من" and a > 2 and _quantity(toks[a - 3].norm):
                    return None, conj  # partitive "أربعة من حراس الأمن الأفغان": the counted group itself
                if r and r != "location":
                    return r, conj
        if prev.startswith("و") and len(prev) == 1:
            conj = True
        # "في العاصمة الأردنية عمان": a place noun (+ adjective) between في and the name
        if a > 2 and res.roles.get(strip_clitics(p2)[-1]) == "location" and prev.endswith(("ي", "يه")):
            return "location", conj
    return None, conj


def _mentions(doc: Document, toks: list[Token], ents: list[Entity], res: Resources, kb) -> list[_Mention]:
    out: list[_Mention] = []
    taken = [False] * len(toks)
    for e in ents:
        span = _tok_index(toks, e.start, e.end)
        if span is None:
            continue
        a, b = span
        if any(taken[a:b]):
            continue
        if b - a == 1 and not (e.kb_id or e.country or e.actor_code) and (e.label or "").upper() != "PER" \
                and _extra_demonym(toks[a].text):
            continue  # an unlinked nationality noun (الأكراد، الأفغان): read below as a demonym, after its agent noun
        if not e.kb_id and b - a > 1 and e.link == "role":
            e = _truncate_generic(doc, toks, a, b, e, kb)
            if e is None:
                continue
            b = _tok_index(toks, e.start, e.end)[1]
        marker, conj = _marker_before(doc, toks, a, e.start, res)
        if marker == "location" and _topic_place(doc, toks, a, e.start, res):
            marker = "topic"  # الأوضاع في غزة: the topic of the clause, not where it happens
        if _reporter(toks, a, res) and not (res.match("reporter", toks, a)
                                            and (e.actor_code or "").endswith(_NOT_MEDIA_AGENTS)):
            # (not an intelligence or armed body named with a media word: "طائرة تابعة لوكالة المخابرات" is no news
            # agency; "موقع الجيش" — the army's website — still reports)
            marker = "reporter"
        elif (e.actor_code or "").endswith("MED") and _media_as_source(toks, a, b):
            marker = "reporter"  # a dateline ("أنقرة ـ رويترز:", "القاهرة (رويترز) -") or the outlet spoken to
            # (لـ"رويترز"): the agency reporting, not a participant
        label = (e.label or "").upper()
        if marker == "location" and label == "PER":
            marker = "target"  # ب + a person is the verb's complement (التقى بالرئيس X، ندد بـX), never a place
        place = None
        is_place = False
        if label in ("GPE", "LOC") or (e.kb_id or "").startswith(("city:", "country:", "region:")):
            place = Place(english=e.english, country=e.country, kb_id=e.kb_id, lat=e.lat, lon=e.lon,
                          start=e.start, end=e.end, text=e.text)
            if place.lat is None and e.kb_id:
                ke = _kb_place(kb, e.kb_id)
                if ke is not None:
                    place.lat, place.lon = ke.lat, ke.lon
            is_place = marker == "location" or (label == "LOC" and marker is None)
        country = e.country
        code = e.actor_code or country
        if not (country or code or e.english or label in ("PER", "ORG")):
            continue
        if (not (e.kb_id or country or code) or (e.kb_id or "").startswith("misc:")) and \
                (label,) in res.filters.get("unlinked_not_actor", ()):
            continue  # an unlinked MISC name ("الله أكبر"), or one the KB knows as a currency, war, award …
            # ("مليارات دولار" → US dollar), is not a participant
        actor = Actor(english=e.english, country=country, actor_code=code, kb_id=e.kb_id, start=e.start,
                      end=e.end, text=e.text)
        for j in range(a, b):
            taken[j] = True
        adjective = False
        if b - a == 1 and label not in ("PER", "ORG") and not (e.kb_id or "").startswith("city:"):
            base = strip_clitics(toks[a].norm)[-1]
            # a singular nationality adjective tagged as an entity (غارات تركية): an adjective, not a country actor
            adjective = (base.endswith(("ي", "يه")) and not base.endswith(_DEMONYM_PLURAL_SUF)
                         and _demonym(kb, toks[a].text) is not None)
            # …but nothing to qualify at a clause start ("وكانت السعودية استهدفت"): a country name
            if adjective and (a == 0 or toks[a - 1].text in _STRONG_BOUND or toks[a - 1].text in _COMMA
                              or res.match("subject_opener", toks, a - 1) or toks[a - 1].norm in _PREP_WORDS):
                # (nor after a preposition: "الاعتذار من السعودية")
                adjective = False
        out.append(_Mention(a, b, actor, marker, is_place, place, conj,
                            generic=(e.link == "role" and not e.kb_id), label=label, adjective=adjective))
    # agent nouns with a nationality adjective, and plural demonyms
    n = len(toks)
    i = 0
    while i < n:
        if taken[i]:
            i += 1
            continue
        agent = None
        implied = None
        alen = 1
        cands = strip_clitics(toks[i].norm)
        if i + 1 < n:
            for c in cands[:3]:
                two = c + " " + toks[i + 1].norm
                if two in res.agents:
                    agent, alen, implied = res.agents[two], 2, res.agent_country.get(two)
                    break
        if agent is None:
            for c in cands[:4]:
                if c in res.agents:
                    agent, implied = res.agents[c], res.agent_country.get(c)
                    break
        if agent is not None:
            countries: list[tuple[int, str]] = []
            j = i + alen
            lim = min(n, i + alen + 3)
            while j < lim and not taken[j]:
                nj = toks[j].norm
                if any(ch.isdigit() for ch in nj) or any(x in res.agents for x in strip_clitics(nj)[:3]) \
                        or strip_clitics(nj)[-1] in _NUMBER_WORDS or nj in _PREP_WORDS \
                        or (nj.startswith(("بال", "لل", "فال")) and not _demonym(kb, toks[j].text)):
                    # "شخصا في غارات إسرائيلية": the adjective qualifies the attack noun, not the people
                    break  # "مسلحون خمسة جنود باكستانيين": the adjective belongs to the later noun
                c = _demonym(kb, toks[j].text)
                if c:
                    countries.append((j, c))
                    # co-ordinated demonyms: الروسيين والأمريكيين
                    k = j + 1
                    while k < n and not taken[k] and toks[k].norm.startswith("و"):
                        c2 = _demonym(kb, toks[k].text)
                        if not c2:
                            break
                        countries.append((k, c2))
                        k += 1
                    break
                j += 1
            marker, conj = _marker_before(doc, toks, i, toks[i].start, res)
            if _reporter(toks, i, res):
                marker = "reporter"
            if countries:
                last = countries[-1][0]
                for idx, (j2, c) in enumerate(countries):
                    act = Actor(english=None, country=c, actor_code=c + agent, start=toks[i].start,
                                end=toks[last].end, text=doc.text[toks[i].start:toks[last].end])
                    out.append(_Mention(i if idx == 0 else j2, last + 1 if idx == len(countries) - 1 else j2 + 1,
                                        act, marker, conj=conj if idx == 0 else True))
                for j2 in range(i, last + 1):
                    taken[j2] = True
                i = last + 1
                continue
            act = Actor(english=None, country=implied, actor_code=(implied or "") + agent, start=toks[i].start,
                        end=toks[i + alen - 1].end, text=doc.text[toks[i].start:toks[i + alen - 1].end])
            out.append(_Mention(i, i + alen, act, marker, conj=conj, generic=not implied))
            for j2 in range(i, i + alen):
                taken[j2] = True
            i += alen
            continue
        c = _demonym(kb, toks[i].text)
        if c:
            base = strip_clitics(toks[i].norm)[-1]
            plural = base.endswith(_DEMONYM_PLURAL_SUF) or not base.endswith(("ي", "يه"))
            marker, conj = _marker_before(doc, toks, i, toks[i].start, res)
            act = Actor(english=None, country=c, actor_code=c, start=toks[i].start, end=toks[i].end,
                        text=toks[i].text)
            out.append(_Mention(i, i + 1, act, marker, conj=conj, adjective=not plural))
            taken[i] = True
        i += 1
    _own_country(doc, toks, out, taken, res)
    out.sort(key=lambda m: m.a)
    # co-ordination: a mention starting with و right after another inherits its marker
    for k in range(1, len(out)):
        m, p = out[k], out[k - 1]
        if m.conj and m.marker is None and m.a - p.b <= 3:
            m.marker = p.marker
            if p.is_place and m.place is not None:
                m.is_place = True
    _merge_title_complements(doc, toks, out, res, kb)
    # agent noun right before a named entity: merge country into the entity (وزير الخارجية الروسي سيرجي لافروف)
    merged: list[_Mention] = []
    for m in out:
        # (not a one-word definite noun before a country or organisation: "وانتقدت السفارة الولايات المتحدة" is
        # subject + object — a genitive would follow an indefinite head, "سفارة الولايات المتحدة")
        if (merged and merged[-1].generic and not m.generic and m.a - merged[-1].b <= 1 and not m.is_place
                and m.actor.kb_id and (not merged[-1].actor.country or not m.actor.country
                                       or merged[-1].actor.country == m.actor.country)
                and not (m.label != "PER" and merged[-1].b - merged[-1].a == 1 and m.a == merged[-1].b
                         and toks[merged[-1].a].norm.startswith(("ال", "وال")))):
            g = merged.pop()
            if not m.actor.country and g.actor.country:
                m.actor.country = g.actor.country
                m.actor.actor_code = m.actor.actor_code or g.actor.actor_code
            m.marker = m.marker or g.marker
            m.conj = m.conj or g.conj
            m.a = g.a
        elif (merged and not merged[-1].is_place and not m.is_place and m.label == "PER" and m.a - merged[-1].b <= 0
              and merged[-1].label != "PER" and (not merged[-1].actor.country or not m.actor.country
                                                 or merged[-1].actor.country == m.actor.country)):
            g = merged.pop()
            if not m.actor.country:
                m.actor.country = g.actor.country
            m.marker = m.marker or g.marker
            m.conj = m.conj or g.conj
            m.a = g.a
        merged.append(m)
    for m in merged:
        if m.marker == "location" and m.label == "PER" and not m.is_place:
            m.marker = "target"  # (بالرئيس الأوكراني X: the role noun's ب reaches the merged person)
    for m, n in zip(merged, merged[1:]):
        # apposition: an unlinked person's name followed by a title with a nationality ("فلان، السفير السوداني في …"،
        # "فلان عمدة العاصمة الصومالية") is that country's — the title describes him
        if m.label == "PER" and not (m.actor.country or m.actor.kb_id) and n.actor.country \
                and (n.generic or (n.label is None and not n.actor.kb_id and not n.adjective)) \
                and not n.is_place and n.a - m.b <= 1 and all(x.text in _COMMA for x in toks[m.b:n.a]):
            m.actor = Actor(english=m.actor.english, country=n.actor.country,
                            actor_code=n.actor.actor_code or n.actor.country, kb_id=None, start=m.actor.start,
                            end=m.actor.end, text=m.actor.text)
    return merged


def _own_country(doc: Document, toks: list[Token], out: list[_Mention], taken: list[bool], res: Resources) -> None:
    """Mentions for "his/her country / government" (``own_country`` in events_filters.tsv): the country of the last
    person mention before it in the sentence (appended to ``out``; GOV agent code for حكومته). Nothing is added
    when no person with a country precedes it."""
    for i, t in enumerate(toks):
        if taken[i] or not res.match("own_country", toks, i):
            continue
        prev = [m for m in out if m.b <= i and m.label == "PER" and m.actor.country]
        if not prev:
            continue
        c = max(prev, key=lambda m: m.b).actor.country
        gov = "حكوم" in t.norm
        marker, conj = _marker_before(doc, toks, i, t.start, res)
        act = Actor(english=None, country=c, actor_code=c + ("GOV" if gov else ""), start=t.start, end=t.end,
                    text=t.text)
        out.append(_Mention(i, i + 1, act, marker, conj=conj, label="GPE"))
        taken[i] = True
    for i, t in enumerate(toks):
        # "أعلن الجيش الأمريكي مقتل أحد جنوده": members with a pronoun (own_members) belong to the last actor with a
        # country named before them in the sentence (not a place)
        if taken[i] or not res.match("own_members", toks, i):
            continue
        prev = [m for m in out if m.b <= i and m.actor.country and not m.is_place and not m.adjective
                and not (m.actor.kb_id or "").startswith("city:")]
        if not prev:
            continue
        c = max(prev, key=lambda m: m.b).actor.country
        marker, conj = _marker_before(doc, toks, i, t.start, res)
        stem = strip_clitics(t.norm)[-1]
        stem = next((stem[:-len(p)] for p in ("هم", "ها", "ه") if stem.endswith(p)), stem)
        code = res.agents.get(stem) or res.agents.get(stem[:-1] + "ين") or ""  # جنوده → MIL، مقاتليه → مقاتلين
        act = Actor(english=None, country=c, actor_code=c + code, start=t.start, end=t.end, text=t.text)
        out.append(_Mention(i, i + 1, act, marker, conj=conj))
        taken[i] = True


def _merge_title_complements(doc: Document, toks: list[Token], out: list[_Mention], res: Resources, kb) -> None:
    """A country or organisation that completes a title before a person's name (أمير قطر الشيخ تميم، الأمين العام
    للأمم المتحدة أنطونيو غوتيريش) is part of the person's description, not a second actor: the person's mention
    takes it over (in place on ``out``), starting where the title starts, with the role marker found before the
    title (the ل of للأمم is the title's complement, not a "to" target). The title is recognised by the KB's
    role parser (``lexicons/roles.tsv``); honorifics between it and the name come from ``kb/apposition_titles.txt``."""
    if kb is None or len(out) < 2:
        return
    from khabar.link.linker import _apposition_titles
    titles = _apposition_titles()
    k = 1
    while k < len(out):
        g, m = out[k - 1], out[k]
        if m.label != "PER" or g.label not in ("GPE", "ORG", "LOC") or m.a < g.b or m.a - g.b > 2 \
                or not all(normalize(t.text) in titles for t in toks[g.b:m.a]):
            k += 1
            continue
        start = None
        lo = out[k - 2].b if k >= 2 else 0
        for back in (1, 2, 3):
            s_ = g.a - back
            if s_ < lo:
                break
            try:
                rm = kb.parse_role([t.text for t in toks[s_:m.a]])
            except Exception:  # noqa: BLE001 - a parser failure leaves the mentions as they are
                rm = None
            if rm is not None and s_ + rm.n_tokens >= g.b:
                start = s_
                break
        if start is None:
            k += 1
            continue
        if not m.actor.country and g.actor.country:
            m.actor.country = g.actor.country
        m.marker, m.conj = _marker_before(doc, toks, start, toks[start].start, res)
        m.a = start
        m.is_place = False
        del out[k - 1]


_PREP_WORDS = frozenset(_FW["prepositions"])
_DETACHED_PREPS = frozenset(_FW.get("detached_prepositions", ()))  # لـ written apart: قال لـ"رويترز"
_NOT_MEDIA_AGENTS = ("SPY", "MIL", "COP")


def _truncate_generic(doc: Document, toks: list[Token], a: int, b: int, e: Entity, kb) -> Entity | None:
    """A generic (unlinked) entity span that runs over a preposition ("شخصا في غارات إسرائيلية") is cut before it:
    the actor is the head noun phrase; its country is kept only when a nationality word is inside the kept part.
    Returns a new Entity (the document's record is not changed), or ``e`` unchanged."""
    cut = None
    for j in range(a + 1, b):
        w = toks[j].norm
        if w in _PREP_WORDS or (w.startswith(("بال", "لل", "فال")) and j > a):
            cut = j
            break
    if cut is None:
        return e
    end = toks[cut - 1].end
    country = None
    for j in range(a, cut):
        country = _demonym(kb, toks[j].text) or country
    code = e.actor_code
    if code and e.country and code.startswith(e.country) and country is None:
        code = code[len(e.country):] or None
    return Entity(e.start, end, doc.text[e.start:end], e.label, english=None if e.english == e.text else e.english,
                  country=country, actor_code=code, kb_id=None, link=e.link)


def _topic_place(doc: Document, toks: list[Token], a: int, ent_start: int, res: Resources) -> bool:
    """True when the place at token ``a`` follows "في" that hangs on a topic noun (الأوضاع في، الحرب في)."""
    j = a - 1
    # skip place nouns between في and the name (الأوضاع في مدينة X)
    steps = 0
    while (j >= 0 and steps < 2 and toks[j].norm not in ("في", "ب")
           and res.roles.get(strip_clitics(toks[j].norm)[-1]) == "location"):
        j -= 1
        steps += 1
    if j >= 0 and toks[j].norm in ("في", "ب"):
        j -= 1
    elif j >= 0 and j < a - 1 and toks[j + 1].norm.startswith("ب"):
        pass  # "بمدينة X": the preposition is a clitic on the place noun
    return j >= 0 and bool(res.match("topic_noun", toks, j))


_QUOTE_MARKS = frozenset("\"“”«»„")


def _media_as_source(toks: list[Token], a: int, b: int) -> bool:
    """True when a media entity at tokens ``[a, b)`` stands as the article's source, not as a participant: before a
    colon (أنقرة ـ رويترز:), in brackets or between dashes after a dateline (القاهرة (رويترز) -، القاهرة - رويترز -),
    or as the outlet spoken to (قال لـ"رويترز"، لوكالة …: a ل proclitic or a detached لـ, quotation marks skipped)."""
    nxt = toks[b].text if b < len(toks) else ""
    if nxt in (":", "："):
        return True
    k = a - 1
    while k >= 0 and toks[k].text in _QUOTE_MARKS:
        k -= 1
    prev = toks[k].text if k >= 0 else ""
    if prev in ("(", "-", "–", "—", "ـ") and nxt in (")", "-", "–", "—", "ـ", ":") and a <= 6:
        return True  # within the first words of the sentence: a dateline
    return prev in _DETACHED_PREPS or (k == a - 1 and toks[a].text[:1] == "ل" and not toks[a].norm.startswith("لل"))


def _reporter(toks: list[Token], a: int, res: Resources) -> bool:
    """True when the mention at token ``a`` is (or is introduced by) a news outlet / correspondent."""
    return bool(res.match("reporter", toks, a) or (a > 0 and res.match("reporter", toks, a - 1))
                or (a > 1 and res.match("reporter", toks, a - 2) and toks[a - 1].norm.startswith("ال")))


# ------------------------------------------------------------------------------------------------ sentence
def _bounded(toks: list[Token], i: int, step: int, limit: int, stop_comma: bool) -> int:
    """Last index reachable from ``i`` in direction ``step`` within ``limit`` tokens, stopping at boundaries."""
    j = i
    for _ in range(limit):
        k = j + step
        if k < 0 or k >= len(toks):
            break
        ch = toks[k].text
        if ch in _STRONG_BOUND or (stop_comma and ch in _COMMA):
            break
        j = k
    return j


def _time_aside(toks: list[Token], a: int, b: int, res: Resources) -> bool:
    """True when tokens [a, b) are a short time adverbial (``time_aside`` words of events_filters.tsv or digits):
    "، الجمعة،" / "في وقت سابق،". Empty or longer than 4 tokens → False."""
    if not 0 < b - a <= 4:
        return False
    return all(toks[j].norm.isdigit() or res.match("time_aside", toks, j) for j in range(a, b))


def _after_bound(toks: list[Token], t: _Trig, res: Resources) -> int:
    """Last token index of the window after trigger ``t`` where its actors may be (:data:`_AFTER_WIN` tokens,
    stopping at a strong boundary or a comma). A comma that only sets off a time adverbial does not end the window:
    "اتهمت المنظمة، الجمعة، الحكومة بـ…" and "اتهم في وقت سابق، الحكومة بـ…" keep the object after the commas."""
    start = t.b
    j = t.b - 1
    budget = _AFTER_WIN
    apposed = False
    while budget > 0:
        k = j + 1
        if k >= len(toks) or toks[k].text in _STRONG_BOUND:
            break
        if toks[k].text in _COMMA:
            # the aside before this comma (trigger … aside ،) or after it (، aside ،)
            if _time_aside(toks, start, k, res) and start == t.b:
                start = k + 1
                j = k
                continue
            m = k + 1
            while m < len(toks) and m - k <= 5 and toks[m].text not in _COMMA and toks[m].text not in _STRONG_BOUND:
                m += 1
            if m < len(toks) and toks[m].text in _COMMA and _time_aside(toks, k + 1, m, res):
                j = m
                start = m + 1
                continue
            if not apposed and _subject_comma(toks, t, k, res):
                apposed = True
                j = k
                continue
            break
        j = k
        budget -= 1
    return j


def _subject_comma(toks: list[Token], t: _Trig, k: int, res: Resources) -> bool:
    """True when the comma at token ``k`` only separates the subject of an ``object_then_b`` verb (اتهم، هدد، طالب
    …) from its object and that object's ب-phrase: "اتهمت المعارضة، النظام بالتخطيط لـ…". The subject is 1–4
    tokens right after the one-word verb; after the comma come a non-preposition word and, within 4 more tokens
    before any comma, a ب-word."""
    if t.b - t.a != 1 or not res.match("object_then_b", toks, t.a):
        return False
    # a subject of 1–4 tokens, or up to 8 when it carries a prepositional aside ("منظمة العفو في تقرير نشرته
    # الخميس،"); the ب-word then within 4 (or 8) tokens after the comma
    aside = any(toks[j].norm in _PREP_WORDS for j in range(t.b + 1, k))
    reach = 8 if aside else 4
    if not 0 < k - t.b <= reach:
        return False
    if k + 1 >= len(toks) or toks[k + 1].norm in _PREP_WORDS or toks[k + 1].norm[:1] == "ب":
        return False
    for m in range(k + 2, min(len(toks), k + 2 + reach)):
        if toks[m].text in _COMMA or toks[m].text in _STRONG_BOUND:
            return False
        if toks[m].norm[:1] == "ب" and len(toks[m].norm) > 3:
            return True
    return False


def _modality(toks: list[Token], trig: _Trig, res: Resources) -> str:
    """Modality of one trigger from the cues before it (conditional > negated > future)."""
    found: set[str] = set()
    # future prefix on the trigger itself (سيلتقي) or on a verb just before it (سيتم عقد)
    for j in range(trig.a, max(-1, trig.a - 4), -1):
        if not 0 <= j < len(toks) or toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
            break
        w = strip_clitics(toks[j].norm)
        for c in w[:2]:
            if c in res.not_future:
                continue
            if len(c) >= (4 if j == trig.a and trig.entry.pos == "v" else 5) and c[0] == "س" and c[1] in "يتن":
                found.add("future")
    # "زيارة رسمية سيقوم بها الرئيس": a future verb with a pronoun back to the event noun right after it
    for j in range(trig.b, min(len(toks), trig.b + 3)):
        if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
            break
        w = toks[j].norm
        if (len(w) >= 5 and w[0] == "س" and w[1] in "يت" and w not in res.not_future
                and (w.endswith(("ها", "ه")) or (j + 1 < len(toks) and toks[j + 1].norm in ("بها", "به")))):
            found.add("future")
            break
    lo = max(0, trig.a - 10)
    j = trig.a - 1
    while j >= lo:
        t = toks[j]
        if t.text in _STRONG_BOUND:
            break
        cs = strip_clitics(t.norm)[:2]
        if len(t.norm) >= 3 and t.norm[0] in "وف" and t.norm[1:] not in cs:
            cs = cs + [t.norm[1:]]  # short words keep their conjunction in strip_clitics (ومن المقرر)
        for c in cs:
            for words, mod, scope in res.modality.get(c, ()):
                if trig.a - j > scope or mod == "requested":
                    continue
                if all(j + q < len(toks) and toks[j + q].norm == w for q, w in enumerate(words[1:], 1)):
                    k = j + len(words)
                    if mod == "negated" and c == "ما" and j > 0 and (toks[j - 1].text in _COMMA
                                                                    or toks[j - 1].norm in ("و", "مما")):
                        continue  # "، ما أسفر عن مقتل": a relative "which", not a negation
                    if (mod == "negated" and scope <= 5 and k < trig.a and not res.match("light_verb", toks, k)):
                        # "لم تنه الاحتجاجات": the negation governs the verb right after it, not a later noun
                        continue
                    if mod == "conditional" and words[-1] in ("حال", "حاله") and res.match("state_noun", toks, k):
                        continue  # "في حالة تأهب" is "in a state of alert", not "in case of"
                    found.add("requested" if mod == "necessity" else mod)
        j -= 1
    for mod in ("conditional", "negated", "requested", "future"):
        if mod in found:
            return mod
    return "asserted"


def sentence_triggers(toks: list[Token], res: Resources | None = None, ents: list[Entity] | None = None) -> list[_Trig]:
    """Triggers of one sentence's tokens with request/governed marks and modality (no actors).

    Input: tokens of one sentence. Output: list of trigger records (``a``, ``b`` token indices, ``entry``
    (:class:`~khabar.events.lexicon.TrigEntry`), ``definite``, ``modality``, ``drop``). Used by the coder and by
    the sentence gate (:mod:`khabar.events.gate`).
    """
    res = res or resources()
    blocked = None
    if ents:
        # no trigger inside a name (فيصل ≠ ف + يصل)
        blocked = [False] * len(toks)
        starts = [t.start for t in toks]
        for e in ents:
            if (e.label or "").upper() in ("PER", "GPE", "LOC") or ((e.label or "").upper() == "ORG" and e.kb_id):
                # also a linked organisation's name (طالبان ≠ the dual verb "they demanded")
                i = bisect.bisect_left(starts, e.start)
                while i < len(toks) and toks[i].end <= e.end:
                    blocked[i] = True
                    i += 1
    trigs = _find_triggers(toks, res, blocked)
    if ents:
        # a trigger that is also an administrative noun (مقاطعة "boycott" / "county") right before a place that is
        # not a country names the place (مقاطعة لوس أنجلوس); before a country it stays an event (مقاطعة قطر)
        by_start = {e.start: e for e in ents if (e.label or "").upper() in ("GPE", "LOC")}
        for t in trigs:
            if t.b - t.a == 1 and t.b < len(toks) and res.match("admin_homograph", toks, t.a):
                e = by_start.get(toks[t.b].start)
                if e is not None and not (e.kb_id or "").startswith("country:"):
                    t.drop = True
                    t.topic = True
    # requests and governed actions: دعا إلى وقف …, وافق على بدء مفاوضات
    for k, t in enumerate(trigs):
        if t.entry.type == "REQUEST" and not t.up:
            nxt = trigs[k + 1] if k + 1 < len(trigs) else None
            if (nxt is not None and nxt.entry.type == "CONSULT" and not nxt.definite and nxt.a - t.b <= 4
                    and toks[nxt.a].norm.endswith("ا") and not any(x.norm in ("الي", "لعقد") for x in toks[t.b:nxt.a])):
                # "دعت فرنسا اجتماعًا" (accusative object): convened a meeting → CONSULT host by the caller
                t.drop = True
                nxt.entry = TrigEntry(nxt.entry.words, nxt.entry.gaps, "CONSULT", "043", "host", "n",
                                      frozenset({"convened"}), nxt.entry.order)
                nxt.convener = t
                continue
            for u in trigs[k + 1:]:
                # (a quotation mark does not separate: طالبت المنظمات "بالإفراج عن …")
                if u.a - t.b > 8 or any(x.text in _STRONG_BOUND and x.text not in _QUOTE for x in toks[t.b:u.a]):
                    break
                if u.entry.type == "REQUEST":
                    continue
                u.requested_by = t
                u.drop = True
                break
        elif t.entry.type == "AGREE":
            for u in trigs[k + 1:]:
                if u.a - t.b > 3:
                    break
                u.governed = True
        elif t.entry.type == "ACCUSE" and t.entry.pos == "v" and not t.definite and t.entry.cameo == "112":
            # "اتهم روسيا بتنفيذ هجمات": the action alleged (a ب-verbal noun after the object) is not asserted
            for u in trigs[k + 1:]:
                if u.a - t.b > 8 or u.a > _after_bound(toks, t, res):
                    break
                # (بدعم الميليشيات، بتنفيذ هجمات: the trigger or the verbal noun before it carries the ب)
                if _nominal(toks, u) and not (u.definite and toks[u.a].norm[:1] != "ب") and any(
                        toks[j].norm[:1] == "ب" and len(toks[j].norm) > 3 for j in range(max(t.b, u.a - 1), u.a + 1)):
                    u.drop = True
                    u.topic = True
                break
        elif t.entry.type == "ACCUSE" and t.entry.pos == "v" and not t.definite and toks[t.a].norm[:1] != "ب":
            # "أدانت الحكومة الهجوم على السفارة": the event condemned is the verb's object; its agent is not the
            # one condemning
            for u in trigs[k + 1:]:
                if u.a - t.b > 8 or u.a > _after_bound(toks, t, res):
                    break
                if _nominal(toks, u) and u.entry.type != "ACCUSE":
                    u.object_of = t
                break
        elif t.entry.type == "REJECT" and t.entry.pos == "v" and not t.definite:
            # "رفض ترودو الاعتذار للسعودية": the refused action is the rejection's object, not an event
            for u in trigs[k + 1:]:
                if u.a - t.b > 8 or any(x.text in _STRONG_BOUND or x.text in _COMMA for x in toks[t.b:u.a]):
                    break
                if u.entry.type != "REJECT" and (u.entry.pos == "n" or u.definite):
                    u.rejected_by = t
                    u.drop = True
                break
    for k, t in enumerate(trigs):
        if t.entry.type == "ACCUSE" and t.entry.mode == "investigate":
            # "دعا المجلس إلى تحقيق في الهجوم": the event investigated has no agent/victim before the inquiry
            for u in trigs[k + 1:]:
                if u.a - t.b > 3:
                    break
                if (u.entry.type != "ACCUSE" and _nominal(toks, u)
                        and any(res.match("inquiry_prep", toks, j) for j in range(t.b, u.a))):
                    u.object_of = u.object_of or t
                break
    for k, t in enumerate(trigs):
        if not t.drop and _not_an_event(toks, t, res):
            t.drop = True
            t.topic = True
        t.modality = _modality(toks, t, res)
        if t.modality == "asserted" and k > 0:
            # purpose: "سيزور X … لإجراء محادثات" — the talks share the visit's modality
            p = trigs[k - 1]
            if (p.modality in ("future", "conditional") and 0 <= t.a - p.b <= 10
                    and not any(x.text in _STRONG_BOUND for x in toks[p.b:t.a])
                    and any(toks[j].norm.startswith("ل") and res.match("purpose", toks, j)
                            for j in range(max(p.b, t.a - 2), t.a))):
                t.modality = p.modality
    return trigs


def _nominal(toks: list[Token], t: _Trig) -> bool:
    """True for an event noun or a verbal noun (definite or with the purpose lam: لترحيل، بتهجير)."""
    if t.entry.pos == "n" or t.definite:
        return True
    w = toks[t.a].norm
    return len(w) > 3 and w[0] in "لب" and not t.entry.words[0].startswith(w[0])


def _not_an_event(toks: list[Token], t: _Trig, res: Resources) -> bool:
    """Context filters (``events_filters.tsv``): a trigger that is a time noun (فجر اليوم، عند الفجر), a reference
    after a time preposition (منذ اندلاع), the topic/object of a plan, attempt, rejection or discussion (خطة
    لترحيل، بحث تثبيت وقف إطلاق النار), or an ASSAULT word in an accident report (تحطم طائرة) is not an event."""
    a = t.a
    # time homographs: فجر (dawn) followed by a time word, preceded by a time preposition, or definite (الفجر)
    if t.b - t.a == 1 and res.match("homograph_time", toks, a):
        if res.match("time_word", toks, t.b) or toks[a].norm.startswith(("ال", "وال", "بال", "فال")):
            return True
        if a > 0 and (res.match("time_prep", toks, a - 1) or (a > 1 and res.match("time_prep", toks, a - 2) == 2)):
            return True
    if a > 0 and (res.match("time_prep", toks, a - 1) == 1 or (a > 1 and res.match("time_prep", toks, a - 2) == 2)):
        return True
    if _nominal(toks, t):
        j = a - 1
        other = 0
        while j >= 0 and a - j <= 5:
            x = toks[j].text
            if x in _STRONG_BOUND or x in _COMMA:
                break
            if res.match("topic_frame", toks, j):
                return True
            if not res.match("frame_skip", toks, j):
                other += 1
                if other > 1:
                    break
            j -= 1
    # "يمكنكم تسلم إشعارات": receiving notifications / messages, not a handover
    if t.b - t.a == 1 and res.match("receive_verb", toks, a) and any(
            res.match("receive_object", toks, j) for j in range(t.b, min(len(toks), t.b + 3))):
        return True
    # "نشرت المنظمة تقريرا"، "في تقرير نشرته": publishing, not deploying
    if res.match("publish_verb", toks, a) and (
            any(res.match("publish_object", toks, j) for j in range(max(0, a - 2), a))
            or (t.b - t.a == 1 and any(res.match("publish_object", toks, j)
                                       for j in range(t.b, _after_bound(toks, t, res) + 1)))):
        return True
    # a fixed phrase holding the trigger word in another sense ("طالب لجوء" asylum seeker, "منطقة نزع السلاح")
    for j in range(max(0, a - 3), a + 1):
        n = res.match("set_phrase", toks, j)
        if n and j + n > a:
            return True
    # "أي محتوى ينطوي على تهديد": threatening content, not a threat made
    if t.entry.type == "THREATEN" and t.b - t.a == 1 and any(
            res.match("threat_content", toks, j) and not any(x.text in _COMMA for x in toks[j:a])
            for j in range(max(0, a - 3), a)):
        return True
    # "يدينون بالولاء لتنظيم": professing allegiance / a religion, not condemning
    if t.entry.type == "ACCUSE" and t.b < len(toks) and res.match("profess_object", toks, t.b):
        return True
    if t.b - t.a == 1 and res.match("hang_verb", toks, a):
        # علق "suspended" is also "commented (on)" and "hung (posters)"
        # (على right after the verb or after its subject: "وعلق الوزير X على القرار"; not "على خلفية")
        for j in range(t.b, min(len(toks), t.b + 5)):
            if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
                break
            if res.match("comment_prep", toks, j):
                if not res.match("comment_not", toks, j + 1):
                    return True
                break
        if any(res.match("hang_object", toks, j) for j in range(t.b, _after_bound(toks, t, res) + 1)):
            return True
    if _nominal(toks, t) and a > 0 and res.match("modifier_head", toks, a - 1):
        return True  # "موظفي المساعدات": aid workers, not aid given
    if t.entry.type == "ASSAULT" and t.b - t.a == 1 and toks[a].norm.endswith(("عمليه", "عمليات")) \
            and res.match("operation_not_attack", toks, t.b):
        return True  # "عمليات التفتيش": inspections, not military operations
    # "يعد" is "promises" only with its ب-object (يعد بتقديم); otherwise "is considered" (يعد الأخطر، يعد من)
    if t.b - t.a == 1 and res.match("promise_homograph", toks, a):
        # the ب-object may follow a post-verbal subject: "ويعد الرئيس الفرنسي بتقديم دعم"
        obj = False
        for j in range(t.b, min(len(toks), t.b + 5)):
            if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
                break
            w = toks[j].norm
            if w.startswith("ب") and len(w) > 3 and not res.match("promise_not_object", toks, j):
                obj = True
                break
        if not obj:
            return True
    # "نشرت الوكالة صورا / بيانا": publishing, not deploying
    if t.entry.type == "MOBILIZE" and t.b - t.a == 1 and res.match("publish_verb", toks, a):
        for j in range(t.b, min(len(toks), t.b + 4)):
            if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
                break
            if res.match("publish_object", toks, j):
                return True
    # a meeting noun qualified as a rally or festival (لقاء جماهيري، ملتقى ثقافي) is not a consultation
    if t.entry.type == "CONSULT" and t.b < len(toks) and res.match("consult_not_meeting", toks, t.b):
        return True
    if t.entry.type == "ASSAULT" and _nominal(toks, t):
        for j in range(a - 1, max(-1, a - 4), -1):
            if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
                break
            if res.match("ceasefire_head", toks, j):
                return True  # وقف فوري لإطلاق النار: the ceasefire's object, not a shooting
    if t.entry.type == "ASSAULT":
        lo, hi = _bounded(toks, a, -1, 8, True), _bounded(toks, t.b - 1, 1, 8, True)
        if any(res.match("accident", toks, j) for j in range(lo, hi + 1) if not t.a <= j < t.b):
            return True
    return False


def _code_sentence(doc: Document, si: int, toks: list[Token], ents: list[Entity], timexes, res: Resources,
                   kb, ctx: dict | None = None) -> list[tuple[Event, bool]]:
    ctx = {} if ctx is None else ctx
    trigs = sentence_triggers(toks, res, ents)
    if not trigs:
        return []
    from khabar.events import gate
    for typ in (gate.GATED if GATE_ENABLED else ()):
        mine = [t for t in trigs if t.entry.type == typ and not t.drop]
        if mine and not gate.keep(toks, trigs, typ):
            for t in trigs:
                if t.entry.type == typ:
                    t.drop = True
    mentions = _mentions(doc, toks, ents, res, kb)
    out: list[tuple[Event, bool]] = []
    for k, t in enumerate(trigs):
        if t.drop:
            continue
        _assign_roles(toks, t, trigs, mentions)
        _dual(toks, t, res, ctx, si)
        if t.entry.type == "ASSAULT" and not t.sources and _nominal(toks, t):
            # "مقتل 12 شخصا في غارات إسرائيلية": the attacker is the nationality on the attack noun that follows
            for u in trigs:
                if u is not t and u.entry.type == "ASSAULT" and 0 <= u.a - t.b <= 6:
                    _assign_roles(toks, u, trigs, mentions)
                    if u.sources:
                        t.sources = list(u.sources)
                        t.targets = [m for m in t.targets if m not in u.sources]
                        break
        if t.convener is not None:
            _assign_roles(toks, t.convener, trigs, mentions)
            t.sources = t.convener.sources
            t.targets = [m for m in t.targets + t.convener.targets if m not in t.sources]
            t.definite = False
        if t.entry.type == "REJECT" and t.modality == "negated":
            t.modality = "asserted"  # "نفى أن يكون رفض" is rare; a negation cue on REJECT is the cue itself
        has_actor = bool(t.sources or t.targets)
        if "weak" in t.entry.flags and not any(m.actor.country or m.actor.kb_id for m in t.sources + t.targets):
            continue
        if "pair" in t.entry.flags and not (t.sources and t.targets):
            continue
        typ, cameo, mode, modality = t.entry.type, t.entry.cameo, t.entry.mode, t.modality
        if t.governed and modality == "asserted":
            modality = "future"
        if modality == "negated" and typ in _REJECT_OF:
            typ, cameo, mode, modality = "REJECT", _REJECT_OF[typ], None, "asserted"
        if typ == "REJECT" and not t.targets:
            refused = next((u for u in trigs if u.rejected_by is t), None)
            if refused is not None:  # the refused action's partner is the rejection's target
                _assign_roles(toks, refused, trigs, mentions)
                t.targets = [m for m in refused.targets + refused.sources if m not in t.sources]
        if typ == "REQUEST":
            asked = next((u for u in trigs if u.requested_by is t), None)
            if asked is not None:
                mode = _REQUEST_VERBS_MODE.get(asked.entry.type, "change")
                cameo = _REQUEST_CAMEO.get(mode, "100")
                if not t.targets:
                    _assign_roles(toks, asked, trigs, mentions)
                    t.targets = [m for m in asked.targets + asked.sources if m not in t.sources]
            modality = "requested" if asked is not None or modality == "asserted" else modality
        place = _place(toks, t, mentions, trigs)
        if INHERIT_LOCATION_COUNTRY:
            _inherit_country(t, place, mentions)
        victims = _not_sources(toks, t, trigs, mentions)
        if _CAPTURE is not None:
            _CAPTURE.append((toks, t, list(mentions), place, victims))
        _select(toks, t, mentions, place, victims)
        srcs = _dedup([m.actor for m in t.sources])
        tgts = [a for a in _dedup([m.actor for m in t.targets]) if not srcs or not _same_actor(a, srcs[0])]
        date = _date(doc, toks, t, timexes)
        if modality == "asserted" and _later_than_publication(date, doc.pub_date):
            modality = "future"  # "ويزور أردوغان ألمانيا الشهر المقبل": dated after the article, so not done yet
        trig_span = Span(toks[t.a].start, toks[t.b - 1].end, doc.text[toks[t.a].start:toks[t.b - 1].end])
        if typ == "CONSULT" and cameo in _SYM_CONSULT and place and place.country:
            parts = {a.country for a in srcs + tgts if a.country}
            if len(parts) >= 2 and place.country not in parts:
                mode, cameo = "third-party", "044"
        ev = Event(type=typ, cameo=cameo, trigger=trig_span, sentence=si, mode=mode,
                   source=srcs[0] if srcs else None, target=tgts[0] if tgts else None, sources=srcs, targets=tgts,
                   location=place, date=date, modality=modality, mentions=[trig_span])
        anaphoric = t.definite and not has_actor
        out.append((ev, anaphoric))
        named = _dedup([a for a in srcs + tgts if a.kb_id or a.country])
        if len(named) == 2:
            ctx["pair"] = (si, [m for m in t.sources + t.targets if any(_same_actor(m.actor, a) for a in named)])
    return out


def _not_sources(toks: list[Token], t: _Trig, trigs: list[_Trig], mentions: list[_Mention]) -> list[_Mention]:
    """Mentions the rules of :func:`_assign_roles` never make the source of ``t``, so neither may the selector:
    the victims governed by another trigger's victim noun (إصابة/مقتل + [number] + X) of an ASSAULT/COERCE
    trigger that is not itself a victim noun, everyone before a trigger right after an occurrence noun
    ("نفى X حدوث مواجهات": the denier is not the agent), and the subject of a speech verb whose reported clause
    holds the trigger (:func:`_reporting`)."""
    out: list[_Mention] = []
    if t.entry.type in ("ASSAULT", "COERCE") and "victim" not in t.entry.flags:
        out = [m for m in mentions
               if any(u is not t and "victim" in u.entry.flags and u.b <= m.a and _victim_near(toks, u.b, m.a)
                      for u in trigs)]
        out += [m for m in _range_victims(toks, [u for u in trigs if u is not t], mentions) if m not in out]
    if (t.a > 0 and resources().match("occurrence", toks, t.a - 1)) or t.object_of is not None:
        # (and everyone before an event that is the object of a condemnation: "أدانت X الهجوم")
        out += [m for m in mentions if m.b <= t.a and all(m is not o for o in out)]
    if t.entry.type == "ASSAULT" and t.entry.pos == "n" and any(
            u is not t and u.a == t.b and u.entry.pos == "v" and u.entry.type == "ASSAULT"
            and any(m.a == u.b for m in mentions) for u in trigs):
        # "تفجيرا استهدف X": what the attack noun's own verb hits is its object, never its agent
        out += [m for m in mentions if m.a > t.b and all(m is not o for o in out)]
    # the source of a report ("أفادت مصادر ليبية بأن هجوما …") is not the event's agent
    out += [m for m in mentions if m.b <= t.a and _reporting(toks, m, t) and all(m is not o for o in out)]
    return out


def _select(toks: list[Token], t: _Trig, mentions: list[_Mention], place: Place | None,
            victims: list[_Mention] = ()) -> None:
    """Trained fallback (:mod:`khabar.events.selector`) for a source/target slot the rules leave empty or fill
    with a country-less generic actor: an empty slot gets the chosen candidate (a city/region as a country-level
    actor of its country); a generic actor gets the chosen candidate's country. A country-less best candidate
    means "no country": the slot is left as the rules left it."""
    from khabar.events import selector

    if not selector.ENABLED:
        return
    for role in ("source", "target"):
        filled = t.sources if role == "source" else t.targets
        if filled and selector.actor_country(filled[0].actor):
            continue
        # (the source of a report is neither slot: "أكدت الوزارة أن هناك 11 قتيلا")
        pool = [m for m in mentions if all(m is not v for v in victims)] if role == "source" else [
            m for m in mentions if not (m.b <= t.a and (_speaker_of(toks, m, t) or t.object_of is not None))]
        m = selector.choose(toks, t, pool, role, place.country if place is not None else None)
        if m is None:
            continue
        c = selector.actor_country(m.actor)
        if not c:
            continue  # the best reading is "no country": leave the slot as the rules left it
        if filled:
            g = filled[0]
            a = g.actor
            new = _Mention(g.a, g.b, Actor(english=a.english, country=c, actor_code=c + (a.actor_code or ""),
                                           kb_id=a.kb_id, start=a.start, end=a.end, text=a.text),
                           g.marker, g.is_place, g.place, g.conj, g.generic, g.adjective, g.label)
            filled[0] = new
            continue
        a = m.actor
        if c and (m.is_place or (a.kb_id or "").startswith(("city:", "region:"))):
            a = Actor(english=None, country=c, actor_code=c, start=a.start, end=a.end, text=a.text)
            m = _Mention(m.a, m.b, a, m.marker, False, None, m.conj, False, False, m.label)
        (t.sources if role == "source" else t.targets).append(m)
    if t.sources and t.targets:
        t.targets = [m for m in t.targets if all(m is not s for s in t.sources)]


def _dual(toks: list[Token], t: _Trig, res: Resources, ctx: dict, si: int) -> None:
    """A dual subject (الجانبان، الطرفان، الزعيمان …) right after or before the trigger, or a dual pronoun on the
    trigger itself (رفضهما), refers to the two parties of the last event with exactly two named parties, in this or
    the previous two sentences: for a symmetric event (CONSULT, AGREE …) they become its source and target,
    otherwise both are its sources."""
    pair = ctx.get("pair")
    if not pair or si - pair[0] > 2:
        return
    last = toks[t.b - 1].norm
    suffix = len(last) > 4 and last.endswith("هما")  # the trigger carries a dual pronoun: رفضهما "their rejection"
    hit = suffix or any(res.match("dual", toks, j) for j in range(t.b, min(len(toks), t.b + 2))) or any(
        res.match("dual", toks, j) for j in range(max(0, t.a - 2), t.a))
    if not hit:
        return
    ms = pair[1]
    if len(ms) < 2:
        return
    if "sym" in t.entry.flags:
        t.sources, t.targets = [ms[0]], [m for m in ms[1:2]]
    else:
        # both parties act together (رفض الجانبان، رفضهما): two sources; the target is what follows, if anything
        t.sources = list(ms[:2])
        t.targets = [m for m in t.targets if all(not _same_actor(m.actor, x.actor) for x in ms[:2])]


def _assign_roles(toks: list[Token], t: _Trig, trigs: list[_Trig], mentions: list[_Mention]) -> None:
    if t.sources or t.targets:
        return
    e = t.entry
    sym = "sym" in e.flags
    lo = _bounded(toks, t.a, -1, _BEFORE_WIN, stop_comma=False)
    hi = _after_bound(toks, t, resources())
    # do not take actors across another trigger's clause after us, nor from the topic of a plan/attempt
    # ("يرفضان أي محاولة لتهجير الفلسطينيين": the Palestinians are not the target of the rejection)
    res = resources()
    for u in trigs:
        if u.a >= t.b and u is not t and u.a <= hi and (u.entry.pos == "v" or u.topic) and u.requested_by is None \
                and u.rejected_by is None \
                and not (e.type == "ASSAULT" and res.match("agent_by", toks, u.a)):
            # (قتل فلسطيني برصاص القوات: the by-fire phrase belongs to the verb's clause)
            comma = next((k for k in range(u.a, hi + 1) if toks[k].text in _COMMA), None)
            if u.drop and comma is not None and _subject_comma(toks, t, comma, res):
                continue  # a non-event verb inside the subject's aside: "اتهمت X في تقرير نشرته الخميس، Y بـ"
            hi = u.a - 1
            break
    for j in range(t.b, hi + 1):
        # "يرفضان أي محاولة لتهجير X": X is inside the object of the rejection (a plan/attempt to …), not its target
        if res.match("topic_frame", toks, j) and any(
                len(toks[q].norm) > 3 and toks[q].norm[0] in "لب" for q in range(j + 1, min(hi + 1, j + 3))):
            hi = j
            break
    # a bare singular nationality adjective is an actor only right after the trigger (غارة إسرائيلية), not when
    # it qualifies some other noun (أعلام تركية، موقع فلسطيني)
    after = [m for m in mentions if m.a >= t.b and m.a <= hi and not m.is_place
             and (not m.adjective or m.a == t.b)]
    before = [m for m in mentions if m.b <= t.a and m.a >= lo and not m.is_place and not m.adjective]
    if e.pos == "v" and not t.definite:
        # a mention before another verb trigger is that verb's subject, not ours ("X يمكنه المضي في صفقة لن يدعمها")
        for u in trigs:
            if u is not t and u.b <= t.a and u.entry.pos == "v" and not u.definite and not u.drop:
                before = [m for m in before if m.a >= u.b]
    elif e.type == "ASSAULT":
        # "جنديان قتلا بانفجار عبوة"، "قتلوا في هجوم انتحاري": an attack noun right after an attack verb is how
        # that verb's event happened; the verb's subject before it is the verb's (maybe its victim), not the noun's
        for u in trigs:
            if u is not t and u.entry.type == "ASSAULT" and u.entry.pos == "v" and not u.definite and not u.drop \
                    and u.b <= t.a and t.a - u.b <= 2 and not any(
                        x.text in _STRONG_BOUND or x.text in _COMMA for x in toks[u.b:t.a]):
                before = [m for m in before if m.a >= u.b]
    # no subject across a subordinator for an attack whose own subject follows it: "نجا X من محاولة عندما انفجرت
    # عبوة" (a pro-drop verb after بينما shares the main subject: "وقصف الجيش الموقع بينما فرض حظرا")
    sub = next((j for j in range(t.a - 1, max(-1, t.a - 4), -1) if res.match("subordinator", toks, j)), None)
    if sub is not None and e.type == "ASSAULT" and any(
            sub < u.a <= t.a and u.entry.type == "ASSAULT" and (any(w.a == u.b for w in trigs) or any(
                m.a == u.b and m.marker is None for m in mentions)) for u in trigs):
        before = [m for m in before if m.a > sub]
    # a city right after a preposition or a container noun (في، إلى، شوارع، وسط …) is a place, not a metonymic actor
    def placed(m: _Mention) -> bool:
        # (بصنعاء: ب on a city is "in")
        return (m.actor.kb_id or "").startswith("city:") and m.a > 0 and bool(
            res.match("place_container", toks, m.a - 1) or (toks[m.a].norm[:1] in "بل" and len(toks[m.a].norm) > 4
                                                           and toks[m.a].norm[1:3] == "ال")
            or _b_clitic_city(m))
    # a place naming an accord or a conference ("اتفاق أوسلو"، "مؤتمر جنيف") is part of that name, not an actor
    def named(m: _Mention) -> bool:
        return m.a > 0 and bool(m.actor.country) and (m.actor.kb_id or "").startswith(("city:", "country:")) \
            and bool(res.match("named_after_place", toks, m.a - 1))
    before = [m for m in before if not placed(m) and not named(m)]
    after = [m for m in after if not placed(m) and not named(m)]
    agent_gen = None
    if e.type == "ASSAULT" and t.b - t.a == 1 and res.match("agent_by", toks, t.a):
        # the trigger is itself "by the fire of" (قتل فلسطيني برصاص القوات): its genitive is the shooter
        agent_gen = next((m for m in after if m.a == t.b and not m.adjective), None)
        if agent_gen is not None:
            after = [m for m in after if m is not agent_gen]
    elif (e.pos == "n" or t.definite) and e.type == "ASSAULT" and t.b - t.a == 1 and res.match("agent_genitive", toks, t.a):
        # "غارة لتحالف دعم الشرعية": the ل-complement right after a raid noun is the attacker
        agent_gen = next((m for m in after if m.a == t.b and m.label in ("ORG", "GPE") and not m.adjective
                          and toks[m.a].norm[:1] == "ل" and len(toks[m.a].norm) > 3), None)
        if agent_gen is not None:
            after = [m for m in after if m is not agent_gen]
    # the victims named by a victim noun ("إصابة أربعة جنود"، "مقتل مدنيين") are never the agent of an attack
    # in the same clause: keep them out of every other trigger's source candidates
    # (a victim noun reaches its victims across numbers and time words, _victim_near, for the mentions before this
    # trigger; after it only right after the noun: "قتل وأصيب أكثر من ألف شخص" — the people are this verb's too)
    victims = [m for m in before + after
               if any(u is not t and "victim" in u.entry.flags and u.b <= m.a
                      and (m.a - u.b <= 2 or (m.b <= t.a and _victim_near(toks, u.b, m.a))) for u in trigs)]
    victims += [m for m in _range_victims(toks, [u for u in trigs if u is not t], before + after) if m not in victims]
    if victims and e.type in ("ASSAULT", "COERCE") and "victim" not in e.flags:
        before = [m for m in before if m not in victims]
        after = [m for m in after if m not in victims]
    sources: list[_Mention] = []
    targets: list[_Mention] = []
    partners: list[_Mention] = []
    unmarked_after: list[_Mention] = []
    if (e.pos == "n" or t.definite) and e.type in ("ASSAULT", "COERCE") and not sources:
        # "غارة شنتها طائرات X"، "الهجوم الذي نفذته X": the subject of a "carried it out" verb right after the
        # attack noun (through a relative pronoun or an adjective) is the attacker
        for j in range(t.b, min(t.b + 3, len(toks))):
            if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA:
                break
            n = res.match("agent_relative", toks, j)
            if n:
                # (or the nationality of the unlisted noun after it: "شنتها طائرة أمريكية")
                doer = next((m for m in mentions if m.marker is None and not m.is_place and (
                    (m.a == j + n and not m.adjective) or (m.a == j + n + 1 and m.adjective))), None)
                if doer is not None:
                    sources.append(doer)
                    after = [m for m in after if m is not doer]
                break
    if (e.pos == "n" or t.definite) and e.type == "ASSAULT" and not sources:
        # "دبابة إسرائيلية أطلقت القذيفة"، "أطلقت طائرة X صاروخا": the weapon noun is the object of a launch verb
        # (``launch_verb`` in events_filters.tsv) up to three tokens before it; that verb's subject is the attacker
        for v in range(t.a - 1, max(-1, t.a - 4), -1):
            if toks[v].text in _STRONG_BOUND or toks[v].text in _COMMA:
                break
            if res.match("launch_verb", toks, v):
                inner = [m for m in before if m.a > v and m.marker is None and not m.adjective]
                doer = inner[:1] or _svo_subject(toks, _Trig(v, v + 1, e), [m for m in before if m.b <= v])
                sources.extend(doer)
                before = [m for m in before if m not in doer]
                break
    if (e.pos == "n" or t.definite) and e.type == "ASSAULT" and t.b < len(toks) and res.match("owned_by", toks, t.b):
        # "طائرة مسيرة تابعة لـX": the owner of the attacking weapon named by the trigger is the attacker
        owner = next((m for m in after if m.a == t.b + 1 and not m.adjective), None)
        if owner is not None:
            sources.append(owner)
            after = [m for m in after if m is not owner]
    for m in after:
        if m.marker in ("target", "source_or_target"):
            if m.marker == "target" or e.type in ("RETREAT", "SANCTION") or (
                    m.marker == "source_or_target" and "ft" in e.flags):  # طلب من X: X is asked
                targets.append(m)
        elif m.marker == "partner":
            partners.append(m)
        elif m.marker == "agent":
            sources.append(m)
        elif m.marker is None:
            unmarked_after.append(m)
    if e.type in ("ASSAULT", "COERCE"):
        # "قصفت القوات مواقع المعارضة": the owner of the positions hit is the target
        owned = [m for m in unmarked_after if m.a > t.b and res.match("object_head", toks, m.a - 1)]
        if owned:
            targets.extend(owned)
            unmarked_after = [m for m in unmarked_after if m not in owned]
    # event nouns: genitive / adjective right after the trigger
    noun = e.pos == "n" or t.definite
    # "وطالبت منظمة العفو بفتح تحقيق": a demand verb with no subject before it, no plural subject suffix and no
    # earlier verb of the sentence to share a subject with has the mention after it as its subject (the one
    # asked is named with من or as a second noun phrase: "طالبت X Y بـ")
    demand_subject = e.type == "REQUEST" and not noun and not sources and not _plural_subject(toks, t) \
        and not _svo_subject(toks, t, before) and not any(
            u is not t and u.b <= t.a and u.entry.pos == "v" and not u.definite and u.sources and not u.drop
            for u in trigs)
    if not noun and unmarked_after and t.b - t.a == 1 and res.match("object_then_b", toks, t.a) \
            and not demand_subject \
            and unmarked_after[0].a - t.b <= 1 and unmarked_after[0].b < len(toks) \
            and toks[unmarked_after[0].b].norm[:1] == "ب" and len(toks[unmarked_after[0].b].norm) > 3 \
            and not any(m.a == unmarked_after[0].b for m in mentions):
        # "واتهم واشنطن بزعزعة الاستقرار": the complement followed by a ب-phrase is the object; what the ب-phrase
        # says (بعرقلة وصول المساعدات إلى المدنيين) holds no participant of this event
        obj = unmarked_after[0]
        targets = [obj] + [m for m in targets if m.a < obj.b]
        partners = [m for m in partners if m.a < obj.b]
        unmarked_after = []
        prev = [u for u in trigs if u is not t and u.b <= t.a and u.entry.pos == "v" and not u.definite
                and u.sources and not u.drop]
        if prev and toks[t.a].norm[:1] == "و" and not sources and not _svo_subject(toks, t, before):
            sources.extend(prev[-1].sources)  # the co-ordinated verb shares the previous verb's subject
    unnamed_subject = False
    if not noun and not sources and unmarked_after and t.b - t.a == 1 \
            and (_unnamed_subject(toks, t, unmarked_after[0], mentions, res) or any(
                u is not t and u.b == t.a and u.entry.pos == "n" and not u.definite and u.entry.type == "ASSAULT"
                and e.type == "ASSAULT" and unmarked_after[0].a == t.b for u in trigs)):
        # (also an attack verb right after an indefinite attack noun: "تفجير استهدف دورية X" — the explosion is
        # the subject, X the object)
        # "ويتهم أنصار حقوق الإنسان فيسبوك بالتقصير"، "وانتقدت السفارة الولايات المتحدة"، "أن التقرير ينتقد X":
        # the subject is a noun phrase that names no actor; the named mention after it is the object
        targets.extend([unmarked_after[0]] + _group(unmarked_after))
        unmarked_after = []
        unnamed_subject = True
    if not noun and not sources and t.b - t.a > 1:
        # "أطلقت الشرطة النار": a subject inside a multi-word verb trigger is its subject
        inside = [m for m in mentions if t.a < m.a and m.b < t.b and m.marker is None and not m.is_place]
        if inside:
            (targets if "pass" in e.flags else sources).extend(inside)
    coord = not noun and toks[t.a].norm[:1] == "و"
    if coord and not sources and not (unmarked_after and unmarked_after[0].a - t.b <= 1):
        # "طردت الرياض السفير واستدعت سفيرها": a co-ordinated verb with no subject after it shares the previous
        # verb's subject (not that verb's object, the mention right before it,
        # which the SVO rule below would take; a subject right after the verb, "وردت القوات", is its own)
        prev = [u for u in trigs if u is not t and u.b <= t.a and u.entry.pos == "v" and not u.definite
                and not u.drop]
        if prev and prev[-1].sources and t.a - prev[-1].b <= 8 and not any(
                x.text in _STRONG_BOUND or x.text in _COMMA for x in toks[prev[-1].b:t.a]):
            sources.extend(m for m in prev[-1].sources if m not in targets)
    if not noun and not sources and not (coord and unmarked_after and unmarked_after[0].a - t.b <= 1):
        # SVO: a subject right before the verb, separated only by particles (وكان X قد استقبل Y، X وY يرفضان);
        # not before a co-ordinated verb with its subject right after it ("اعتقل المسلحون الصحفي وقصف الجيش …")
        svo = _svo_subject(toks, t, before)
        if svo:
            passive = "pass" in e.flags or (_passive_reading(toks, t, res, objects=unmarked_after)
                                            and _victim_like(toks, svo[0], res))
            if passive and "pass" not in e.flags:
                targets[:0] = svo  # the victim named before the verb comes first
            else:
                (targets if passive else sources).extend(svo)
            if passive:
                unmarked_after = []
    if unmarked_after:
        first = unmarked_after[0]
        adjacent = first.a - t.b <= 1 or ("victim" in e.flags and noun and _victim_near(toks, t.b, first.a))
        if noun:
            if first.adjective and adjacent:
                # "غارة إسرائيلية": the attacker; "مقتل فلسطيني": a victim noun's nationality is the victim's
                (targets if "victim" in e.flags else sources).append(first)
                unmarked_after = unmarked_after[1:]
            elif "gt" in e.flags and (adjacent or _titled_person(toks, t.b, first)):
                # (also a person after his title: "اغتيال الأمين العام السابق للحزب X فلان")
                targets.append(first)
                unmarked_after = unmarked_after[1:]
            elif adjacent and ("gs" in e.flags or sym):
                sources.append(first)
                unmarked_after = unmarked_after[1:]
            elif t.definite:
                unmarked_after = []
        if unmarked_after and not noun and e.type in ("ASSAULT", "COERCE") and adjacent and not sources \
                and _bare_people(toks, unmarked_after[0]) \
                and _passive_reading(toks, t, res, unmarked_after[0].b, unmarked_after[1:]):
            # "قتل عراقيان في تفجير": an indefinite nationality noun after a kill verb with no object after it is
            # the subject of the passive (قُتل), the victim
            targets.append(unmarked_after[0])
            unmarked_after = unmarked_after[1:]
        if unmarked_after and not noun and e.type in ("ASSAULT", "COERCE") and _counted(toks, unmarked_after[0]):
            # "قتل 4 جنود إثيوبيين": a counted group after the verb is the victim (passive reading), before any
            # later marked target ("قتل 5 مدنيين في غارة على غزة": the civilians first)
            v = unmarked_after[0]
            targets.insert(next((q for q, m in enumerate(targets) if m.a > v.a), len(targets)), v)
            unmarked_after = unmarked_after[1:]
        relative = not noun and not sources and "pass" not in e.flags and _relative_verb(toks, t, res)
        if unmarked_after and relative:
            # "التحالف الذي يدعم الأسد": the subject is the head before the relative pronoun, what follows the object
            targets.append(unmarked_after[0])
            unmarked_after = []
        if unmarked_after and not noun:
            if "pass" in e.flags:
                targets.append(unmarked_after[0])
            else:
                if not sources and _plural_subject(toks, t):
                    # "ودعوا المواطنين": the verb carries its (plural) subject, what follows is its object
                    targets.append(unmarked_after[0])
                    unmarked_after = []
                if not sources and unmarked_after and not (sym and _between(toks, partners)
                                                           and partners[0].a < unmarked_after[0].a):
                    # (a mention after "بين X وY" is not a party of the symmetric event: "اتفاق بين X وY حول إجلاء سكان")
                    sources.append(unmarked_after[0])
                    rest = _group(unmarked_after)
                    sources.extend(rest)
                    unmarked_after = [m for m in unmarked_after[1:] if m not in rest]
                if unmarked_after and "gs" not in e.flags and (not sym or (
                        not partners and sources and unmarked_after[0].a - sources[-1].b <= 3)):
                    # transitive symmetric verbs too, object right after the subject: "التقى X نظيره Y" → target Y
                    targets.append(unmarked_after[0])
        elif unmarked_after and noun and not t.definite and not sources and "gt" not in e.flags \
                and not (sym and _between(toks, partners) and partners[0].a < unmarked_after[0].a) \
                and not (unmarked_after[0].actor.kb_id or "").startswith("city:"):
            # (a city after an event noun is where it happened: "متظاهرون … في شوارع الخرطوم"); a protest noun's
            # later complement is what is protested against ("متظاهرون … احتجاجا على قرار الحكومة"), not the protester
            (targets if e.type == "PROTEST" else sources).append(unmarked_after[0])
    if not sources and not unnamed_subject and not (noun and t.definite) and "victim" not in e.flags \
            and not (sym and _between(toks, partners)):
        # (a symmetric event with its two parties after بين has no other party before it; "مع X وY" has: the subject)
        # a speaker (قال X) is the subject of the reported verb only when the complementiser carries a pronoun
        # referring back to him: "قال ماكرون إنه تحدث" (he said he spoke)
        cands = [m for m in before if all(m is not x for x in targets) and (
            (m.marker in (None, "agent") and not _reporting(toks, m, t)) or (
            m.marker == "speaker" and any(x.norm in _SELF_COMP for x in toks[m.b:t.a])))]
        # "نفى X وقوع اشتباكات" (X denied that clashes took place): an occurrence noun right before the trigger
        # makes it the subject of that noun, so no one before it is the event's agent
        if cands and t.a > 0 and res.match("occurrence", toks, t.a - 1):
            cands = []
        if cands:
            pick = next((m for m in reversed(cands) if m.actor.country and m.place is None), None) or next(
                (m for m in reversed(cands) if m.actor.country), cands[-1])
            idx = cands.index(pick)
            grp = [pick]
            k = idx
            while k > 0:
                nxt, prv = cands[k], cands[k - 1]
                if nxt.conj and nxt.a - prv.b <= 4:
                    grp.insert(0, prv)
                    k -= 1
                else:
                    break
            k = idx
            while k + 1 < len(cands) and cands[k + 1].conj and cands[k + 1].a - cands[k].b <= 4:
                grp.append(cands[k + 1])
                k += 1
            # (a counted group before a verb is its victim — "قتل 4 جنود" — unless the verb's object after it is
            # already the target: "العشرات من المستوطنين هاجموا المواطنين")
            if "pass" in e.flags or (e.type in ("ASSAULT", "COERCE") and not noun and not targets and (
                    _counted(toks, grp[0]) or (_passive_reading(toks, t, res, objects=after)
                                               and _victim_like(toks, grp[0], res)))):
                # (or the verb is a passive with no object: "X، عشرين عاما، قتل بينما كان …")
                targets.extend(grp)
            else:
                sources.extend(grp)
        # targets marked before a noun trigger are rare; ignore
    if not noun and e.type == "ASSAULT" and any(m.marker == "agent" for m in sources) and not targets:
        # passive with a by-fire agent (قتل فلسطيني برصاص القوات): the unmarked mention before the verb is the victim
        vic = [m for m in before if m.marker is None and m not in sources]
        if vic:
            targets.append(vic[-1])
    if noun and "victim" in e.flags and not targets:
        # "سقط عشرات X بين قتيل وجريح": the group right before "between killed and wounded" is the victim
        targets = [m for m in before if m in _range_victims(toks, [t], before)]
    if noun and e.type in ("ASSAULT", "COERCE") and _undergoes(toks, t, res):
        # "تعرضت القوات لهجوم" / "القوات تعرضت لهجوم": the subject of "undergo" is the target; only an agent
        # phrase (من قبل) is the source
        targets = [m for m in sources if m.marker != "agent"] + targets
        sources = [m for m in sources if m.marker == "agent"]
    if partners:
        if sources:
            targets = targets + partners if e.mode == "visit" else partners + targets
        else:
            sources, targets = partners[:1], partners[1:] + targets
    if sym and not targets and len(sources) >= 2:
        # symmetric with co-ordinated parties: the first is source, the others targets
        countries = [m.actor.country for m in sources]
        if len(set(c for c in countries if c)) >= 2 or all(m.actor.kb_id for m in sources):
            sources, targets = sources[:1], sources[1:]
    # a city is the place of an event, not its actor: never a source beside a person/organisation, and the object
    # of a visit ("يزور X واشنطن") is a target
    cities = [m for m in sources if (m.actor.kb_id or "").startswith("city:")]
    if cities and (len(cities) < len(sources) or e.mode == "visit"):
        sources = [m for m in sources if m not in cities]
        if e.mode == "visit":
            targets = targets + cities
    if agent_gen is not None:
        if res.match("agent_by", toks, t.a):
            # …and whoever was named before it is the one shot, not a second attacker
            targets = targets + [m for m in sources if m not in targets]
            sources = []
        sources = [agent_gen] + [m for m in sources if m is not agent_gen]
    t.sources = sources
    t.targets = [m for m in targets if m not in sources]


def _unnamed_subject(toks: list[Token], t: _Trig, m: _Mention, mentions: list[_Mention], res: Resources) -> bool:
    """True when the one-word verb trigger ``t`` has a subject that names no actor, so that ``m`` (the first
    unmarked mention after it, not a person) is its object. Three shapes, data in events_filters.tsv:

    * an ``object_then_b`` verb (اتهم، هدد، طالب …) with 1–4 non-preposition, non-time words before ``m`` and a
      ب-word right after ``m``: "ويتهم أنصار حقوق الإنسان فيسبوك بالتقصير";
    * an ACCUSE verb followed by 1–3 definite words before ``m``: "وانتقدت السفارة الولايات المتحدة";
    * an ACCUSE verb right after a definite non-actor noun after a bare complementiser: "أن التقرير ينتقد X".
    Persons and nationality adjectives after a gap are left alone (a title before a name is in apposition)."""
    e = t.entry
    if e.pos != "v" or m.label == "PER" or m.adjective or m.a < t.b:
        return False
    if e.type == "ACCUSE" and t.a >= 2 and toks[t.a - 2].norm in _BARE_COMP \
            and toks[t.a - 1].norm.startswith("ال") and not any(x.a <= t.a - 1 < x.b for x in mentions):
        return True
    gap = range(t.b, m.a)
    if not 1 <= len(gap) <= 4 or any(t.b <= x.a < m.a for x in mentions):
        return False
    if any(toks[j].text in _COMMA or toks[j].text in _STRONG_BOUND or toks[j].norm.isdigit()
           or toks[j].norm in _PREP_WORDS or res.match("time_aside", toks, j) for j in gap):
        return False
    if toks[t.b].norm[:1] in "بل" and not toks[t.b].norm.startswith("ال"):
        return False  # a prepositional aside (بشدة، لأسباب), not a subject
    if res.match("object_then_b", toks, t.a) and m.b < len(toks) and toks[m.b].norm[:1] == "ب" \
            and len(toks[m.b].norm) > 3 and not any(x.a == m.b for x in mentions):
        return True
    return e.type == "ACCUSE" and len(gap) <= 3 and all(toks[j].norm.startswith("ال") for j in gap)


def _relative_verb(toks: list[Token], t: _Trig, res: Resources) -> bool:
    """True for a one-word verb trigger right after a relative pronoun (``relative_pronoun`` in
    events_filters.tsv) that carries no object pronoun (``object_pronoun_suffixes``): "الذي يدعم" (who supports)
    but not "الذي تدعمه" (whom … supports)."""
    if t.b - t.a != 1 or t.a == 0 or not res.match("relative_pronoun", toks, t.a - 1):
        return False
    w = toks[t.a].norm
    stem = t.entry.words[0]
    k = w.find(stem)
    if k < 0:
        return False  # the stem is not visible in the word: unknown inflection, leave it to the general rules
    if w[k + len(stem):].endswith(_OBJ_SUFFIXES):
        return False
    # the pronoun back to the head may sit later in the clause ("الذي دعا فيه أردوغان"، "التي أفرجت عنها الشرطة"،
    # "الذي تعهد الجيش بإجرائه"): then the mention after the verb is its subject
    for j in range(t.b, min(len(toks), t.b + 7)):
        x = toks[j]
        if x.text in _COMMA or x.text in _STRONG_BOUND:
            break
        if res.match("resumptive", toks, j) or (x.norm[:1] in "بل" and len(x.norm) > 4
                                                 and x.norm.endswith(_OBJ_SUFFIXES)):
            return False
    return True


def _b_clitic_city(m: _Mention) -> bool:
    """True when a city mention starts with the preposition ب (بصنعاء "in Sanaa"), not with a name's own ب
    (برلين، بغداد): the text without it is an alias of the city's KB entry and the full text is not."""
    text = m.actor.text or ""
    if not text.startswith("ب") or len(text) < 4 or not m.actor.kb_id:
        return False
    kb = _kb()
    if kb is None:
        return False
    try:
        from khabar.kb.store import alias_key
        e = kb.get(m.actor.kb_id)
        if e is None:
            return False
        keys_ = {alias_key(a) for a in e.aliases}
        return alias_key(text) not in keys_ and alias_key(text[1:]) in keys_
    except Exception:  # noqa: BLE001
        return False


_BARE_COMP = frozenset(_FW["bare_complementisers"])


def _reporting(toks: list[Token], m: _Mention, t: _Trig) -> bool:
    """True when mention ``m`` is the subject of a speech verb whose reported clause (after a bare إن / أن / بأن)
    holds trigger ``t``: "أفادت مصادر ليبية بأن هجوما …", "قال المتحدث X إن انتحاريين فجرا …" — the source of the
    report, not an actor of the event. A complementiser with a pronoun (إنه) keeps the speaker as the subject."""
    if t.a > 0 and m.b < t.a and resources().match("speech_noun", toks, t.a - 1):
        # "نقلت الوكالة عن مسؤولين تأكيدهم مقتل …": whoever confirms the event right after their speech noun
        return True
    comp = next((k for k in range(m.b, t.a) if toks[k].norm in _BARE_COMP), None)
    if comp is None or any(toks[k].norm in _SELF_COMP for k in range(m.b, t.a)):
        return False
    cues = _speech_cues()
    return any(any(c in cues for c in strip_clitics(toks[j].norm)[:3]) for j in range(max(0, m.a - 4), comp))


def _speaker_of(toks: list[Token], m: _Mention, t: _Trig) -> bool:
    """Narrow form of :func:`_reporting` for the target slot: ``m`` confirms the event right before it with a
    speech noun ("عن مسؤولين تأكيدهم مقتل …"), or is the subject right after a speech verb whose bare
    complementiser introduces the trigger ("أكدت وزارة الصحة أن هناك خمسة قتلى")."""
    if t.a > 0 and m.b < t.a and resources().match("speech_noun", toks, t.a - 1):
        return True
    if m.a == 0 or not _reporting(toks, m, t):
        return False
    cues = _speech_cues()
    return any(c in cues for c in strip_clitics(toks[m.a - 1].norm)[:3])


@functools.lru_cache(maxsize=1)
def _speech_cues() -> frozenset[str]:
    """Normalised speech-verb forms (say / deny / opine verbs and participles) of the quote lexicon
    (``lexicons/quotes_cues.tsv``)."""
    try:
        from khabar.quotes.lexicon import load
        return frozenset(k for k, v in load().cues.items()
                         if v.kind in ("verb", "participle") and v.flag in ("say", "opine", "deny", "relay"))
    except Exception:  # noqa: BLE001 - without the quote lexicon no mention is excluded
        return frozenset()


def _undergoes(toks: list[Token], t: _Trig, res: Resources) -> bool:
    """True when a nominal trigger is the object of an "undergo" verb (``undergo`` in events_filters.tsv) up to
    ten tokens before it in the same clause: "تعرضت (القوات البريطانية) لهجوم"، "نجا X عمدة المدينة من محاولة"."""
    for j in range(t.a - 1, max(-1, t.a - 11), -1):
        if toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA or res.match("undergo_stop", toks, j):
            return False  # (nor across a new clause: "نجا X من محاولة عندما انفجرت عبوة")
        if res.match("undergo", toks, j):
            return True
    return False


def _between(toks: list[Token], partners: list[_Mention]) -> bool:
    """True when the partners are two or more parties after بين ("اتفاق بين تركيا وروسيا"): they are all the parties
    of the symmetric event."""
    return len(partners) >= 2 and partners[0].a > 0 and toks[partners[0].a - 1].norm == "بين"


def _plural_subject(toks: list[Token], t: _Trig) -> bool:
    """True when a one-word verb trigger carries a plural subject suffix (دعوا، نددوا، يطالبون، تطالبون): a verb
    before its subject is singular in Arabic, so an NP after such a verb is its object, not its subject."""
    if t.b - t.a != 1 or t.definite or t.entry.pos != "v":
        return False
    return any(len(w) >= 4 and (w.endswith("وا") or (w[0] in "يت" and w.endswith("ون")))
               for w in strip_clitics(toks[t.a].norm)[:2])


def _passive_reading(toks: list[Token], t: _Trig, res: Resources, after: int | None = None,
                     objects: list[_Mention] = ()) -> bool:
    """True when the one-word ASSAULT/COERCE verb trigger ``t`` is a past form whose passive is written alike
    (قتل/قُتل، قتلوا/قُتلوا: ``passive_homograph`` in events_filters.tsv) and what follows it (from token ``after``,
    by default right after the verb) is no object but a preposition, a by-phrase or a time word (``passive_next``)
    or the end of the clause: "أربعة جنود قتلوا في هجوم" — the soldiers were killed, they are the victims. Not when
    a counted group follows among ``objects`` (the mentions after the verb): "قتلوا في الهجوم ثلاثة جنود"."""
    if t.entry.type not in ("ASSAULT", "COERCE") or t.b - t.a != 1 or not res.match("passive_homograph", toks, t.a):
        return False
    if any(_counted(toks, m) and m.a - t.b <= 8 for m in objects):
        return False
    j = t.b if after is None else after
    for _ in range(3):  # time words in between say nothing ("خطفوا أمس دبلوماسيا": an object follows)
        n = 0 if j >= len(toks) else res.match("time_word", toks, j) or res.match("passive_time", toks, j)
        if not n:
            break
        j += n
    if j >= len(toks) or toks[j].text in _STRONG_BOUND or toks[j].text in _COMMA or toks[j].text in ".!?":
        return True
    return bool(res.match("passive_next", toks, j))


def _titled_person(toks: list[Token], i: int, m: _Mention) -> bool:
    """True when the person mention ``m`` follows token ``i`` after at most six words with no preposition, number or
    punctuation among them: a title in construct (الأمين العام السابق للحزب الشيوعي X)."""
    if m.label != "PER" or not 0 < m.a - i <= 6:
        return False
    return not any(x.text in _STRONG_BOUND or x.text in _COMMA or x.norm in _PREP_WORDS or _quantity(x.norm)
                   for x in toks[i:m.a])


def _victim_like(toks: list[Token], m: _Mention, res: Resources) -> bool:
    """True when the subject ``m`` before a passive-homograph verb reads as a victim: a counted group (also through a
    partitive and a construct head: "أربعة من حراس الأمن الأفغان") or an indefinite noun phrase or unlinked name;
    not a definite or KB-linked actor ("القوات الأمريكية قتلت في غارة قياديا": the forces are the agent)."""
    if _counted(toks, m):
        return True
    k = m.a - 1  # a construct head before the mention (حراس الأمن) counted through a partitive
    if k > 1 and toks[k - 1].norm == "من" and _quantity(toks[k - 2].norm):
        return True
    if m.actor.kb_id:
        return False
    return not any(c.startswith("ال") for c in strip_clitics(toks[m.a].norm)[:1]) \
        and not toks[m.a].norm.startswith(("ال", "وال"))


def _victim_near(toks: list[Token], i: int, j: int) -> bool:
    """True when the mention at token ``j`` is governed by the victim noun ending before token ``i``: at most two
    tokens between, or up to five that are all numbers, time words or approximators (``victim_skip`` in
    events_filters.tsv): "وأصيب صباح أمس أربعة جنود"، "مقتل ما لا يقل عن"… stop at the first other word."""
    if j - i <= 2:
        return True
    if j - i > 5:
        return False
    res = resources()
    k = i
    while k < j:
        n = res.match("victim_skip", toks, k)
        if n:
            k += n
        elif _quantity(toks[k].norm):
            k += 1
        else:
            return False
    return True


def _range_victims(toks: list[Token], trigs: list[_Trig], mentions: list[_Mention]) -> list[_Mention]:
    """The mentions ending right before "بين" + a victim noun of ``trigs`` (``victim_range`` in events_filters.tsv):
    "سقط عشرات المدنيين بين قتيل وجريح" — the group counted as killed and wounded."""
    res = resources()
    out = []
    for u in trigs:
        if "victim" in u.entry.flags and u.a > 0 and res.match("victim_range", toks, u.a - 1):
            out += [m for m in mentions if m.b == u.a - 1 and m.marker is None and m not in out]
    return out


def _bare_people(toks: list[Token], m: _Mention) -> bool:
    """True for a one-word indefinite plural/dual nationality noun with no name or agent noun (عراقيان، فلسطينيون)."""
    a = m.actor
    return (m.b - m.a == 1 and not m.adjective and not a.kb_id and bool(a.country) and a.actor_code == a.country
            and not strip_clitics(toks[m.a].norm)[-1].startswith("ال") and not toks[m.a].norm.startswith(("ال", "وال")))


def _svo_subject(toks: list[Token], t: _Trig, before: list[_Mention]) -> list[_Mention]:
    """The pre-verbal subject of the verb trigger ``t`` (with the mentions co-ordinated before it): the nearest
    unmarked mention before the verb with only particles (``svo_particle`` in ``events_filters.tsv``) between."""
    res = resources()
    cands = [m for m in before if m.marker is None]
    if not cands:
        return []
    m = cands[-1]
    j = m.b
    while j < t.a:
        if toks[j].text in ("\"", "“", "”", "«", "»"):
            return []
        n = res.match("svo_particle", toks, j)
        if not n:
            return []
        j += n
    grp = [m]
    k = len(cands) - 1
    while k > 0 and cands[k].conj and cands[k].a - cands[k - 1].b <= 2:
        grp.insert(0, cands[k - 1])
        k -= 1
    return grp


_LOCAL_AGENTS = {"MIL", "GOV"}


def _inherit_country(t: _Trig, place: Place | None, mentions: list[_Mention]) -> None:
    """Country of a generic local actor (armed forces, government named without nationality: ``_LOCAL_AGENTS``) =
    the country of the event place, else the single country of the sentence's places (a common event-coding
    convention: forces named without nationality are local). The Actor's ``actor_code`` gets the country prefix."""
    country = place.country if place is not None else None
    if country is None:
        cs = {m.place.country for m in mentions if m.place is not None and m.place.country}
        country = cs.pop() if len(cs) == 1 else None
    if not country:
        return
    for m in t.sources + t.targets:
        a = m.actor
        if a.country is None and a.kb_id is None and (a.actor_code or "") in _LOCAL_AGENTS:
            m.actor = Actor(english=a.english, country=country, actor_code=country + (a.actor_code or ""),
                            kb_id=None, start=a.start, end=a.end, text=a.text)


def _quantity(norm: str) -> bool:
    """True for a number (digits) or a number/quantity word (``number_words`` of events_function_words.json)."""
    return any(ch.isdigit() for ch in norm) or strip_clitics(norm)[-1] in _NUMBER_WORDS


def _counted(toks: list[Token], m: _Mention) -> bool:
    """True when the mention is preceded by a number (digits or a number word), directly or through a partitive
    "من" (العشرات من المسلحين): a counted group of people."""
    if m.a == 0:
        return False
    p = toks[m.a - 1].norm
    if p == "من" and m.a > 1:
        return _quantity(toks[m.a - 2].norm)
    return _quantity(p)


def _group(ms: list[_Mention]) -> list[_Mention]:
    """Mentions co-ordinated with the first one (X و Y)."""
    out = []
    for k in range(1, len(ms)):
        if ms[k].conj and ms[k].a - ms[k - 1].b <= 4:
            out.append(ms[k])
        else:
            break
    return out


def _dedup(actors: list[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for a in actors:
        if any(_same_actor(a, b) for b in out):
            continue
        out.append(a)
    return out


def _same_actor(a: Actor, b: Actor) -> bool:
    if a.kb_id and b.kb_id:
        return a.kb_id == b.kb_id
    if a.start is not None and a.start == b.start and a.end == b.end:
        return True
    return bool(a.actor_code and a.actor_code == b.actor_code and not a.kb_id and not b.kb_id)


_RANK = {"city": 3, "region": 2, "country": 1}


def _place_rank(p: Place) -> int:
    kid = p.kb_id or ""
    return _RANK.get(kid.split(":", 1)[0], 2 if p.lat is not None else 0)


def _place(toks: list[Token], t: _Trig, mentions: list[_Mention], trigs: list[_Trig] = ()) -> Place | None:
    """The most specific linked place in a location phrase (في/ب/قرب + GPE/LOC) of the trigger's sentence; a place
    after a topic trigger that follows ours ("ناقشا وقف إطلاق النار في ليبيا") belongs to the topic."""
    topics = [u.a for u in trigs if u.topic and u.a >= t.b]
    cands = [m for m in mentions if m.place is not None and (m.is_place or m.marker == "location")
             and not any(ua < m.a for ua in topics)]
    if not cands:
        return None
    # prefer places after the trigger within its clause, then any in the sentence
    near = [m for m in cands if m.a >= t.b and m.a - t.b <= 15] or cands
    best = max(near, key=lambda m: (_place_rank(m.place), -abs(m.a - t.a)))
    return best.place


_REL = tuple(_FW["clause_openers"])  # relative pronouns, حيث, منذ: a new clause starts


def _clause_break(between: str) -> bool:
    """True when the text between a trigger and a timex crosses a clause boundary: a relative pronoun (التي،
    الذي …), حيث, منذ, a semicolon, or a comma followed by a new co-ordinated clause (، وبحث …)."""
    if any(c in between for c in "؛;"):
        return True
    words = normalize(between).split()
    if any(w in _REL for w in words):
        return True
    for k, ch in enumerate(between):
        if ch in "،,":
            rest = normalize(between[k + 1:]).split()
            if not rest or rest[0].startswith(("و", "ف", "ثم")):
                return True
    return False


def _later_than_publication(date: dict | None, pub: str | None) -> bool:
    """True when an event's own timex (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` value) lies wholly after the
    publication date ``pub`` (``YYYY-MM-DD``) at the timex's granularity; other values (weeks, seasons, times
    of the same day) and dates from the publication date are never later."""
    if not date or date.get("source") != "timex" or not pub:
        return False
    v = str(date.get("value") or "")
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
        return False
    return v > pub[:len(v)]


def _occasion_clause(between: str) -> bool:
    """True when the only clause opener between an earlier timex and the trigger is حيث after a comma ("استقبل
    … الأسبوع الماضي … في القاهرة، حيث أكد الزعيمان"): the حيث clause tells what happened on that occasion, so it
    shares its date."""
    if any(c in between for c in "؛;.؟!?"):
        return False
    words = normalize(between).split()
    openers = [w for w in words if w in _REL]
    return bool(openers) and all(w == "حيث" for w in openers) and any(c in between for c in "،,")


def _date(doc: Document, toks: list[Token], t: _Trig, timexes) -> dict | None:
    """The timex of the trigger's own clause (nearest DATE/TIME timex of the sentence not behind a clause break,
    see :func:`_clause_break`, and not inside a relative clause that does not hold the trigger), else the
    publication date marked ``source: pub_date``."""
    best = None
    bd = None
    tpos = toks[t.a].start
    res = resources()
    for x in timexes:
        if x.type not in ("DATE", "TIME") or not x.value:
            continue
        k = bisect.bisect_left([tk.start for tk in toks], x.start)
        if any(res.match("biography_date", toks, j) for j in range(max(0, k - 2), k)):
            continue  # (من مواليد 1971: a birth date, not the event's)
        d = abs(x.start - tpos)
        if x.start > tpos:
            between = doc.text[toks[t.b - 1].end:x.start]
        else:
            between = doc.text[x.end:toks[t.a].end]  # with the trigger: "، وبحث" vs "، التقى"
            # a timex inside a relative clause before the trigger ("X، التي بدأت في 2022، أعلنت")
            lead = normalize(doc.text[max(toks[0].start if toks else 0, x.start - 50):x.start]).split()[-6:]
            if any(w in _REL for w in lead) and any(c in between for c in "،,"):
                continue
        if _clause_break(between) and not (x.start < tpos and _occasion_clause(between)):
            continue
        if bd is None or d < bd:
            best, bd = x, d
    if best is not None:
        return {"value": best.value, "source": "timex", "start": best.start, "end": best.end}
    if doc.pub_date:
        return {"value": doc.pub_date, "source": "pub_date"}
    return None


# ------------------------------------------------------------------------------------------------ merging
def _countries(ev: Event) -> set[str]:
    return {a.country for a in ev.sources + ev.targets if a.country}


_INCIDENT_TYPES = frozenset(_FW["merge"]["retold_types"])  # actions retold without their participants
_INCIDENT_WINDOW = int(_FW["merge"]["retold_window"])  # sentences after the incident's last mention


def _compatible(a: Event, b: Event) -> bool:
    if a.type != b.type or a.modality != b.modality:
        return False
    ca, cb = _countries(a), _countries(b)
    last_ = getattr(a, "mentions_last", a.sentence)
    # an incident retold later without participants ("فجروا أنفسهم") may name its means differently
    retold = a.type in _INCIDENT_TYPES and not (cb or any(x.kb_id for x in b.sources + b.targets)) \
        and 0 < b.sentence - last_ <= _INCIDENT_WINDOW
    if a.mode and b.mode and a.mode != b.mode and "third-party" not in (a.mode, b.mode) and not retold:
        return False
    if ca and cb and not (ca <= cb or cb <= ca):
        return False
    ka = {x.kb_id for x in a.sources + a.targets if x.kb_id}
    kb_ = {x.kb_id for x in b.sources + b.targets if x.kb_id}
    last = getattr(a, "mentions_last", a.sentence)
    if last != b.sentence and b.sentence != a.sentence:
        # across sentences: the participants must be the same ones, not merely overlap in one country
        # (FRA's meeting ≠ FRA–USA talks): a shared named participant, or equal country sets of two or more
        if ka and kb_:
            if not (ka & kb_) or (len(ka) >= 2 and len(kb_) >= 2 and not (ka <= kb_ or kb_ <= ka)):
                return False
        elif ca and cb:
            if not (ca == cb and len(ca) >= 2) and not (ka & kb_):
                return False
        # a demand/offer repeated in the next sentence with the same mode, one of them without named participants
        repeated = bool(a.mode) and a.mode == b.mode and b.sentence - last <= 1 and (
            not (a.sources or a.targets) or not (b.sources or b.targets))
        if not (ca or ka) or not (cb or kb_):
            # an indefinite mention without participants in another sentence is not a reference — except for an
            # incident (attack, protest, arrest, aid convoy) retold within a few sentences ("وقتل في الهجوم …" is
            # the same one; so is a summary "احتجاز" before the detentions are told with their agents)
            if not (a.type in _INCIDENT_TYPES and b.sentence - last <= _INCIDENT_WINDOW) and not repeated:
                return False
        if not (ca and cb) and not (ka and kb_ and ka & kb_):
            if abs(a.sentence - b.sentence) > 1 and not (
                    a.type in _INCIDENT_TYPES and b.sentence - last <= _INCIDENT_WINDOW
                    and (not (cb or kb_) or (not (ca or ka) and _same_day(a.date, b.date)))):
                return False
    da, db = a.date or {}, b.date or {}
    if da.get("source") == "timex" and db.get("source") == "timex" and da.get("value") != db.get("value"):
        return False
    va, vb = str(da.get("value") or ""), str(db.get("value") or "")
    if va[:4].isdigit() and vb[:4].isdigit() and va[:4] != vb[:4]:
        return False  # a 2022 meeting is not this week's meeting (timex vs publication date)
    la, lb = a.location, b.location
    if la and lb and la.country and lb.country and la.country != lb.country:
        return False
    if la and lb and _place_rank(la) == _place_rank(lb) == 3 and la.kb_id != lb.kb_id:
        return False
    if la and lb and la.kb_id != lb.kb_id and min(_place_rank(la), _place_rank(lb)) >= 2:
        return False  # two different cities/regions
    return True


def _same_day(da: dict | None, db: dict | None) -> bool:
    """Whether two event dates (``{"value", "source"}`` dicts or None) give the same value (or either is missing):
    an unnamed summary mention takes the agents of a later one only when nothing dates them apart."""
    va, vb = (da or {}).get("value"), (db or {}).get("value")
    return not va or not vb or va == vb


def _absorb(a: Event, b: Event) -> None:
    a.mentions.extend(b.mentions)
    no_sources = not a.sources  # an unnamed first mention takes all the sources of the later one as sources
    for x in b.sources:
        if not any(_same_actor(x, y) for y in a.sources + a.targets):
            (a.sources if no_sources or not a.sources else a.targets).append(x)
    for x in b.targets:
        if not any(_same_actor(x, y) for y in a.sources + a.targets):
            a.targets.append(x)
    a.source = a.sources[0] if a.sources else None
    a.target = a.targets[0] if a.targets else None
    if b.location and (a.location is None or _place_rank(b.location) > _place_rank(a.location)):
        a.location = b.location
    if (b.date or {}).get("source") == "timex" and (a.date or {}).get("source") != "timex":
        a.date = b.date
    if a.mode is None and b.mode:
        a.mode, a.cameo = b.mode, b.cameo
    if a.type == "CONSULT" and a.location and a.location.country and a.cameo in _SYM_CONSULT | {"044"}:
        parts = _countries(a)
        if len(parts) >= 2 and a.location.country not in parts:
            a.mode, a.cameo = "third-party", "044"


_MERGE_WINDOW = 40  # sentences: mentions further apart are not merged (keeps the cost linear on huge inputs)
_MAX_CANDIDATES = 60


def _merge(raw: list[Event], anaphoric: list[bool]) -> list[Event]:
    """Merge mentions of one action (see module doc). Candidates are the previous events of the same type within
    ``_MERGE_WINDOW`` sentences (at most ``_MAX_CANDIDATES``), so the cost stays linear in the text length."""
    out: list[Event] = []
    by_type: dict[str, list[Event]] = {}
    for ev, ana in zip(raw, anaphoric):
        prevs = by_type.setdefault(ev.type, [])
        # drop candidates that fell out of the window (events arrive in sentence order)
        while prevs and ev.sentence - prevs[0].mentions_last > _MERGE_WINDOW:  # type: ignore[attr-defined]
            prevs.pop(0)
        recent = prevs[-_MAX_CANDIDATES:]
        target = None
        if ana:
            cands = [p for p in recent if p.modality == ev.modality]
            if cands:
                target = max(reversed(cands), key=lambda p: len(p.mentions))
            elif ev.type not in ("ASSAULT", "PROTEST"):
                # "الاتفاق", "المفاوضات" with no participants and no antecedent: a reference, not an event report
                continue
        else:
            for prev in reversed(recent):
                if _compatible(prev, ev):
                    target = prev
                    break
        if target is not None:
            _absorb(target, ev)
            target.mentions_last = ev.sentence  # type: ignore[attr-defined]
        else:
            ev.mentions_last = ev.sentence  # type: ignore[attr-defined]
            out.append(ev)
            prevs.append(ev)
    for ev in out:
        ev.__dict__.pop("mentions_last", None)
    return out

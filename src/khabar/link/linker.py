"""Linking stage: every entity mention to one canonical KB entity, English name and CAMEO actor code.

Public entry: :func:`link` (``Document -> Document``, in place). Steps, in order:

1. **Gazetteer pass** — KB aliases the NER missed (multi-token country/city/organisation names, curated persons'
   names, big cities; single-word aliases only from the curated lists or countries, never from
   ``data/kb/gazetteer_stop.txt``), added where they overlap no existing entity (``link="exact"``).
2. **Candidates** per mention: exact alias (:meth:`KB.lookup`, clitics stripped), then a role/title prefix
   stripped (``الرئيس الأوكراني فولوديمير زيلنسكي`` → the name), then variant-tolerant matching for transliterated
   names (:meth:`KB.fuzzy`: consonant-class skeleton + rapidfuzz ratio ≥ 85, word by word: ordinary words and
   nationality adjectives must agree, name words may differ by one consonant only when long enough,
   ``link="fuzzy"``). A trailing place adjective (الجنوبية، الجديدة) or another nationality is never trimmed away.
3. **Context ranking** of several candidates: type agreement with the NER label, the KB prior, countries already
   seen in the document (linked places and nationality adjectives), and for persons an office held on the
   publication date.
4. **In-document coreference**: a short form (surname) of a name mentioned before links to it
   (``لافروف`` → ``سيرجي لافروف``, ``link="coref"``); all mentions of one entity share ``cluster``.
5. **Roles**: role phrases (``وزير الخارجية الروسي``, ``الرئيس الأوكراني``, ``مستشار الأمن القومي``) parsed with
   :meth:`KB.parse_role`. Followed by a person's name (apposition) they set that person's ``role`` (and country /
   actor code when the name is NIL); alone they become an extra ``PER`` entity with ``link="role"`` carrying the
   person named with the same office earlier in the document, else the office holder on ``doc.pub_date``
   (:meth:`KB.office_holder`; a UN envoy by the article's main country), or at least the actor code (``RUSGOV``);
   a former-office marker (السابق، الأسبق) stops resolution.
6. **NIL**: an institution phrase (ORG/LOC/MISC/GPE) whose every word is understood gets an English name composed
   by :func:`khabar.link.nil_names.compose` (``وزارة العمل السعودية`` → ``Ministry of Labour (Saudi Arabia)``,
   ``link="composed"``); any other NIL mention gets a Latin transliteration (:func:`khabar.link.translit.transliterate`
   when available, else the ANETAC/google word table of the KB, else a letter map), ``link="translit"``; ``kb_id`` None.

Linked places get ``label`` GPE (countries, cities, states) or LOC (other places), and ``lat``/``lon``.
Never raises on any input (errors inside one mention leave that mention unlinked).
"""
from __future__ import annotations

import bisect
import functools
import re

from khabar.ner.kbspans import day_then_weekday
from khabar.document import Document, Entity
from khabar.kb.store import KB, KBEntity, alias_key, get_kb, skeleton, tokens
from khabar.link.nil_names import compose as compose_institution
from khabar.paths import KB_DIR, LEXICONS
from khabar.text.normalize import normalize, strip_clitics

# roles that denote one person (an office) and can be resolved to a holder
PERSON_ROLES_AGENTS = {"GOV", "MIL", "IGO", "SPY", "LEG", "JUD", "COP", ""}
GROUP_ROLES = {"MILITARY", "POLICE", "GOVERNMENT", "OFFICIALS", "DELEGATION", "DIPLOMATS", "LEGISLATURE",
               "LEGISLATORS", "OPPOSITION", "REBELS", "PROTESTERS", "CIVILIANS", "JUDICIARY", "INTELLIGENCE",
               "BUSINESS", "MEDIA"}
GENERIC_ROLES = {"MINISTER", "ADVISER", "SPOKESPERSON", "COMMANDER", "GENERAL", "AMBASSADOR", "SECRETARY_GENERAL"}
_PLACE_SUB = {"country", "city", "region"}
_COMPOSE_LABELS = frozenset({"ORG", "LOC", "MISC", "GPE"})  # NIL labels whose institution phrases get composed names
_GPE_SUB = {"country", "city"}


@functools.lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    p = KB_DIR / "gazetteer_stop.txt"
    if not p.is_file():
        return frozenset()
    return frozenset(alias_key(l) for l in p.read_text(encoding="utf-8").splitlines()
                     if l.strip() and not l.startswith("#"))


@functools.lru_cache(maxsize=None)
def _word_list(name: str) -> frozenset[str]:
    """Normalised words of ``data/kb/<name>`` (one a line, ``#`` comments); empty when the file is missing."""
    p = KB_DIR / name
    if not p.is_file():
        return frozenset()
    return frozenset(normalize(l.strip()) for l in p.read_text(encoding="utf-8").splitlines()
                     if l.strip() and not l.startswith("#"))


def _heads() -> frozenset[str]:
    """Generic head nouns (``data/kb/generic_heads.txt``)."""
    return _word_list("generic_heads.txt")


def _apposition_titles() -> frozenset[str]:
    """Ranks and honorifics between a role phrase and the name (``data/kb/apposition_titles.txt``)."""
    return _word_list("apposition_titles.txt")


def _counterpart_words() -> frozenset[str]:
    """Counterpart nouns (نظيره، نظيرته …; ``data/kb/counterpart_words.txt``)."""
    return _word_list("counterpart_words.txt")


def _former_markers() -> frozenset[str]:
    """Words after a role phrase that make it a former office (السابق، الأسبق …; ``data/kb/former_markers.txt``)."""
    return _word_list("former_markers.txt")


def _deputy_markers() -> frozenset[str]:
    """Words before a role phrase that make it another office (نائب، مساعد، وكيل …; ``data/kb/deputy_markers.txt``)."""
    return _word_list("deputy_markers.txt")


def _place_modifiers() -> frozenset[str]:
    """Adjectives that make a different place of a name (الجنوبية، الجديدة …; ``data/kb/place_modifiers.txt``)."""
    return _word_list("place_modifiers.txt")


@functools.lru_cache(maxsize=1)
def _translit_fn():
    try:
        from khabar.link import translit as _t
        fn = getattr(_t, "transliterate", None)
        return fn if callable(fn) else None
    except Exception:  # noqa: BLE001 - optional module
        return None


@functools.lru_cache(maxsize=1)
def _letters() -> dict[str, str]:
    """Arabic letter → Latin fallback map (``data/lexicons/translit_fallback_letters.tsv``)."""
    out: dict[str, str] = {}
    p = LEXICONS / "translit_fallback_letters.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                k, v = line.split("\t", 1)
                out[k] = v
    return out


def romanize(text: str, kb: KB | None = None) -> str:
    """Latin rendering of an Arabic name (str → str), word by word: proclitics before the article dropped
    (بالبيضاء → البيضاء); a word found in the KB's ANETAC/google table (attested English spellings) takes that
    spelling (ال + word → al-Word); any other word goes to the transliteration model
    (:func:`khabar.link.translit.transliterate`) when it is available, else to a letter map. Latin letter names
    spelled in Arabic (بي بي سي) become one acronym (BBC). Latin input is returned unchanged."""
    if not re.search("[\u0600-\u06ff]", text or ""):
        return (text or "").strip()
    kb = kb or get_kb()
    raw = text.split()
    toks = tokens(text)
    letters = _letter_names()
    # a word as written, without harakat / tatweel and trailing punctuation (بِي → بي, "سي،" → سي)
    bare = [re.sub(r"[\u064b-\u065f\u0670\u0640]", "", w).strip(".,،:؛;!?؟\"'«»()") for w in raw]
    spelled = [letters.get(w) for w in bare] if len(raw) == len(toks) else [None] * len(toks)
    words = []
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and spelled[j] and j - i < _MAX_ACRONYM:
            j += 1
        if (j - i >= 2 or (j - i == 1 and len(toks) == 1)) and not all(bare[x] in _common_letter_names()
                                                                         for x in range(i, j)):
            words.append("".join(spelled[i:j]))  # "بي بي سي" → BBC: Latin letters spelled out in Arabic
            i = j
            continue
        # a Latin word keeps its case (CNN), an Arabic one is romanised
        words.append(raw[i] if len(raw) == len(toks) and not re.search("[\u0600-\u06ff]", raw[i])
                     else _word_latin(toks[i], kb))
        i += 1
    return " ".join(x for x in words if x)


_MAX_ACRONYM = 8  # letters of one spelled-out acronym (a longer run is split: no 300-letter "BBBB…")


@functools.lru_cache(maxsize=1)
def _common_letter_names() -> frozenset[str]:
    """Letter-name spellings that are also ordinary words (في، أو، إن …: third column "common")."""
    p = LEXICONS / "translit_letter_names.tsv"
    if not p.is_file():
        return frozenset()
    return frozenset(line.split("\t")[0].strip() for line in p.read_text(encoding="utf-8").splitlines()
                     if line and not line.startswith("#") and line.rstrip().endswith("\tcommon"))


@functools.lru_cache(maxsize=1)
def _letter_names() -> dict[str, str]:
    """Arabic spelling of a Latin letter name → the letter (``data/lexicons/translit_letter_names.tsv``), keyed by
    the word as written (إي E and آي I differ only in the hamza)."""
    out: dict[str, str] = {}
    p = LEXICONS / "translit_letter_names.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                cols = line.split("\t")
                out[cols[0].strip()] = cols[1].strip()
    return out


def _model(w: str) -> str | None:
    fn = _translit_fn()
    if fn is None:
        return None
    try:
        out = fn(w)
    except Exception:  # noqa: BLE001 - the model is optional
        return None
    return out.strip() if isinstance(out, str) and out.strip() else None


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _word_latin(w: str, kb: KB) -> str:
    if not re.search("[\u0600-\u06ff]", w):
        return w
    if w.startswith("لل") and len(w) > 4:
        w = "ال" + w[2:]
    elif w[0] in "وفبكل" and w[1:3] == "ال" and len(w) > 4:
        w = w[1:]
    en = kb.translit_words.get(w)
    if en:
        return _cap(en)
    if w[0] in "وف" and len(w) > 3 and kb.translit_words.get(w[1:]):  # conjunction glued to a known name (وجان)
        return _cap(kb.translit_words[w[1:]])
    if w.startswith("ال") and len(w) > 3 and kb.translit_words.get(w[2:]):
        return "al-" + _cap(kb.translit_words[w[2:]])
    if w.startswith("ال") and len(w) > 3:  # news convention: the article as "al-" (al-Bayda, al-Maliki)
        m = _model(w[2:])
        if m:
            return "al-" + _cap(m)
    m = _model(w)
    if m:
        return _cap(m)
    if w.startswith("ال") and len(w) > 3:
        rest = _word_latin(w[2:], kb)
        return "al-" + rest if rest else ""
    letters = _letters()
    return _cap("".join(letters.get(c, c if c.isascii() else "") for c in w).strip("'"))


# ----------------------------------------------------------------------------------------------------- helpers

def _type_ok(label: str, e: KBEntity) -> bool:
    if label in ("GPE", "LOC"):
        return e.type in ("GPE", "LOC")
    if label == "ORG":
        return e.type in ("ORG",) or e.subtype in ("country",)  # metonymy: a country acting
    return e.type == label


@functools.lru_cache(maxsize=1)
def _subtype_map() -> dict[str, str]:
    """``kb:<subtype>`` / ``agent:<code>`` → fine subtype, from ``data/lexicons/subtype_from_kb.tsv``."""
    p = LEXICONS / "subtype_from_kb.tsv"
    out: dict[str, str] = {}
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                k, v = line.split("\t", 1)
                out[k.strip()] = v.strip()
    return out


def _kb_subtype(e: KBEntity) -> str | None:
    """The fine subtype the KB implies for ``e`` (a person's by the agent part of its actor code), or None."""
    m = _subtype_map()
    if e.type == "PER":
        code = e.actor_code or ""
        return m.get(f"agent:{code[3:6]}") if len(code) >= 6 else None
    return m.get(f"kb:{e.subtype}")


def _apply(ent: Entity, e: KBEntity, how: str, score: float, pub_date: str | None, correct_label: bool) -> None:
    sub = _kb_subtype(e)
    if sub == "-":
        ent.subtype = None  # the KB knows the kind (a currency, a war) and no FANE subtype fits: no guess
    elif sub:
        ent.subtype = sub
    ent.english = e.english
    ent.kb_id = e.id
    ent.country = e.country
    ent.actor_code = e.actor_code
    ent.link = how
    ent.score = round(float(score), 1)
    ent.lat, ent.lon = e.lat, e.lon
    if e.type == "PER" and e.roles:
        held = _role_on(e, pub_date)
        if held:
            ent.role = ent.role or held
    if correct_label:
        if e.subtype in _GPE_SUB or (e.subtype == "region" and e.country):
            ent.label = "GPE"
        elif e.subtype in _PLACE_SUB:
            ent.label = "LOC"
        elif e.type in ("PER", "ORG") and ent.label != e.type:
            ent.label = e.type


def _role_on(e: KBEntity, date: str | None) -> str | None:
    d = (date or "9999-12-31")[:10]
    live = [r for r in e.roles if (r[2] is None or r[2] <= d) and (r[3] is None or d <= r[3])]
    if not live:
        return None
    live.sort(key=lambda r: r[2] or "")
    return live[-1][0]


def _rank(kb: KB, cands: list[KBEntity], label: str, doc_countries: dict[str, int], pub_date: str | None,
          ) -> KBEntity:
    def score(e: KBEntity) -> float:
        s = e.prior
        if _type_ok(label, e):
            s += 5
        if e.country and e.country in doc_countries:
            s += 2 + min(3, doc_countries[e.country])
        if e.type == "PER" and _role_on(e, pub_date):
            s += 2
        if e.id.startswith("up:"):
            s -= 1
        if (e.id.startswith("city:") and not _is_curated_city(e) and e.country not in doc_countries
                and any(c is not e and not c.id.startswith("city:") for c in cands)):
            # a public world-cities row sharing its name with a curated region/organisation/country
            # (القوقاز: Caucasia, Colombia vs the Caucasus) needs its country in the document
            s -= 3
        return s
    return max(cands, key=score)


def _text_candidates(kb: KB, text: str) -> tuple[list[KBEntity], str, int]:
    """Exact candidates for a mention text: whole text, then with a role/title prefix removed, then (for a mixed
    mention such as "حلف NATO") its Latin part alone.
    Returns (candidates, how, number of leading tokens dropped)."""
    c = kb.lookup(text)
    if c:
        return c, "exact", 0
    if re.match(r"(?i)the\s+[A-Z]", text) and not re.search("[\u0600-\u06ff]", text):
        c = [e for e in kb.lookup(text[4:].strip()) if _latin_ok(e, text[4:].strip())]
        if c:
            return c, "exact", 1
    text = text.rstrip("\"'”»’) ") if re.search("[A-Za-z][\"'”»’)]+$", text) else text  # منظمة "OPCW"
    m = _LATIN_TAIL.search(text)
    if m and m.start() > 0 and re.search("[\u0600-\u06ff]", text[:m.start()]):
        c = [e for e in kb.lookup(m.group(0)) if _latin_ok(e, m.group(0))]
        if c:
            return c, "exact", 0
        c = kb.lookup(text[:m.start()].strip(" \"'“«‘("))  # "حزب العمال الكردستاني PKK": the Arabic name alone
        if c:
            return c, "exact", 0
    words = text.split()
    if len(words) >= 2:
        rm = kb.parse_role([normalize(w) for w in words])
        if rm and 0 < rm.n_tokens < len(words):
            rest = " ".join(words[rm.n_tokens:])
            c = kb.lookup(rest)
            if c:
                return c, "exact", rm.n_tokens
    return [], "", 0


# ------------------------------------------------------------------------------------------------ gazetteer pass

def _gazetteer(doc: Document, kb: KB) -> list[Entity]:
    """High-confidence KB alias matches over the document tokens that overlap no existing entity."""
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    stop = _stop()
    by_start = sorted(doc.entities, key=lambda e: e.start)
    starts_list = [e.start for e in by_start]
    tok_starts = [t.start for t in doc.tokens]

    def free(a: int, b: int) -> bool:
        return not any(cover[a:b])

    def starts_in(a: int, b: int) -> list[Entity]:
        """Existing entities overlapping [a, b) (all of them, via the start index and one step back)."""
        i = bisect.bisect_left(starts_list, a)
        out = [e for e in by_start[max(0, i - 3):i] if e.end > a]
        while i < len(by_start) and by_start[i].start < b:
            out.append(by_start[i])
            i += 1
        return out

    def owner_of(c: int) -> Entity | None:
        hits = starts_in(c, c + 1)
        return hits[0] if hits else None

    added: list[Entity] = []
    toks = doc.tokens
    for sent in doc.sentences or []:
        i = sent.tok_start
        while i < sent.tok_end:
            t = toks[i]
            ktoks = tokens(t.text)
            if not ktoks:
                i += 1
                continue
            maxn = max((kb.max_alias_tokens(f) for f in strip_clitics(ktoks[0])), default=0)
            hit = None
            if maxn:
                for n in range(min(maxn, sent.tok_end - i, 8), 0, -1):
                    a, b = t.start, toks[i + n - 1].end
                    span = doc.text[a:b]
                    if "\n" in span or not tokens(toks[i + n - 1].text):
                        continue
                    if n > 1 and i + n < sent.tok_end and day_then_weekday(toks[i + n - 1].text, toks[i + n].text):
                        continue  # "روسيا اليوم الثلاثاء" is Russia (today, Tuesday), not the channel
                    cands = kb.lookup(span)
                    if not cands:
                        continue
                    e = cands[0]
                    ntok = len(tokens(span))
                    first_stripped = [alias_key(c) for c in strip_clitics(ktoks[0])]
                    key = " ".join([first_stripped[-1]] + tokens(span)[1:]) if ntok > 1 else first_stripped[-1]
                    if any(" ".join([f] + tokens(span)[1:]) in stop for f in first_stripped) or key in stop:
                        continue
                    if ntok == 1:
                        stem = next((f for f in first_stripped if f in {alias_key(x) for x in e.aliases}), key)
                        if stem != first_stripped[0] and len(stem) < 4:
                            continue  # فسرت is not ف + سرت
                        curated = not e.id.startswith(("city:XXX", "up:")) and (
                            e.subtype == "country" or e.prior >= 5.0 or not e.id.startswith("city:")
                            or _is_curated_city(e))
                        if not curated or e.id.startswith("up:"):
                            continue
                        if e.type == "PER" and e.prior < 4:
                            continue
                    elif e.id.startswith("up:") or (e.id.startswith("city:") and e.prior < 2.0
                                                    and not _is_curated_city(e)):
                        continue
                    label = e.type if e.type != "LOC" or e.subtype not in _GPE_SUB else "GPE"
                    if not free(a, b):
                        # a longer name around exactly one NER mention extends it (قطاع غزة ⊃ غزة)
                        inner = [x for x in starts_in(a, b)]
                        # a name the NER split into adjacent pieces is joined (خان + يونس → خان يونس)
                        if (ntok >= 2 and len(inner) >= 2 and inner[0].start == a and inner[-1].end == b
                                and all(doc.text[x.end:y.start].strip() == "" for x, y in zip(inner, inner[1:]))
                                and not any(x.link == "role" for x in inner)):
                            x = inner[0]
                            x.start, x.end, x.text, x.label = a, b, span, label
                            for y in inner[1:]:
                                y.start = y.end = -1  # dropped by the caller
                            cover[a:b] = b"\x01" * (b - a)
                            hit = (n, None)
                            break
                        if (ntok >= 2 and len(inner) == 1 and inner[0].end <= b
                                and not any(cover[a:inner[0].start]) and not any(cover[inner[0].end:b])
                                and not (cover[a - 1:a] == b"\x01" and owner_of(a - 1) is inner[0])
                                and (inner[0].start, inner[0].end) != (a, b)
                                and not _pp_complement(doc, tok_starts, inner[0], a)
                                and not _only_heads(doc.text[a:inner[0].start], inner[0].end == b)):
                            x = inner[0]
                            x.start, x.end, x.text = a, b, span
                            x.label = label
                            cover[a:b] = b"\x01" * (b - a)
                            hit = (n, None)
                            break
                        continue
                    hit = (n, Entity(a, b, span, label))
                    break
            if hit:
                n, ent = hit
                if ent is not None:
                    added.append(ent)
                    cover[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
                i += n
            else:
                i += 1
    return added


@functools.lru_cache(maxsize=1)
def _preps() -> frozenset[str]:
    """Normalised prepositions that make a following place a complement (``data/lexicons/prepositions.txt``)."""
    p = LEXICONS / "prepositions.txt"
    if not p.is_file():
        return frozenset()
    return frozenset(normalize(w) for w in p.read_text(encoding="utf-8").split() if not w.startswith("#"))


def _only_heads(prefix: str, same_end: bool) -> bool:
    """True when the words added in front of a mention are only generic heads (وكالة، مدينة …): the mention is
    already the name, so it is not extended."""
    words = tokens(prefix)
    heads = _heads()
    return same_end and bool(words) and all(any(f in heads for f in strip_clitics(w)) for w in words)


def _pp_complement(doc: Document, tok_starts: list[int], inner: Entity, a: int) -> bool:
    """True when ``inner`` is the object of a preposition inside a longer phrase starting at ``a``
    (… لدعم الشرعية في اليمن): such a name keeps its own mention instead of being absorbed."""
    if inner.start <= a:
        return False
    k = bisect.bisect_left(tok_starts, inner.start) - 1
    if k < 0 or doc.tokens[k].start < a:
        return False
    return normalize(doc.tokens[k].text) in _preps()


@functools.lru_cache(maxsize=1)
def _curated_city_ids() -> frozenset[str]:
    from khabar.kb.build import curated_entities
    try:
        return frozenset(e["id"] for e in curated_entities())
    except Exception:  # noqa: BLE001
        return frozenset()


def _is_curated_city(e: KBEntity) -> bool:
    return e.id in _curated_city_ids()


# ------------------------------------------------------------------------------------------------------ roles

def _roles(doc: Document, kb: KB) -> list[Entity]:
    """Role phrases: set the role of an apposed person, or create a role entity (holder / actor code)."""
    out: list[Entity] = []
    toks = doc.tokens
    ents = sorted(doc.entities, key=lambda e: e.start)
    starts = {e.start: e for e in ents}
    ends = {e.end: e for e in ents if e.label == "PER" and e.link != "role"}
    done_roles = {e.start for e in ents if e.link == "role"}  # link() run twice adds nothing new
    owner: dict[int, Entity] = {}
    for e in ents:
        if e.link != "role":
            for c in range(e.start, e.end):
                owner.setdefault(c, e)

    def inside(a: int) -> Entity | None:
        return owner.get(a)

    # persons of the document known to hold an office: (start, role, country, entity), from the KB (office held
    # on the publication date) and from appositions met below; a later bare role phrase refers to them
    named: list[tuple[int, str, str | None, Entity]] = [
        (e.start, e.role, e.country, e) for e in ents
        if e.label == "PER" and e.link != "role" and e.role and (e.kb_id or e.english)]
    place_countries: dict[str, int] = {}
    for e in ents:
        if e.kb_id and e.country and e.label in ("GPE", "LOC"):
            place_countries[e.country] = place_countries.get(e.country, 0) + 1
    titles = _apposition_titles()

    def named_holder(role: str, country: str | None, agent: str | None, before: int) -> Entity | None:
        if country is None and agent != "IGO":
            # a national office without its nation: only when one person of the document holds it
            # (… رئيس الوزراء نتنياهو … ثم: رئيس الوزراء), not among several (لافروف، فيصل بن فرحان … وزير الخارجية)
            who = {e.kb_id or e.english: e for st, r, c, e in named if r == role and st < before}
            return next(iter(who.values())) if len(who) == 1 else None
        best = None
        for st, r, c, e in named:
            if st < before and r == role and (country is None or c == country) and (best is None or st > best[0]):
                best = (st, e)
        return best[1] if best else None

    last_role: list = [None, None]  # [sentence start token, country] of the last person office seen
    inner_orgs: list[Entity] = []
    for sent in doc.sentences or []:
        i = sent.tok_start
        while i < sent.tok_end:
            if toks[i].start in done_roles:
                i += 1
                continue
            words = [t.norm for t in toks[i:min(sent.tok_end, i + 8)]]
            rm = kb.parse_role(words) if words else None
            if rm is None or rm.n_tokens == 0:
                i += 1
                continue
            j = i + rm.n_tokens  # first token after the role phrase
            a, b = toks[i].start, toks[j - 1].end
            if any(t.norm in _former_markers() for t in toks[j:min(j + 2, sent.tok_end)]):
                i = j  # a former holder (الرئيس المصري السابق …) is not today's office holder
                continue
            if i > sent.tok_start and any(f in _deputy_markers() for f in strip_clitics(toks[i - 1].norm)):
                i = j  # نائب وزير الخارجية الروسي: the deputy's office, not the minister's
                continue
            host = inside(a)
            country = rm.country
            # coordinated offices share the nationality: وزير الخارجية السعودي … ومستشار الأمن القومي
            if (country is None and rm.role not in GROUP_ROLES and toks[i].norm.startswith("و")
                    and not kb.is_role_word(toks[i].norm)  # وزير is a role word itself, not و + زير
                    and last_role[0] == sent.tok_start and last_role[1]):
                country = last_role[1]
            if rm.role not in GROUP_ROLES and country:
                last_role[:] = [sent.tok_start, country]
            # an entity inside the role phrase (e.g. a country in construct) is fine; a role phrase that begins
            # inside a person entity sets that person's role
            if host is not None and host.label == "PER" and host.start <= a < host.end:
                if rm.role not in GROUP_ROLES:
                    host.role = host.role or rm.role
                    if (host.kb_id is None and host.start == a and host.end == b and country
                            and rm.role not in GENERIC_ROLES):
                        # the tagger took the bare role phrase for a name (وأشار [أمير الكويت] إلى …): it refers to
                        # the holder named earlier, else to the KB's holder on the publication date
                        person = named_holder(rm.role, country, rm.agent, a)
                        holder = kb.office_holder(rm.role, country, doc.pub_date) if person is None else None
                        if person is not None:
                            host.english, host.kb_id = person.english, person.kb_id
                            host.country, host.actor_code = person.country or country, person.actor_code
                            host.link, host.score = "role", 90.0
                        elif holder is not None:
                            _apply(host, holder, "role", 90.0, doc.pub_date, correct_label=False)
                    if host.kb_id is None and country and rm.agent:
                        host.country = host.country or country
                        host.actor_code = host.actor_code or country + rm.agent
                i = j
                continue
            # apposition: [role] [ORG/GPE]? [،]? [PER]
            k = j
            nxt = None
            hops = 0
            while k < sent.tok_end and hops < 3:
                t = toks[k]
                if t.text in ("،", ",", "-", "–", ":") or (t.start not in starts and t.norm in titles):
                    k += 1  # punctuation, or a rank / honorific before the name (اللواء، السيد)
                    hops += 1
                    continue
                e = starts.get(t.start)
                if e is None:
                    break
                if e.label == "PER":
                    nxt = e
                    break
                ke = kb.get(e.kb_id) if e.kb_id else None
                if (ke is not None and ke.subtype in ("government_body", "country") and country is None
                        and e.country and not (rm.role == "PRESIDENT" and ke.subtype != "country")):
                    country = e.country
                    while k < sent.tok_end and toks[k].end <= e.end:
                        k += 1
                    hops += 1
                    continue
                break
            if rm.role in GROUP_ROLES:
                if country and rm.agent and a not in owner:
                    out.append(Entity(a, b, doc.text[a:b], "ORG", english=None, kb_id=None, country=country,
                                      actor_code=country + rm.agent, role=rm.role, link="role", score=None))
                    # coordinated nationalities share the head: المسؤولين الروس والأمريكيين
                    while j < sent.tok_end and toks[j].norm.startswith("و") and toks[j].start not in owner:
                        c2 = kb.demonym(toks[j].norm)
                        if not c2 or c2 == country:
                            break
                        t2 = toks[j]
                        out.append(Entity(t2.start, t2.end, t2.text, "ORG", english=None, kb_id=None, country=c2,
                                          actor_code=c2 + rm.agent, role=rm.role, link="role", score=None))
                        j += 1
                i = j
                continue
            if nxt is not None:
                # the ministry inside "وزير الخارجية المصري <name>" is the person's office, not an ORG mention
                for e in ents:
                    if e.label == "ORG" and e.link != "role" and a <= e.start and e.end <= b and e.kb_id:
                        ke = kb.get(e.kb_id)
                        if ke is not None and ke.subtype == "government_body" and (
                                country is None or e.country in (None, country)):
                            inner_orgs.append(e)
                if rm.role not in GENERIC_ROLES:
                    named.append((nxt.start, rm.role, country, nxt))
                nxt.role = nxt.role or rm.role
                if nxt.kb_id is None:
                    holder = (kb.office_holder(rm.role, country, doc.pub_date)
                              if country and rm.role not in GENERIC_ROLES else None)
                    sim = _name_similarity(nxt.text, holder) if holder else 0.0
                    if holder is not None and sim >= 70:
                        # a mangled rendering of the office holder's name (machine translation)
                        _apply(nxt, holder, "role", sim, doc.pub_date, correct_label=False)
                    elif country:
                        nxt.country = nxt.country or country
                        if rm.agent:
                            nxt.actor_code = nxt.actor_code or country + rm.agent
                i = j
                continue
            if a in owner:
                i = j
                continue
            # reversed apposition: [PER] ، [role] (قال فلان، وزير الخارجية المصري، إن …)
            prev = _person_before(doc, ends, i, sent.tok_start)
            if prev is not None and country and rm.role not in GENERIC_ROLES | {"PRESIDENT"}:
                prev.role = prev.role or rm.role
                if prev.kb_id is None:
                    prev.country = prev.country or country
                    if rm.agent:
                        prev.actor_code = prev.actor_code or country + rm.agent
                i = j
                continue
            holder = None
            definite = any(f.startswith("ال") for f in strip_clitics(toks[j - 1].norm))
            person = (named_holder(rm.role, country, rm.agent, a)
                      if rm.role not in GENERIC_ROLES and (country or definite) else None)
            if person is not None:
                # the office holder named earlier in the same document (…، المفوض الأوروبي ديمتري … ثم: المفوض الأوروبي)
                out.append(Entity(a, b, doc.text[a:b], "PER", english=person.english, kb_id=person.kb_id,
                                  country=person.country or country, actor_code=person.actor_code,
                                  role=rm.role, link="role", score=90.0))
                i = j
                continue
            if rm.role not in GENERIC_ROLES:
                holder = kb.office_holder(rm.role, country, doc.pub_date) if country or rm.agent == "IGO" else None
                if holder is None and country is None and rm.role in _document_country_roles() and place_countries:
                    # a bare monarchy office (ولي العهد) is that of the country the article is set in
                    top = max(place_countries.items(), key=lambda kv: kv[1])[0]
                    holder = kb.office_holder(rm.role, top, doc.pub_date)
                if holder is None and country is None and rm.agent == "IGO":
                    # an international post held per country (المبعوث الأممي): the country the article is about
                    for c, _ in sorted(place_countries.items(), key=lambda kv: -kv[1])[:2]:
                        holder = kb.office_holder(rm.role, c, doc.pub_date)
                        if holder is not None:
                            break
            if holder is not None:
                out.append(Entity(a, b, doc.text[a:b], "PER", english=holder.english, kb_id=holder.id,
                                  country=holder.country, actor_code=holder.actor_code, role=rm.role, link="role",
                                  score=90.0))
            elif country and rm.agent:
                out.append(Entity(a, b, doc.text[a:b], "PER", english=None, kb_id=None, country=country,
                                  actor_code=country + rm.agent, role=rm.role, link="role", score=None))
            i = j
    if inner_orgs:
        drop = {id(e) for e in inner_orgs}
        doc.entities[:] = [e for e in doc.entities if id(e) not in drop]  # in place: the caller extends it
    return out


def _name_similarity(text: str, e: KBEntity) -> float:
    """Best rapidfuzz ratio between the consonant skeletons (spaces removed) of ``text`` and ``e``'s aliases."""
    from rapidfuzz import fuzz

    from khabar.kb.store import skeleton
    q = skeleton(text).replace(" ", "")
    if len(q) < 4:
        return 0.0
    return max((fuzz.ratio(q, skeleton(a).replace(" ", "")) for a in e.aliases if len(tokens(a)) >= 2),
               default=0.0)


def _person_before(doc: Document, ends: dict[int, Entity], i: int, first: int) -> Entity | None:
    """The PER entity ending just before token ``i`` with a comma between (``فلان ، وزير …``), else None."""
    if i - 2 < first or doc.tokens[i - 1].text not in ("،", ","):
        return None
    return ends.get(doc.tokens[i - 2].end)


# ------------------------------------------------------------------------------------------------- main entry

def _doc_countries(doc: Document, kb: KB) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in doc.tokens[:20000]:
        if len(t.norm) >= 4:
            c = kb.demonym(t.norm)
            if c:
                out[c] = out.get(c, 0) + 1
    return out


def link(doc: Document) -> Document:
    """Link ``doc.entities`` to the KB and add gazetteer and role mentions (in place; returns ``doc``).

    Input: a Document after segmentation (tokens/sentences; segments it itself when missing) and NER.
    Output: every entity with ``english``, ``kb_id`` (None when NIL), ``country``, ``actor_code``, ``link``,
    ``score``, ``cluster`` (and ``role``, ``lat``/``lon`` where known); extra entities from the gazetteer pass
    and role phrases. Never raises: any internal error is recorded in ``doc.warnings``.
    """
    try:
        _link(doc)
    except Exception as exc:  # noqa: BLE001 - a linking bug must not lose the document
        doc.warnings.append(f"linking incomplete: {type(exc).__name__}: {exc}")
    return doc


def _link(doc: Document) -> None:
    if not doc.text:
        return
    if not doc.tokens:
        from khabar.text.segment import segment
        segment(doc)
    kb = get_kb()
    _trim_dangling_words(doc)
    _join_underscored(doc, kb)
    doc.entities.extend(_gazetteer(doc, kb))
    doc.entities.extend(_latin_mentions(doc, kb))
    _trim_dangling_words(doc)  # (also the gazetteer's spans: an alias lookup ignores a lone و)
    doc.entities = [e for e in doc.entities if e.start >= 0]
    doc.entities.sort(key=lambda e: (e.start, -e.end))
    dc = _doc_countries(doc, kb)
    pending: list[tuple[Entity, list[KBEntity], str, int]] = []
    # pass 1: exact candidates
    for ent in doc.entities:
        if ent.link == "role":
            continue
        try:
            cands, how, drop = _text_candidates(kb, ent.text)
            if not cands:
                cands, how = _trim(doc, kb, ent)
        except Exception:  # noqa: BLE001
            cands, how, drop = [], "", 0
        if cands:
            pending.append((ent, cands, how, drop))
            if len(cands) == 1 and cands[0].country and cands[0].type in ("GPE", "LOC"):
                dc[cands[0].country] = dc.get(cands[0].country, 0) + 1
    # unambiguous mentions first: their countries then help rank the ambiguous ones (document coherence)
    pending.sort(key=lambda p: len(p[1]) > 1)
    seen_first = True
    for ent, cands, how, drop in pending:
        if seen_first and len(cands) > 1:
            seen_first = False
            for x in doc.entities:
                if x.kb_id and x.country and x.label in ("PER", "ORG"):
                    dc[x.country] = dc.get(x.country, 0) + 1
        ok = [c for c in cands if _type_ok(ent.label, c)]
        # trust the KB over the NER label only for curated / country entries
        pool = ok or [c for c in cands if not c.id.startswith(("up:", "city:")) or _is_curated_city(c)
                      or (c.id.startswith("city:") and c.prior >= 5.0)] or (
            cands if ent.label in ("GPE", "LOC", "MISC") else [])
        if not pool:
            continue
        best = _rank(kb, pool, ent.label, dc, doc.pub_date)
        _apply(ent, best, how, 100.0, doc.pub_date, correct_label=True)
    # pass 2: variant-tolerant matching for the rest
    cache: dict[str, list] = {}
    for ent in doc.entities:
        if ent.kb_id or ent.link == "role":
            continue
        key = alias_key(ent.text)
        if not key or len(key) < 3:
            continue
        if key not in cache:
            try:
                cache[key] = kb.fuzzy(ent.text, limit=5, cutoff=85.0) if re.search("[\u0600-\u06ff]", key) else []
            except Exception:  # noqa: BLE001
                cache[key] = []
        # UniversalPetrarch names (word-by-word English) are too noisy to be reached by a variant spelling
        cands = [(e, s) for e, s in cache[key] if _type_ok(ent.label, e)
                 and not e.id.startswith(("city:XXX", "up:"))]
        if not cands:
            continue
        top = max(s for _, s in cands)
        best = _rank(kb, [e for e, s in cands if s >= top - 3], ent.label, dc, doc.pub_date)
        score = dict((e.id, s) for e, s in cands)[best.id]
        # single short words need a stronger match
        if len(key.split()) == 1 and score < 90:
            continue
        _apply(ent, best, "fuzzy", score, doc.pub_date, correct_label=False)
    # a generic head before a name that links by itself is not part of the name (وكالة أسوشيتد برس → أسوشيتد برس)
    heads = _heads()
    for ent in doc.entities:
        if not ent.kb_id or ent.label not in ("ORG", "GPE", "LOC") or ent.link == "role":
            continue
        toks = _ent_tokens(doc, ent)
        if len(toks) < 2 or not any(f in heads for f in strip_clitics(toks[0].norm)):
            continue
        rest = doc.text[toks[1].start:toks[-1].end]
        if any(c.id == ent.kb_id for c in kb.lookup(rest)):
            ent.start, ent.text = toks[1].start, rest
    _drop_common_word_names(doc)
    # short forms of organisations named in full before (المفوضية ← المفوضية الأوروبية), then institutions completed
    # by the document's country (مجلس الشيوخ in a US story → مجلس الشيوخ الأمريكي)
    _org_short_forms(doc)
    _country_completion(doc, kb, dc)
    # NIL: an institution phrase gets a composed English name (وزارة العمل → Ministry of Labour), else a transliteration
    for ent in doc.entities:
        if ent.kb_id is None and ent.english is None and ent.link != "role":
            _drop_conjunction(ent, kb)
            composed = compose_institution(ent.text, kb, romanize) if ent.label in _COMPOSE_LABELS else None
            if composed:
                ent.english, ent.link = composed, "composed"
                continue
            try:
                ent.english = romanize(ent.text, kb) or None
            except Exception:  # noqa: BLE001
                ent.english = None
            ent.link = "translit"
    # pass 3: coreference of short forms to earlier full names (linked or NIL), and surnames the NER missed
    doc.entities.extend(_propagate_surnames(doc))
    doc.entities.extend(_latin_surnames(doc))
    doc.entities.sort(key=lambda e: (e.start, -e.end))
    _coref(doc)
    # pass 4: roles
    doc.entities.extend(_roles(doc, kb))
    doc.entities.sort(key=lambda e: (e.start, -e.end))
    doc.entities.extend(_counterparts(doc, kb))
    doc.entities.sort(key=lambda e: (e.start, -e.end))
    _drop_nested_in_roles(doc)
    _clusters(doc)


_QUOTE_TOKENS = frozenset('"«»“”\'‘’')


@functools.lru_cache(maxsize=1)
def _document_country_roles() -> frozenset[str]:
    """Roles of ``data/kb/document_country_roles.tsv``: a bare mention names the article's country's office."""
    p = KB_DIR / "document_country_roles.tsv"
    if not p.is_file():
        return frozenset()
    return frozenset(line.strip() for line in p.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=1)
def _ambiguous_names() -> dict[str, frozenset[str]]:
    """Name → context words (``data/kb/ambiguous_names.tsv``): names that are also common words."""
    return {k: v[0] for k, v in _ambiguous_rows().items()}


@functools.lru_cache(maxsize=1)
def _ambiguous_rows() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Name → (context words, document words) of ``data/kb/ambiguous_names.tsv``; the optional fourth column lists
    words (normalised, matched as substrings of the normalised text) whose presence anywhere in the article keeps
    the name's entity without a context word (كوريا for سيول)."""
    out: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    p = KB_DIR / "ambiguous_names.tsv"
    if p.is_file():
        for line in p.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "\t" in line:
                cols = line.split("\t")
                doc_words = tuple(normalize(w) for w in cols[3].split("|") if w) if len(cols) > 3 else ()
                out[alias_key(cols[0])] = (frozenset(normalize(w) for w in cols[1].split("|") if w), doc_words)
    return out


def _drop_common_word_names(doc: Document) -> None:
    """Mentions whose text is a name that is also a common word (صور "pictures" / Tyre, اليوم السابع "the seventh
    day" / the newspaper) are kept only with a context word right before them (في صور، صحيفة اليوم السابع; an
    opening quote between them is skipped: صحيفة "الاقتصادية") or, for names with document words, when one of
    those words occurs in the article (سيول is Seoul in a story that names Korea);
    otherwise they are removed from ``doc.entities`` (in place). The list is ``data/kb/ambiguous_names.tsv``."""
    names = _ambiguous_names()
    if not names:
        return
    rows = _ambiguous_rows()
    norm_text: list[str] = []  # computed once, only when a name has document words
    toks = doc.tokens
    starts = [t.start for t in toks]
    keep = []
    for e in doc.entities:
        key = None
        words = tokens(e.text)
        if words and e.link != "role":
            for f in strip_clitics(words[0]):
                k = " ".join([f] + words[1:])
                if k in names:
                    key = k
                    break
                if f.startswith("لل") and "ال" + f[2:] + "".join(" " + w for w in words[1:]) in names:
                    key = "ال" + f[2:] + "".join(" " + w for w in words[1:])
                    break
        if key is None:
            keep.append(e)
            continue
        i = bisect.bisect_left(starts, e.start)
        while 0 < i <= len(toks) and toks[i - 1].text in _QUOTE_TOKENS:
            i -= 1  # صحيفة "الاقتصادية": the context word stands before the opening quote
        prev = toks[i - 1].norm if 0 < i <= len(toks) else ""
        ctx = names[key]
        if prev in ctx or any(c in ctx for c in strip_clitics(prev)):
            keep.append(e)  # (a clitic on the name itself, بصور / لصور, is as ambiguous as the bare word)
            continue
        doc_words = rows[key][1]
        if doc_words:
            if not norm_text:
                norm_text.append(normalize(doc.text))
            if any(w in norm_text[0] for w in doc_words):
                keep.append(e)  # "وقالت سيول" in a story about Korea
    doc.entities = keep


def _copy_link(ent: Entity, src: Entity, how: str) -> None:
    ent.english, ent.kb_id, ent.country, ent.actor_code = src.english, src.kb_id, src.country, src.actor_code
    ent.lat, ent.lon, ent.role = src.lat, src.lon, ent.role or src.role
    ent.label = src.label if src.label in ("ORG", "GPE", "LOC") else ent.label
    ent.link, ent.score = how, src.score


def _org_short_forms(doc: Document) -> None:
    """An unlinked ORG/MISC mention whose words are the first words of an organisation linked earlier in the same
    document (المفوضية، الاتحاد، البنك المركزي after المفوضية الأوروبية، الاتحاد الأوروبي، البنك المركزي المصري)
    takes that link (``link`` = "coref"); the latest such earlier organisation wins. Such short forms the NER left
    untagged (definite, at least 5 letters, whole tokens with proclitics allowed) are added as mentions. In place."""
    _add_short_form_mentions(doc)
    full: list[tuple[int, list[str], Entity]] = []
    for e in sorted(doc.entities, key=lambda e: e.start):
        toks = tokens(e.text)
        if e.kb_id and e.label == "ORG" and len(toks) >= 2 and e.link != "role":
            full.append((e.end, toks, e))
            continue
        if e.kb_id or e.label not in ("ORG", "MISC") or e.link == "role" or not toks or len(toks[0]) < 4:
            continue
        for end, ftoks, src in reversed(full):
            if end <= e.start and len(toks) < len(ftoks) and ftoks[:len(toks)] == toks:
                _copy_link(e, src, "coref")
                break


def _add_short_form_mentions(doc: Document) -> None:
    heads: dict[str, list[tuple[int, list[str]]]] = {}
    for e in doc.entities:
        toks = tokens(e.text)
        if e.kb_id and e.label == "ORG" and len(toks) >= 2 and e.link != "role" and toks[0].startswith("ال"):
            heads.setdefault(toks[0], []).append((e.end, toks))
    if not heads:
        return
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    toks_ = doc.tokens
    added: list[Entity] = []
    for i, t in enumerate(toks_):
        if any(cover[t.start:t.end]):
            continue
        forms = [f for f in strip_clitics(tokens(t.text)[0] if tokens(t.text) else "") if f in heads]
        if not forms:
            continue
        f = forms[0]
        best = None
        for end, ftoks in heads[f]:
            if end > t.start:
                continue
            n = 1
            while n < len(ftoks) - 1 and i + n < len(toks_) and tokens(toks_[i + n].text) == [ftoks[n]] \
                    and not any(cover[toks_[i + n].start:toks_[i + n].end]):
                n += 1
            if best is None or n > best:
                best = n
        if best is None or len(f) < 5:
            continue
        # the short form must stop before the full name's distinguishing words (not the full name itself)
        a, b = t.start, toks_[i + best - 1].end
        if i + best < len(toks_) and tokens(toks_[i + best].text) and any(
                tokens(toks_[i + best].text)[0] == ftoks[best] for _, ftoks in heads[f] if len(ftoks) > best):
            continue
        added.append(Entity(a, b, doc.text[a:b], "ORG"))
        cover[a:b] = b"\x01" * (b - a)
    doc.entities.extend(added)
    doc.entities.sort(key=lambda e: (e.start, -e.end))


def _country_completion(doc: Document, kb: KB, dc: dict[str, int]) -> None:
    """An unlinked ORG mention that names a national institution without its country (مجلس الشيوخ، المحكمة
    العليا، وزارة الخارجية) is linked when the mention followed by the nationality adjective of the document's
    leading country (masculine or feminine, ``lexicons/demonyms*.tsv``) is exactly one curated KB organisation
    (``link`` = "context"). Only the document's most frequent country among its linked mentions is tried (``dc``,
    the linker's running count, is not used: it leaves out mentions linked late). A one-word mention is completed
    only to a sports club (actor code ``…SPO``): النصر in a Saudi story → النصر السعودي = Al Nassr. In place."""
    counts: dict[str, int] = {}
    for e in doc.entities:  # the countries of what is linked by now (people, places, organisations)
        if e.kb_id and e.country and e.link != "role":
            counts[e.country] = counts.get(e.country, 0) + 1
    if not counts:
        return
    top = max(counts.items(), key=lambda kv: kv[1])[0]
    forms = _demonym_forms(kb).get(top, ())
    if not forms:
        return
    def completed(text: str) -> KBEntity | None:
        hits = {}
        for f in forms:
            for c in kb.lookup(f"{text} ال{f}") + kb.lookup(f"{text} ال{f}ه"):
                if c.type == "ORG" and c.country == top and not c.id.startswith("up:"):
                    hits[c.id] = c
        return next(iter(hits.values())) if len(hits) == 1 else None

    for e in doc.entities:
        n_words = len(tokens(e.text))
        if e.kb_id or e.label != "ORG" or e.link == "role" or n_words < 1:
            continue
        c = completed(e.text)
        # a one-word organisation name is completed only to a sports club (النصر in a Saudi story → النصر
        # السعودي = Al Nassr): single words of other kinds are too often common nouns
        if c is not None and (n_words >= 2 or (c.actor_code or "").endswith("SPO")):
            _apply(e, c, "context", 90.0, doc.pub_date, correct_label=False)
    # the same for two- or three-word institution names the NER left untagged (صوت مجلس الشيوخ على …)
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    toks_ = doc.tokens
    i = 0
    while i < len(toks_):
        t = toks_[i]
        first = tokens(t.text)
        if any(cover[t.start:t.end]) or not first or not any(
                kb.max_alias_tokens(f) >= 3 for f in strip_clitics(first[0])):
            i += 1
            continue
        hit = None
        for n in (3, 2):
            if i + n > len(toks_):
                continue
            a, b = t.start, toks_[i + n - 1].end
            span = doc.text[a:b]
            if any(cover[a:b]) or not all(tokens(x.text) for x in toks_[i:i + n]) or "\n" in span:
                continue
            c = completed(span)
            if c is not None and not kb.lookup(span):
                hit = (n, a, b, c)
                break
        if hit:
            n, a, b, c = hit
            ent = Entity(a, b, doc.text[a:b], "ORG")
            _apply(ent, c, "context", 90.0, doc.pub_date, correct_label=False)
            doc.entities.append(ent)
            cover[a:b] = b"\x01" * (b - a)
            i += n
        else:
            i += 1
    doc.entities.sort(key=lambda e: (e.start, -e.end))


@functools.lru_cache(maxsize=1)
def _demonym_forms(kb: KB) -> dict[str, tuple[str, ...]]:
    """ISO alpha-3 → the KB's singular masculine nationality adjectives without the article (الروسي → روسي)."""
    out: dict[str, list[str]] = {}
    for form, iso in getattr(kb, "_demonyms", {}).items():
        if " " not in form and form.endswith("ي"):
            out.setdefault(iso, []).append(form)
    return {k: tuple(v) for k, v in out.items()}


def _drop_conjunction(ent: Entity, kb: KB) -> None:
    """A NIL person mention whose first word is و/ف glued to a known name (وجان فيليب → جان فيليب) starts one
    character later (offsets and text updated in place); names that themselves begin with و (وليد) are kept."""
    t = ent.text
    if ent.label != "PER" or len(t) < 5 or t[0] not in "وف" or " " not in t:
        return
    w = normalize(t.split()[0])
    if len(w) > 3 and w not in kb.translit_words and w[1:] in kb.translit_words:
        ent.start += 1
        ent.text = t[1:]


def _counterparts(doc: Document, kb: KB) -> list[Entity]:
    """"نظيره الفرنسي" (his French counterpart): the holder of the office of the last person with a role named
    before it in the sentence, in the country of the nationality adjective, on the publication date. A name
    right after the phrase is left to carry the mention itself. Output: new ``PER`` role entities."""
    words = _counterpart_words()
    if not words:
        return []
    toks = doc.tokens
    covered = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        covered[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    by_start = {e.start: e for e in doc.entities}
    out: list[Entity] = []
    for sent in doc.sentences or []:
        for i in range(sent.tok_start, sent.tok_end - 1):
            if toks[i].norm not in words or covered[toks[i].start]:
                continue
            country = kb.demonym(toks[i + 1].norm)
            if not country:
                continue
            nxt = by_start.get(toks[i + 2].start) if i + 2 < sent.tok_end else None
            if nxt is not None and nxt.label == "PER":
                continue
            prior = [e for e in doc.entities if e.role and e.label == "PER" and sent.start <= e.start
                     and e.end <= toks[i].start]
            if not prior:
                continue
            role = prior[-1].role
            holder = kb.office_holder(role, country, doc.pub_date)
            a, b = toks[i].start, toks[i + 1].end
            if holder is not None:
                out.append(Entity(a, b, doc.text[a:b], "PER", english=holder.english, kb_id=holder.id,
                                  country=holder.country, actor_code=holder.actor_code, role=role, link="role",
                                  score=90.0))
            else:
                out.append(Entity(a, b, doc.text[a:b], "PER", english=None, kb_id=None, country=country,
                                  actor_code=None, role=role, link="role", score=None))
    return out


def _drop_nested_in_roles(doc: Document) -> None:
    """Remove an organisation mention lying inside a role phrase of the same (or no) country: in وزير الخارجية
    الأمريكي the office is the role entity's, and a nested "الخارجية الأمريكي" ORG would overlap it."""
    roles = [e for e in doc.entities if e.link == "role"]
    if not roles:
        return

    def nested(e: Entity) -> bool:
        return e.label == "ORG" and e.link != "role" and any(
            r.start <= e.start and e.end <= r.end and (r.start, r.end) != (e.start, e.end)
            and (e.country is None or r.country is None or e.country == r.country) for r in roles)

    doc.entities = [e for e in doc.entities if not nested(e)]


def _ent_tokens(doc: Document, ent: Entity):
    return [t for t in doc.tokens if t.start >= ent.start and t.end <= ent.end]


_MAX_ALIAS_TOKENS = 12


def _trim(doc: Document, kb: KB, ent: Entity) -> tuple[list[KBEntity], str]:
    """Repair an NER span that a KB alias or a role phrase explains only in part.

    (a) a leading role phrase (``ومستشار الأمن القومي X``): the span becomes X, labelled PER, with the role;
    (b) the longest sub-span (prefix or suffix) that is a KB alias of the same kind (multi-word, or one word of a
    curated entry) becomes the span. Returns the candidates for the new span (possibly empty)."""
    toks = _ent_tokens(doc, ent)
    if len(toks) < 2:
        return [], ""
    rm = kb.parse_role([t.norm for t in toks])
    if rm and 0 < rm.n_tokens < len(toks) and rm.role not in GROUP_ROLES:
        rest = toks[rm.n_tokens:]
        if rest[0].text not in ("،", ",") and re.search("[\u0600-\u06ff]", rest[0].text):
            ent.start, ent.end = rest[0].start, rest[-1].end
            ent.text = doc.text[ent.start:ent.end]
            ent.label = "PER"
            ent.role = rm.role
            if rm.country and rm.agent:
                ent.country, ent.actor_code = rm.country, rm.country + rm.agent
            c = kb.lookup(ent.text)
            return c, "exact"
    stop = _stop()
    heads = _heads()
    n = len(toks)
    # no KB alias is longer than _MAX_ALIAS_TOKENS words: a run-on span (a list of names the tagger joined) is
    # searched for prefixes/suffixes of that size at most, so its cost stays linear in its length
    for size in range(min(n - 1, _MAX_ALIAS_TOKENS), 0, -1):
        for a in (0, n - size):
            if a > 0 and not all(any(f in heads for f in strip_clitics(t.norm)) for t in toks[:a]) and not (
                    ent.label == "PER" and size >= 2):
                continue  # only generic heads may be dropped from the front (منظمة الشرطة … ≠ المحكمة …),
                # or any words before a full person name (آنذاك أنتوني بلينكن → أنتوني بلينكن)
            sub = toks[a:a + size]
            text = doc.text[sub[0].start:sub[-1].end]
            if alias_key(text) in stop:
                continue
            tail = toks[a + size:]
            if tail and any(f in _place_modifiers() for f in strip_clitics(tail[0].norm)):
                continue  # أمريكا الجنوبية is not أمريكا, القاهرة الجديدة is not القاهرة
            tail_country = kb.demonym(tail[0].norm) if tail else None
            cands = [c for c in kb.lookup(text) if not c.id.startswith(("up:",))
                     and not (tail_country and c.country and c.country != tail_country)
                     # an organisation named after its country (قطر غاز، مصر للطيران) is not the country
                     and not (ent.label == "ORG" and tail and c.id.startswith("country:"))]
            if size == 1:
                cands = [c for c in cands if not c.id.startswith("city:") or _is_curated_city(c)]
                # a one-word place followed by its own country's adjective (ميشيغان الأمريكية) needs no high prior
                cands = [c for c in cands if (c.prior >= 4 or (tail_country and c.country == tail_country
                                                               and a == 0 and size == n - 1))
                         and _type_ok(ent.label, c)]
            elif ent.label == "PER" and a > 0:
                cands = [c for c in cands if c.type == "PER"]
            else:
                cands = [c for c in cands if _type_ok(ent.label, c) or not c.id.startswith("city:")
                         or _is_curated_city(c)]
            if cands:
                ent.start, ent.end = sub[0].start, sub[-1].end
                ent.text = text
                return cands, "exact"
    return [], ""


_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")


_LATIN_WORD = r"(?:[A-Z][A-Za-z'\u2019\-]*[A-Za-z]|[A-Z]{2,}|[A-Z])"
@functools.lru_cache(maxsize=1)
def _latin_run() -> re.Pattern:
    """A run of capitalised Latin words, with the function words of ``data/kb/latin_function_words.txt`` allowed
    between two of them (Bank of England)."""
    fw = "|".join(re.escape(w) for w in sorted(_latin_function())) or "(?!)"
    return re.compile(_LATIN_WORD + r"(?:[ \-]" + _LATIN_WORD + r"|\.? (?:" + fw + r")(?= [A-Z]))*")
_LATIN_TAIL = re.compile(r"[A-Z][A-Za-z .'\-]*[A-Za-z]$")


def _latin_ok(e: KBEntity, span: str) -> bool:
    """A KB entry reached through a Latin span is trusted only when curated (not a UniversalPetrarch or
    unknown-country city row) and, for one word, when the entry is prominent or the word is an acronym."""
    if e.id.startswith(("up:", "city:XXX")):
        return False
    if " " in span.strip():
        return True
    if span.isupper() and len(span) >= 2:
        return e.type in ("ORG", "GPE", "LOC")
    return e.type in ("GPE", "LOC") and (e.subtype == "country" or e.prior >= 5.0 or _is_curated_city(e))


def _latin_mentions(doc: Document, kb: KB) -> list[Entity]:
    """Latin-script names inside Arabic text (machine-translated or copied fragments: "Donald Trump", "NATO",
    "Kyiv") that the NER left untagged and whose text is a KB English name or alias.

    Input: a segmented, NER-tagged ``doc``; output: new unlinked :class:`Entity` objects (label from the KB
    entry's type; GPE for countries and cities) for the longest matching run of capitalised Latin words, each
    with its character offsets. Single capitalised words are taken only for countries, prominent places and
    acronyms of organisations (a capitalised Latin gloss is often no name at all)."""
    if not re.search("[A-Z]", doc.text):
        return []
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    out: list[Entity] = []
    for m in _latin_run().finditer(doc.text):
        a, b = m.start(), m.end()
        if (a and doc.text[a - 1].isalnum() and doc.text[a - 1].isascii()) or any(cover[a:b]):
            continue
        words = [(w.start() + a, w.end() + a) for w in re.finditer(r"\S+", m.group(0))]
        i = 0
        while i < len(words):
            hit = None
            for j in range(len(words), i, -1):
                s, e_ = words[i][0], words[j - 1][1]
                span = doc.text[s:e_]
                fw = _latin_function()
                if span.split()[0].lower() in fw or span.split()[-1].lower() in fw:
                    continue
                cands = [c for c in kb.lookup(span) if _latin_ok(c, span)]
                if cands:
                    c = cands[0]
                    label = c.type if c.type != "LOC" or c.subtype not in _GPE_SUB else "GPE"
                    hit = (j, Entity(s, e_, span, label))
                    break
            if hit:
                out.append(hit[1])
                cover[hit[1].start:hit[1].end] = b"\x01" * (hit[1].end - hit[1].start)
                i = hit[0]
            else:
                i += 1
    return out


@functools.lru_cache(maxsize=1)
def _dangling() -> re.Pattern:
    """A trailing lone word of ``data/kb/dangling_words.txt`` after a space."""
    p = KB_DIR / "dangling_words.txt"
    words = [w.strip() for w in p.read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")] if p.is_file() else []
    if not words:
        return re.compile(r"(?!)")
    return re.compile(r"\s+(?:" + "|".join(re.escape(w) for w in words) + r")$")


def _trim_dangling_words(doc: Document) -> None:
    """An NER span that ends in a lone conjunction or preposition ("Kyiv و", "غزة في") loses it (in place):
    those words never end a name. Spans left empty are dropped."""
    for e in doc.entities:
        while True:
            m = _dangling().search(e.text)
            if not m:
                break
            e.text = e.text[:m.start()]
            e.end = e.start + len(e.text)
    doc.entities = [e for e in doc.entities if e.text.strip()]


_UNDERSCORED = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+(?:_[\u0621-\u064a\u0671-\u06d3]+)+")


def _join_underscored(doc: Document, kb: KB) -> None:
    """Hashtag-style names joined by underscores (#دميتري_بيسكوف): the NER tags their words apart; one mention
    spanning the whole run replaces the pieces (in place on ``doc.entities``), labelled as its KB entry when
    the run is a KB alias, else as its first piece. A run no piece of which was tagged becomes a mention only
    when it is a curated KB alias."""
    if "_" not in doc.text:
        return
    for m in _UNDERSCORED.finditer(doc.text):
        a, b = m.start(), m.end()
        inside = [e for e in doc.entities if e.start < b and e.end > a]
        if any(e.start < a or e.end > b for e in inside):
            continue
        cands = [c for c in kb.lookup(m.group(0)) if not c.id.startswith(("up:", "city:XXX"))]
        if not inside and not cands:
            continue
        if cands:
            c = cands[0]
            label = c.type if c.type != "LOC" or c.subtype not in _GPE_SUB else "GPE"
        else:
            label = inside[0].label
        keep = inside[0] if inside else Entity(a, b, m.group(0), label)
        keep.start, keep.end, keep.text, keep.label = a, b, m.group(0), label
        for e in inside[1:]:
            e.start = e.end = -1
        if not inside:
            doc.entities.append(keep)
    doc.entities = [e for e in doc.entities if e.start >= 0]
    doc.entities.sort(key=lambda e: (e.start, -e.end))


def _latin_function() -> frozenset[str]:
    """Lower-case Latin function words of names (``data/kb/latin_function_words.txt``)."""
    return frozenset(w.lower() for w in _word_list("latin_function_words.txt"))


def _latin_surnames(doc: Document) -> list[Entity]:
    """A Latin word (Trump, Putin) equal to the last word of the English name of a person linked in the same
    document, left untagged by the NER: a new PER mention, linked to that person by :func:`_coref`-like copying.
    Output: new linked :class:`Entity` objects with offsets; the first-linked person wins a tie."""
    last: dict[str, Entity] = {}
    for e in sorted(doc.entities, key=lambda e: e.start):
        if e.label == "PER" and e.kb_id and e.english and e.link != "role":
            w = e.english.split()
            if len(w) >= 2 and len(w[-1]) >= 3:
                last.setdefault(w[-1].lower(), e)
    if not last:
        return []
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    out: list[Entity] = []
    for m in re.finditer(r"(?<![A-Za-z])[A-Z][a-z'\-]+[a-z](?![A-Za-z])", doc.text):
        src = last.get(m.group(0).lower())
        if src is None or any(cover[m.start():m.end()]):
            continue
        ent = Entity(m.start(), m.end(), m.group(0), "PER")
        ent.english, ent.kb_id, ent.country, ent.actor_code = src.english, src.kb_id, src.country, src.actor_code
        ent.role, ent.lat, ent.lon, ent.score = src.role, src.lat, src.lon, src.score
        ent.link = "coref"
        _COREF_SRC[id(ent)] = src
        out.append(ent)
    return out


def _raw_words(text: str) -> list[str]:
    """Words of ``text`` with diacritics/tatweel removed but letters unfolded (ى ≠ ي, أ ≠ ا)."""
    return re.findall("[\u0621-\u064a\u0671-\u06d3]+|[A-Za-z]+", _MARKS.sub("", text or ""))


def _propagate_surnames(doc: Document) -> list[Entity]:
    """One-word PER mentions the NER missed: later standalone occurrences (proclitics allowed) of the last word
    of a multi-word person name of the same document (أشرف غني … وقال غني). They are linked by :func:`_coref`."""
    last: dict[str, int] = {}
    for e in doc.entities:
        if e.label == "PER" and e.link != "role":
            raw = _raw_words(e.text)
            if len(raw) >= 2 and len(raw[-1]) >= 3 and re.search("[\u0600-\u06ff]", raw[-1]):
                last[raw[-1]] = min(last.get(raw[-1], e.end), e.end)
    if not last:
        return []
    cover = bytearray(len(doc.text) + 1)
    for e in doc.entities:
        cover[e.start:e.end] = b"\x01" * max(0, e.end - e.start)
    out = []
    for t in doc.tokens:
        if cover[t.start] or any(cover[t.start:t.end]):
            continue
        raw = _raw_words(t.text)
        if len(raw) != 1:
            continue
        for f in _coref_forms(raw[0])[:3]:  # raw letters: على (on) is not the name علي; الخميس is not خميس
            if f in last and t.start >= last[f]:  # the full name earlier in the text disambiguates
                out.append(Entity(t.start, t.end, t.text, "PER"))
                cover[t.start:t.end] = b"\x01" * (t.end - t.start)
                break
    return out


def _coref(doc: Document) -> None:
    """Short person forms → the latest earlier full name whose last (or, when linked, first) word they equal; failing
    that, the latest earlier *linked* full name whose last word has the same consonant skeleton of at least four
    letters (جونسون after بوريس جونسن: two spellings of one name in one article)."""
    by_last: dict[str, list[Entity]] = {}
    by_first: dict[str, list[Entity]] = {}
    by_last_skel: dict[str, list[Entity]] = {}
    for ent in sorted(doc.entities, key=lambda e: e.start):
        if ent.link == "role":
            continue
        if ent.label != "PER":
            # a one-word ORG / MISC mention that is exactly the surname of a person linked before ("وقالت ماي"
            # after "تيريزا ماي"): the tagger's label is wrong, the person is meant
            toks = tokens(ent.text)
            if ent.kb_id is None and len(toks) == 1 and ent.label in ("ORG", "MISC"):
                lst = [p for f in _coref_forms(toks[0]) for p in by_last.get(f, []) if p.kb_id]
                if lst:
                    ent.label, ent.subtype = "PER", None
                    best = max(lst, key=lambda p: p.start)
                    ent.english, ent.kb_id, ent.country, ent.actor_code = (best.english, best.kb_id, best.country,
                                                                           best.actor_code)
                    ent.role = ent.role or best.role
                    ent.lat, ent.lon, ent.link, ent.score = best.lat, best.lon, "coref", best.score
                    _COREF_SRC[id(ent)] = best
            continue
        toks = tokens(ent.text)
        if len(toks) >= 2:
            by_last.setdefault(toks[-1], []).append(ent)
            if ent.kb_id:
                by_first.setdefault(toks[0], []).append(ent)
                by_last_skel.setdefault(skeleton(toks[-1]), []).append(ent)
            continue
        if ent.kb_id is not None or not toks:
            continue
        best = None
        for f in _coref_forms(toks[0]):
            for lst in (by_last.get(f, []), by_first.get(f, [])):
                if lst and (best is None or lst[-1].start > best.start):
                    best = lst[-1]
        if best is None:
            from rapidfuzz.distance import Levenshtein

            for f in _coref_forms(toks[0]):
                sk = skeleton(f)
                # same skeleton and at most one letter apart (جونسن / جونسون; not جانسن / جونسون)
                lst = [p for p in by_last_skel.get(sk, []) if Levenshtein.distance(f, tokens(p.text)[-1]) <= 1] \
                    if len(sk) >= 4 else []
                if lst and (best is None or lst[-1].start > best.start):
                    best = lst[-1]
        if best is None:
            continue
        ent.english = best.english
        ent.kb_id = best.kb_id
        ent.country = best.country
        ent.actor_code = best.actor_code
        ent.role = ent.role or best.role
        ent.lat, ent.lon = best.lat, best.lon
        ent.link = "coref"
        ent.score = best.score
        _COREF_SRC[id(ent)] = best


_COREF_SRC: dict[int, Entity] = {}


def _coref_forms(tok: str) -> list[str]:
    """Clitic-stripped forms of a one-word mention for surname matching: when the word carries the article
    (الخميس، والأسد) only the forms that keep it — "الخميس" (Thursday) is not the surname خميس, "والأسد" is الأسد."""
    forms = strip_clitics(tok)
    with_al = [f for f in forms if f.startswith("ال")]
    return with_al or forms


def _clusters(doc: Document) -> None:
    """Cluster ids in order of first mention: one per KB id, per NIL name, per unresolved role; coreferent short
    forms take their antecedent's cluster."""
    ids: dict[str, int] = {}
    ents = sorted(doc.entities, key=lambda e: e.start)
    for e in ents:
        if id(e) in _COREF_SRC:
            continue
        key = e.kb_id or f"nil:{alias_key(e.english or e.text)}"
        if e.link == "role" and e.kb_id is None:
            key = f"role:{e.actor_code}:{e.role}"
        if key not in ids:
            ids[key] = len(ids)
        e.cluster = ids[key]
    for e in ents:
        src = _COREF_SRC.pop(id(e), None)
        if src is not None:
            e.cluster = src.cluster if src.cluster is not None else len(ids)
    _COREF_SRC.clear()

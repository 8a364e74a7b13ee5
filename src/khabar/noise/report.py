"""Noise report stage: machine-translation damage found in an article.

Public entry: :func:`report_noise` (``Document -> Document``, in place) fills ``doc.noise`` with
:class:`khabar.document.Noise` records ``{start, end, text, kind, detail}`` (offsets into the original text).

Kinds
-----
- ``untranslated-latin``: runs of Latin-script words left inside Arabic text. Adjacent Latin words, also when
  joined by the Arabic conjunction و or by ``& - /``, form one run; pure numbers are not Latin words. ``detail``
  says ``"latin run of N words"`` (``"url"`` / ``"email"`` for those).
- ``spelling-variants``: one name written two ways in the same document. Two sources:
  (a) linked entities: two different normalised surfaces with the same ``kb_id`` (or the same in-document
  ``cluster``) whose edit similarity is high and neither of which is a short form of the other;
  (b) no linker needed: two Arabic tokens (after clitic stripping) that differ by exactly one inserted/deleted
  inner long-vowel letter (ا و ي) or by one swap of letters that transliterations confuse (ج/غ, ت/ط, س/ص, ك/ق —
  ``data/lexicons/noise_letter_swaps.tsv``), where neither is an ordinary Arabic word — or exactly one is and a
  mention of the other (the rare spelling) lies inside a named entity of ``doc.entities`` (or the ordinary one
  does and the rare one looks foreign, see :func:`foreignness`). Ordinary words are the ANT-corpus words seen
  at least twice minus foreign-looking ones (``data/lexicons/noise_common_words.txt.gz``, built by
  :func:`build_lexicon`: ``python -m khabar.noise.report build``).
  One record per surface (its first occurrence), ``detail`` = the other spelling.
- ``transliteration``: a name that links only through the variant-tolerant path (``Entity.link == "fuzzy"``
  with a score below :data:`FUZZY_NOISE_BELOW`) and whose own Latin transliteration (:mod:`khabar.link.translit`)
  agrees with the KB's English name (so a wrong fuzzy link is not reported as damage); ``detail`` = the KB's
  canonical English, its first Arabic alias (from ``khabar.kb.store``) and the id. One record per surface.

The stage never raises (any internal error becomes a ``doc.warnings`` entry) and runs in time linear in the
text length (regex scans, hash lookups over distinct tokens).
"""
from __future__ import annotations

import bisect
import collections
import functools
import gzip
import re
from pathlib import Path
from typing import Iterable

from khabar.document import Document, Noise
from khabar.paths import LEXICONS
from khabar.text.normalize import is_arabic_char, normalize, strip_clitics

COMMON_WORDS = LEXICONS / "noise_common_words.txt.gz"
LETTER_SWAPS = LEXICONS / "noise_letter_swaps.tsv"
FOREIGN_LM = LEXICONS / "noise_foreign_lm.json.gz"
MISTRANSLATIONS = LEXICONS / "noise_mistranslations.tsv"

#: fuzzy links scored below this (0–1 scale; a score above 1 is read as 0–100) are reported as transliteration
FUZZY_NOISE_BELOW = 0.97
#: without NER support, a token-level pair needs one spelling with foreignness above this (see foreignness())
MIN_FOREIGNNESS = 0.3
#: minimum rapidfuzz ratio between our transliteration of a fuzzy-linked surface and the KB English name
MIN_TRANSLIT_AGREEMENT = 85.0
#: minimum letters of each spelling of a token-level variant pair
MIN_VARIANT_LEN = 4
#: minimum rapidfuzz ratio (0–100) of two linked surfaces to count as spelling variants
MIN_ENTITY_SIMILARITY = 75.0

_VOWELS = "اوي"
_LATIN_WORD = r"[A-Za-z\u00c0-\u024f](?:[A-Za-z0-9\u00c0-\u024f]|['’.\-](?=[A-Za-z0-9\u00c0-\u024f]))*"
_SEP = r"(?:[ \t\u00a0]+(?:[وو][ \t\u00a0]*)?|[ \t\u00a0]*[&/\-][ \t\u00a0]*|[ \t\u00a0]*و(?=[A-Za-z]))"
_URL = (r"(?<![A-Za-z0-9])(?:https?://|www\.)[^\s\u0600-\u06ff]+"
        r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_LATIN_RUN = re.compile(
    rf"(?P<url>{_URL})|(?<![A-Za-z0-9\u00c0-\u024f])(?P<run>{_LATIN_WORD}(?:{_SEP}{_LATIN_WORD})*)")
_HAMZA_SEAT = re.compile("[\u0624\u0626]")
_PLAIN_WORD = re.compile("[\u0621-\u063a\u0641-\u064a]+")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff\u064b-\u065f\u0670\u0640]+")


# --------------------------------------------------------------------------- data files
@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Normalised ordinary Arabic words (frozenset; empty if the data file is missing)."""
    try:
        with gzip.open(COMMON_WORDS, "rt", encoding="utf-8") as fh:
            return frozenset(w.strip() for w in fh if w.strip() and not w.startswith("#"))
    except OSError:
        return frozenset()


@functools.lru_cache(maxsize=1)
def letter_swaps() -> dict[str, str]:
    """Letter → canonical letter of its confusion class (from ``noise_letter_swaps.tsv``: ``a<TAB>b`` lines)."""
    out: dict[str, str] = {}
    try:
        for line in LETTER_SWAPS.read_text(encoding="utf-8").split("\n"):
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t") if p.strip()]
            if len(parts) >= 2:
                canon = out.get(parts[0], parts[0])
                for p in parts:
                    out[p] = canon
    except OSError:
        pass
    return out


# --------------------------------------------------------------------------- Latin runs
def _latin_runs(text: str) -> list[Noise]:
    out: list[Noise] = []
    # inside Arabic text only: skip lines without any Arabic letter unless the document is mostly Arabic
    n_ar = sum(1 for c in text[:200_000] if "\u0621" <= c <= "\u064a")
    n_la = sum(1 for c in text[:200_000] if c.isascii() and c.isalpha())
    doc_arabic = n_ar > 0 and n_ar >= n_la
    line_has_ar: dict[int, bool] = {}
    ls = scanned = 0
    for m in _LATIN_RUN.finditer(text):
        start, end = m.span()
        if not doc_arabic:
            nl = text.rfind("\n", scanned, start)  # incremental: each character is scanned once
            if nl >= 0:
                ls = nl + 1
            scanned = start
            if ls not in line_has_ar:
                le = text.find("\n", start)
                le = len(text) if le < 0 else le
                line_has_ar[ls] = any(is_arabic_char(c) for c in text[ls:le])
            if not line_has_ar[ls]:
                continue
        if m.group("url"):
            continue  # URLs and e-mail addresses are written in Latin script on purpose
        words = re.findall(_LATIN_WORD, m.group("run"))
        n = len(words)
        if n == 1 and len(words[0]) <= 5 and (words[0].isupper() or len(words[0]) == 1):
            continue  # acronyms and brand letters (CNN, BBC, X) are normal in Arabic news
        detail = f"latin run of {n} word{'s' if n != 1 else ''}"
        out.append(Noise(start, end, m.group(), "untranslated-latin", detail))
    return out


# --------------------------------------------------------------------------- token-level variant pairs
def _norm_map(tok: str) -> tuple[str, list[int]]:
    """Normalised letters of ``tok`` and, for each, its index in ``tok`` (marks/tatweel dropped)."""
    if _PLAIN_WORD.fullmatch(tok):  # fast path: plain letters map one to one
        norm = normalize(tok)
        if len(norm) == len(tok):
            return norm, list(range(len(tok)))
    letters: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(tok):
        for c in normalize(ch):
            if "\u0621" <= c <= "\u064a":
                letters.append(c)
                idx.append(i)
    return "".join(letters), idx


def _one_edit(u: str, v: str, swaps: dict[str, str]) -> str | None:
    """Describe the single edit between two different words, or None if they differ by more."""
    if len(u) == len(v):
        diff = [i for i in range(len(u)) if u[i] != v[i]]
        if len(diff) == 1:
            a, b = u[diff[0]], v[diff[0]]
            if a in swaps and swaps.get(a) == swaps.get(b):
                return f"{a}/{b}"
        return None
    if abs(len(u) - len(v)) != 1:
        return None
    long, short = (u, v) if len(u) > len(v) else (v, u)
    for i in range(len(long)):
        if long[i] in _VOWELS and long[:i] + long[i + 1:] == short:
            # an added vowel letter at the very start or end is more often grammar than spelling
            if i == 0 or i == len(long) - 1:
                return None
            return f"+{long[i]}"
    return None


def _keys(w: str, swaps: dict[str, str]) -> Iterable[str]:
    """Blocking keys: the word with swap letters folded, and with each inner long-vowel letter deleted."""
    f = "".join(swaps.get(c, c) for c in w)
    yield "s:" + f
    for i in range(1, len(w) - 1):
        if w[i] in _VOWELS:
            yield "d:" + w[:i] + w[i + 1:]
    yield "d:" + w


def _entity_cover(doc: Document) -> list[tuple[int, int]]:
    """Merged, sorted spans covered by ``doc.entities``."""
    spans = sorted((e.start, e.end) for e in doc.entities if isinstance(e.start, int) and isinstance(e.end, int))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _token_variants(doc: Document, text: str) -> list[Noise]:
    """Token pairs one vowel letter or one confusable letter apart, neither an ordinary word.

    A pair where exactly one spelling is an ordinary word is kept only when a mention of the other spelling lies
    inside a named entity of ``doc.entities`` (NER says the rare spelling is a name).
    """
    import bisect

    common = common_words()
    swaps = letter_swaps()
    cover = _entity_cover(doc)
    starts = [a for a, _ in cover]

    def in_entity(s: int, e: int) -> bool:
        i = bisect.bisect_right(starts, s) - 1
        return i >= 0 and cover[i][1] >= e

    # distinct candidate stems: first occurrence, ordinary flag, whether any occurrence is inside an entity
    first: dict[str, tuple[int, int]] = {}
    named: set[str] = set()
    bare: set[str] = set()  # stems also seen as a whole token (no clitic stripped)
    cache: dict[str, tuple[str, list[int], list[str]]] = {}
    for m in _ARABIC_WORD.finditer(text):
        tok = m.group()
        if len(tok) < MIN_VARIANT_LEN:
            continue
        info = cache.get(tok)
        if info is None:
            norm, idx = _norm_map(tok)
            info = cache[tok] = (norm, idx, strip_clitics(norm) if len(norm) >= MIN_VARIANT_LEN else [])
        norm, idx, stems = info
        for cand in stems:
            if len(cand) < MIN_VARIANT_LEN:
                continue
            k = len(norm) - len(cand)
            s, e = m.start() + idx[k], m.start() + idx[-1] + 1
            if cand not in first:
                first[cand] = (s, e)
            if k == 0:
                bare.add(cand)
            if cover and cand not in named and in_entity(s, e):
                named.add(cand)
            if cand in common:
                break  # an ordinary word: its letters are not clitics (فرنسا is not ف + رنسا)
    if len(first) < 2:
        return []
    buckets: dict[str, list[str]] = collections.defaultdict(list)
    for w in first:
        for key in _keys(w, swaps):
            buckets[key].append(w)
    pairs: dict[tuple[str, str], str] = {}
    for ws in buckets.values():
        if len(ws) < 2 or len(ws) > 20:
            continue
        for i in range(len(ws)):
            for j in range(i + 1, len(ws)):
                u, v = sorted((ws[i], ws[j]))
                if (u, v) in pairs or u == v:
                    continue
                n_ord = (u in common) + (v in common)
                in_ent = u in named or v in named
                if n_ord == 2:
                    continue
                # an ordinary word beside a rare one: only when NER marks the rare spelling as (part of) a name, or
                # marks the ordinary one and the rare one looks like a transliterated foreign name
                rare = v if u in common else u
                if n_ord == 1 and rare not in named and not (in_ent and foreignness(rare) > MIN_FOREIGNNESS):
                    continue
                # without NER support, one of the spellings must look like a transliterated foreign name
                if not in_ent and max(foreignness(u), foreignness(v)) <= MIN_FOREIGNNESS:
                    continue
                # two stems that only ever occur clitic-stripped are a by-product of their whole tokens
                if u not in bare and v not in bare:
                    continue
                # a clitic-stripped form of the same token is not a variant (الرياض / رياض)
                if u.endswith(v) or v.endswith(u):
                    continue
                # hamza on waw/ya marks a native word (رؤساء → روسا after normalisation), not a transliteration
                if _HAMZA_SEAT.search(text[first[u][0]:first[u][1]] + text[first[v][0]:first[v][1]]):
                    continue
                ed = _one_edit(u, v, swaps)
                if ed:
                    pairs[(u, v)] = ed
    # a word whose clitic-stripped stem already forms the pair is reported once, by its stem
    out: list[Noise] = []
    done: set[tuple[int, int]] = set()
    for (u, v), ed in pairs.items():
        for a, b in ((u, v), (v, u)):
            s, e = first[a]
            if (s, e) in done:
                continue
            done.add((s, e))
            sb, eb = first[b]
            out.append(Noise(s, e, text[s:e], "spelling-variants", f"also spelled {text[sb:eb]} ({ed})"))
    return out


# --------------------------------------------------------------------------- entity-level variants
def _words(s: str) -> list[str]:
    """Normalised Arabic/Latin letters of each word of an entity surface."""
    out = []
    for w in normalize(s).split():
        w = "".join(c for c in w if "\u0621" <= c <= "\u064a" or c.isalnum())
        if w:
            out.append(w)
    return out


def _surface_id(s: str) -> tuple[str, ...]:
    """Clitic-insensitive identity of a surface: the deepest clitic-stripped stem of each word."""
    return tuple(strip_clitics(w)[-1] for w in _words(s))


def _same_word(u: str, v: str) -> bool:
    """True when two words are one word up to proclitics / the article (وبوتين = بوتين, الرياض = رياض)."""
    return u == v or bool(set(strip_clitics(u)) & set(strip_clitics(v)))


def _entity_variants(doc: Document) -> list[Noise]:
    """Surfaces of one linked entity (same ``kb_id`` or ``cluster``) spelled differently.

    Two surfaces are variants when they have the same number of words, at least one word pair differs beyond
    clitics, every differing word pair is similar (rapidfuzz ratio >= :data:`MIN_ENTITY_SIMILARITY`) and not
    both ordinary words (المسؤولون / المسؤولين is grammar, not spelling). A surface whose words are a subset of
    the other's is a short form (لافروف / سيرجي لافروف), never a variant.
    """
    from rapidfuzz import fuzz

    common = common_words()
    groups: dict[tuple[str, object], dict[str, tuple[int, int, str]]] = collections.defaultdict(dict)
    for e in doc.entities:
        if not isinstance(e.text, str) or e.label not in ("PER", "ORG", "LOC", "GPE", "MISC"):
            continue
        ws = _words(e.text)
        if not ws:
            continue
        key = " ".join(ws)
        for gk in (("kb", e.kb_id), ("cl", e.cluster)):
            if gk[1] is not None:
                groups[gk].setdefault(key, (e.start, e.end, e.text))
    out: list[Noise] = []
    for surfaces in groups.values():
        if len(surfaces) < 2 or len(surfaces) > 50:
            continue
        keys = list(surfaces)
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                ta, tb = keys[i].split(), keys[j].split()
                if len(ta) != len(tb):
                    continue
                diff = [(u, v) for u, v in zip(ta, tb) if not _same_word(u, v)]
                if not diff:
                    continue
                ok = True
                for u, v in diff:
                    su, sv = strip_clitics(u)[-1], strip_clitics(v)[-1]
                    if u in common and v in common or fuzz.ratio(u, v) < MIN_ENTITY_SIMILARITY:
                        ok = False
                        break
                    if min(len(su), len(sv)) < 3:
                        ok = False
                        break
                    # final ة / ا is a standard orthographic alternation (سورية / سوريا), not damage
                    if len(u) == len(v) and u[:-1] == v[:-1] and {u[-1], v[-1]} == {"ه", "ا"}:
                        ok = False
                        break
                if not ok:
                    continue
                for x, y in ((keys[i], keys[j]), (keys[j], keys[i])):
                    s, e, t = surfaces[x]
                    out.append(Noise(s, e, t, "spelling-variants", f"also spelled {surfaces[y][2]}"))
    return out


def _kb_arabic(kb_id: str | None) -> str | None:
    """The KB's first Arabic alias of ``kb_id`` (None when the KB or the id is unavailable)."""
    if not kb_id:
        return None
    try:
        from khabar.kb.store import get_kb

        e = get_kb().get(kb_id)
    except Exception:  # noqa: BLE001 - the KB is optional here
        return None
    if e is None:
        return None
    for a in e.aliases:
        if any("\u0621" <= c <= "\u064a" for c in a):
            return a
    return None


def _translit_agrees(arabic: str | None, english: str | None) -> bool:
    """True when our Latin transliteration of ``arabic`` is close to ``english`` (or to a run of as many of its
    words): rapidfuzz ratio >= :data:`MIN_TRANSLIT_AGREEMENT`. A fuzzy link whose English the letters do not
    support (روتلاند → Portland) is more likely a wrong link than a damaged name. True when no model is present."""
    from rapidfuzz import fuzz

    from khabar.link.translit import prep_en, transliterate

    if not arabic or not english:
        return False
    lat = transliterate(arabic)
    if not lat:
        return True
    n = len(lat.split())
    words = english.split()
    cands = [english] + [" ".join(words[i:i + n]) for i in range(0, max(1, len(words) - n + 1))]
    target = prep_en(lat)
    return max(fuzz.ratio(target, prep_en(c)) for c in cands) >= MIN_TRANSLIT_AGREEMENT


def _transliteration(doc: Document) -> list[Noise]:
    out: list[Noise] = []
    for e in doc.entities:
        if e.link != "fuzzy":
            continue
        score = e.score
        if score is not None and score > 1:
            score = score / 100.0
        if score is not None and score >= FUZZY_NOISE_BELOW:
            continue
        if not _translit_agrees(e.text, e.english):
            continue
        canon = e.english or "?"
        arabic = _kb_arabic(e.kb_id)
        detail = f"variant-tolerant link to {canon}" + (f" / {arabic}" if arabic else "") + \
            (f" [{e.kb_id}]" if e.kb_id else "")
        if score is not None:
            detail += f" (score {score:.2f})"
        out.append(Noise(e.start, e.end, e.text, "transliteration", detail))
    return out


@functools.lru_cache(maxsize=1)
def mistranslation_calques() -> dict[tuple[str, ...], tuple[str, str]]:
    """Calques of English office titles: normalised token tuple → (intended Arabic title, English title), from
    ``data/lexicons/noise_mistranslations.tsv`` (empty when the file is missing)."""
    out: dict[tuple[str, ...], tuple[str, str]] = {}
    try:
        lines = MISTRANSLATIONS.read_text(encoding="utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            key = tuple(normalize(w) for w in parts[0].split())
            if key:
                out[key] = (parts[1].strip(), parts[2].strip())
    return out


def _mistranslation(doc: Document) -> list[Noise]:
    """Literal MT renderings of office titles (``رسوم الدولة`` for Secretary of State) in title position: a PER
    entity starts within two words after the phrase (``… الدولة آنذاك أنتوني …``)."""
    calques = mistranslation_calques()
    if not calques or not doc.tokens:
        return []
    per_starts = {e.start for e in doc.entities if e.label == "PER"}
    first = {k[0] for k in calques}
    maxn = max(len(k) for k in calques)
    toks = doc.tokens
    out: list[Noise] = []
    for i, t in enumerate(toks):
        forms = strip_clitics(t.norm)
        if not any(f in first for f in forms):
            continue
        for n in range(min(maxn, len(toks) - i), 0, -1):
            rest = tuple(x.norm for x in toks[i + 1:i + n])
            hit = next((calques[(f,) + rest] for f in forms if (f,) + rest in calques), None)
            if hit is None:
                continue
            after = toks[i + n:i + n + 3]
            if (not any(x.start in per_starts for x in after)
                    or (after and after[0].norm.startswith("ل") and after[0].start not in per_starts)):
                break  # no name in title position, or a portfolio complement (… الدولة للشؤون المحلية)
            f0 = next(f for f in forms if (f,) + rest in calques)
            a = t.start + (len(t.norm) - len(f0) if t.norm.endswith(f0) else 0)  # proclitic و ف … outside
            b = toks[i + n - 1].end
            out.append(Noise(a, b, doc.text[a:b], "mistranslation",
                             f"literal translation of the title {hit[1]!r}; intended {hit[0]}"))
            break
    return out


# --------------------------------------------------------------------------- entry
def report_noise(doc: Document) -> Document:
    """Fill ``doc.noise`` (in place; returns ``doc``) with Latin runs, spelling variants, transliterations and
    mistranslated titles (calques of ``noise_mistranslations.tsv`` before a person's name).

    Input: a Document (``entities`` may be empty: Latin runs and token-level variants need only the text).
    Output: the same Document; ``noise`` gets new :class:`Noise` records sorted by offset, one per
    (span, kind). Never raises: an internal error is recorded in ``doc.warnings``.
    """
    try:
        text = doc.text if isinstance(doc.text, str) else ""
        found: list[Noise] = []
        steps = (("latin runs", lambda: _latin_runs(text)), ("token variants", lambda: _token_variants(doc, text)),
                 ("entity variants", lambda: _entity_variants(doc)), ("transliteration", lambda: _transliteration(doc)),
                 ("mistranslation", lambda: _mistranslation(doc)))
        for name, step in steps:
            try:
                found.extend(step())
            except Exception as exc:  # noqa: BLE001 - one failing detector must not lose the others
                doc.warnings.append(f"noise: {name} failed: {type(exc).__name__}: {exc}")
        seen = {(n.start, n.end, n.kind) for n in doc.noise}
        # token-level variants (precise word spans) come first; an entity-level record overlapping a kept
        # one, or repeating a surface already reported (up to clitics), is dropped: one record per surface
        spans: list[tuple[int, int]] = sorted((n.start, n.end) for n in doc.noise if n.kind == "spelling-variants")
        surfaces = {_surface_id(n.text) for n in doc.noise if n.kind == "spelling-variants"}
        for n in found:
            if (n.start, n.end, n.kind) in seen:
                continue
            if n.kind == "transliteration":
                sid = ("tr",) + _surface_id(n.text)
                if sid in surfaces:
                    continue  # one record per surface
                surfaces.add(sid)
            elif n.kind == "spelling-variants":
                i = bisect.bisect_left(spans, (n.end, -1))
                if i > 0 and spans[i - 1][1] > n.start:
                    continue  # overlaps a kept record (kept spans never overlap each other)
                sid = _surface_id(n.text)
                if sid in surfaces:
                    continue
                surfaces.add(sid)
                bisect.insort(spans, (n.start, n.end))
            seen.add((n.start, n.end, n.kind))
            doc.noise.append(n)
        doc.noise.sort(key=lambda n: (n.start, n.end))
    except Exception as exc:  # noqa: BLE001
        doc.warnings.append(f"noise report failed: {type(exc).__name__}: {exc}")
    return doc


# --------------------------------------------------------------------------- building the data file
def _name_tokens(shared: Path) -> set[str]:
    """Normalised Arabic tokens that are mostly names: tagged as part of an entity in at least half of their
    occurrences in ANERcorp-train, NewsFANE-train and WikiFANE (clitic-stripped forms included)."""
    ent: collections.Counter = collections.Counter()
    allc: collections.Counter = collections.Counter()
    conll = [shared / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt",
             shared / "ner" / "fane" / "NewsFANE_Gold.train.txt", shared / "ner" / "fane" / "WikiFANE_Gold.txt"]
    for p in conll:
        if not p.is_file():
            continue
        for line in p.read_text(encoding="utf-8").split("\n"):
            parts = line.split()
            if len(parts) < 2:
                continue
            tok = normalize(parts[0])
            is_ent = parts[-1][:2] in ("B-", "I-")
            for c in strip_clitics(tok):
                allc[c] += 1
                ent[c] += is_ent
    return {w for w, n in allc.items() if w and ent[w] * 2 >= n and ent[w] > 0}


class CharLM:
    """Witten-Bell character n-gram model over words (history string → {next char: count}).

    ``logprob(word)`` is the mean log-probability per letter (word end included)."""

    def __init__(self, counts: dict[str, dict[str, int]], n: int = 4):
        self.n = n
        self.counts = counts
        self.tot = {h: sum(v.values()) for h, v in counts.items()}
        self.typ = {h: len(v) for h, v in counts.items()}
        self.vocab = len(counts.get("", {})) + 1

    @classmethod
    def fit(cls, words: Iterable[str], n: int = 4) -> "CharLM":
        cnt: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for w in words:
            s = "^" * (n - 1) + w + "$"
            for i in range(n - 1, len(s)):
                for k in range(n):
                    cnt[s[i - k:i]][s[i]] += 1
        return cls({h: dict(v) for h, v in cnt.items()}, n)

    def logprob(self, w: str) -> float:
        import math

        n = self.n
        s = "^" * (n - 1) + w + "$"
        uni = self.counts.get("", {})
        total = 0.0
        for i in range(n - 1, len(s)):
            p = (uni.get(s[i], 0) + 1) / (self.tot.get("", 0) + self.vocab)
            for k in range(1, n):
                h = s[i - k:i]
                t = self.tot.get(h)
                if not t:
                    break
                p = (self.counts[h].get(s[i], 0) + self.typ[h] * p) / (t + self.typ[h])
            total += math.log(p)
        return total / (len(w) + 1)


@functools.lru_cache(maxsize=1)
def _foreign_lms() -> tuple[CharLM, CharLM] | None:
    try:
        import json

        with gzip.open(FOREIGN_LM, "rt", encoding="utf-8") as fh:
            d = json.load(fh)
        return CharLM(d["names"], d["n"]), CharLM(d["words"], d["n"])
    except (OSError, ValueError, KeyError):
        return None


@functools.lru_cache(maxsize=20_000)
def foreignness(word: str) -> float:
    """Per-letter log-likelihood ratio (names model − ordinary-words model) of a normalised Arabic word;
    > 0 looks like a transliterated foreign name. 0.0 when the model file is missing."""
    lms = _foreign_lms()
    if lms is None or not word:
        return 0.0
    return lms[0].logprob(word[:40]) - lms[1].logprob(word[:40])


def build_lexicon(shared_data_dir: Path, out: Path | None = None, min_count: int = 2,
                  foreign_above: float = 0.0, name_margin: float = 0.75, always_top: int = 5000) -> dict:
    """Build ``noise_common_words.txt.gz``: the ordinary Arabic words (one normalised word a line).

    Ordinary = ANT-corpus words seen >= ``min_count`` times minus foreign-looking words: a word whose
    per-letter log-likelihood ratio between a character 4-gram model of transliterated names (ANETAC + google
    train Arabic sides) and one of the corpus words exceeds ``foreign_above`` (2-fold cross-fitted, so a word
    never scores itself); for tokens that are mostly names in ANERcorp-train / FANE (tagged as entity in at
    least half of their occurrences) the bar is ``foreign_above - name_margin``. Among the ``always_top`` most
    frequent corpus words, those that are not mostly names (كانوا) and those removed only by the name margin
    (native-looking words that often sit inside names, e.g. الأمن in مجلس الأمن) stay ordinary.
    Input: the staged ``shared/data`` folder. Output: statistics dict. Source: ANT corpus v2.1 (citation
    licence; a word list only, no text).
    """
    import json
    import zlib

    shared = Path(shared_data_dir)
    counts: collections.Counter = collections.Counter()
    word = re.compile("[\u0621-\u064a]+")
    for p in sorted((shared / "corpus" / "antcorpus").glob("*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                counts.update(word.findall(normalize((d.get("title") or "") + "\n" + (d.get("text") or ""))))
    names = _name_tokens(shared)
    translit_names: set[str] = set()
    for line in (shared / "kb" / "anetac" / "EN-AR_Named-entities.txt").read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 3:
            translit_names.add(normalize(parts[2]))
    for line in (shared / "kb" / "google-ar2en" / "ar2en-train.txt").read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            translit_names.add(normalize(line.split("\t")[0].strip()))
    cands = [w for w, c in counts.items() if c >= min_count]

    def fold(w: str) -> int:
        return zlib.crc32(w.encode("utf-8")) % 2

    # foreignness = per-letter log-likelihood ratio, names model vs corpus-words model (2-fold cross-fitted);
    # a word that is mostly a name (ANERcorp/FANE) needs a lower ratio than other words to leave the list,
    # so native names (محمد, الحسن) stay ordinary and foreign ones (ترامب) do not
    foreign: set[str] = set()
    native_looking: set[str] = set()  # removed only through the name margin
    for f in (0, 1):
        lm_f = CharLM.fit(w for w in translit_names if fold(w) != f)
        lm_n = CharLM.fit(w for w in cands if fold(w) != f and w not in names)
        for w in cands:
            if fold(w) == f:
                r = lm_f.logprob(w) - lm_n.logprob(w)
                if r > foreign_above or (w in names and r > foreign_above - name_margin):
                    foreign.add(w)
                    if r <= foreign_above:
                        native_looking.add(w)
    top = {w for w, _ in counts.most_common(always_top) if w not in names or w in native_looking}
    keep = sorted(w for w in cands if w not in foreign or w in top)
    out = Path(out) if out else COMMON_WORDS
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(("# ordinary Arabic words: ANT corpus v2.1 words with count >= %d, minus foreign-looking words "
                  "(char 4-gram LLR vs ANETAC/google names); built by "
                  "khabar.noise.report.build_lexicon; the %d most frequent words are kept unless they are foreign-looking names\n" % (min_count, always_top)).encode("utf-8"))
        fh.write(("\n".join(keep) + "\n").encode("utf-8"))
    # the runtime foreignness models: all names vs the ordinary words
    lm_f = CharLM.fit(sorted(translit_names))
    lm_n = CharLM.fit(keep)
    with gzip.GzipFile(FOREIGN_LM, "wb", mtime=0) as fh:
        fh.write(json.dumps({"n": lm_f.n, "names": lm_f.counts, "words": lm_n.counts}, ensure_ascii=False,
                            separators=(",", ":")).encode("utf-8"))
    common_words.cache_clear()
    _foreign_lms.cache_clear()
    foreignness.cache_clear()
    return {"corpus_types": len(counts), "foreign_lm_bytes": FOREIGN_LM.stat().st_size, "names": len(names), "foreign_looking": len(foreign),
            "common_words": len(keep), "path": str(out), "bytes": out.stat().st_size}


if __name__ == "__main__":  # python -m khabar.noise.report build
    import sys

    from khabar.paths import shared_data

    if sys.argv[1:2] == ["build"]:
        print(build_lexicon(shared_data()))

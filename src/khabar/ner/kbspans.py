"""Multi-word names from the KB and an institution list turned into one NER mention (session 4, issue #3, part 2).

On fresh news the CRF misses multi-word institutions and tags the country inside them alone
(``قوات [سوريا] الديمقراطية``, ``وزارة الخارجية [الأمريكية]``, ``مجلس النواب [العراقي]``). :func:`mark` runs a
longest-match pass over one sentence against

* the multi-word (≥ 2 words) Arabic aliases of the KB's ORG / GPE / LOC entities (:mod:`khabar.kb`, read only;
  geonames cities with a prior below :data:`MIN_CITY_PRIOR` and the ``up:`` actor entries are left out: too many
  homographs), and
* the generic institution names of ``data/lexicons/ner_institutions.tsv`` (hand-written; class ``INST``:
  ``مجلس النواب``, ``وزارة الخارجية`` …), marked even when no word of them was tagged, but not when a nationality
  adjective follows that the KB does not list with them (``وزارة النقل الفلسطينية``: the linker and the event
  coder read the country from the untagged phrase; ``وزارة الخارجية الأمريكية`` is a KB name). Class ``STOP``
  lists KB aliases never matched here; class ``STAGE_HEAD`` lists heads (``منطقة``) whose KB names are matched
  only with ``stage=True`` (ANERcorp leaves the head out of the mention; the linker wants the region).

The first word of a name may carry proclitics (و ف ب ل ك, لل → ال; also a 3-letter word: ``لبي بي سي``); the
other words must match exactly after normalisation (:func:`khabar.text.normalize.normalize`, edge punctuation
removed). A match becomes one mention (ORG for KB ORG entities and the institution list, LOC for GPE/LOC — the
document stage relabels GPE) that replaces the tagger's mentions inside it, unless

* a mention crosses its edges (except a mention glued on the left of a name whose first word carries ل/ب/و:
  ``[غريب لبي بي سي]`` → ``[غريب]`` + ``[لبي بي سي]``);
* it is exactly a PER mention and a place name (a city named after a person; an organisation alias retypes it:
  ``بي بي سي``), or exactly a MISC mention (``بطولة كأس العالم`` stays an event);
* the only tagged names inside a KB name follow a preposition (``الحزب الشيوعي الحاكم في [الصين]`` keeps the
  country; ``بعثة [الأمم المتحدة] للدعم في [ليبيا]`` becomes one mention);
* (``untagged=False``, the default) no word of a KB name was tagged: the linker's own gazetteer pass
  (:mod:`khabar.link.linker`) adds those.

Measured (docs/bench/ner.md, "Session 4, part 2"): ANERcorp dev drops when the pass runs in the evaluated path
(its annotation leaves heads such as وكالة/دولة/جنوب out), so :mod:`khabar.ner.tagger` runs it in the document
stage only (``KB_SPANS``), after label propagation.

Input: one sentence's token strings and BIO tags (equal lengths); output: a new tag list of the same length. A KB
that cannot be read leaves the KB part empty (the institution list still applies); never raises on odd tags.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from khabar.ner.boundaries import _spans, class_rows
from khabar.ner.features import core
from khabar.text.normalize import normalize, strip_clitics

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicons" / "ner_institutions.tsv"
PREPOSITIONS = LEXICON.with_name("prepositions.txt")
MIN_CITY_PRIOR = 2.0  # geonames ``city:`` entries below this prior are not matched (as in the linker's gazetteer)
MAX_WORDS = 8
_WORD = re.compile(r"[\w\u0600-\u06ff]+", re.UNICODE)


@functools.lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """Normalised, lower-cased form of one text word without edge punctuation (``""`` for punctuation)."""
    return "".join(_WORD.findall(core(word).lower()))


@functools.lru_cache(maxsize=65536)
def _first_forms(word: str) -> tuple[str, ...]:
    k = _key(word)
    if not k:
        return ()
    out = list(strip_clitics(k))
    if len(k) == 3 and k[0] in "وفبلك":  # a short first word of a multi-word name (لبي بي سي)
        out.append(k[1:])
    # keep the article: drop forms that only lost ال (الصور ≠ صور)
    return tuple(dict.fromkeys(f for f in out if not (k.startswith("ال") and f == k[2:])))


def _read_lexicon() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for raw, cls in class_rows(LEXICON):
        words = tuple(k for k in (_key(w) for w in raw) if k)
        if words:
            out.setdefault(cls, []).append(words)
    return out


@functools.lru_cache(maxsize=8)
def word_class(cls: str) -> frozenset[str]:
    """The one-word entries of class ``cls`` of ``ner_institutions.tsv`` as normalised keys (frozenset of str;
    empty for an unknown class or a missing file). Also read by the linker (DAY_WORD / WEEKDAY)."""
    return frozenset(t[0] for t in _read_lexicon().get(cls, []) if len(t) == 1)


def day_then_weekday(last: str, nxt: str) -> bool:
    """True when ``last`` (the last word of a candidate name) is a day word (اليوم، أمس، غدا) and ``nxt`` a weekday
    name (classes DAY_WORD / WEEKDAY): the name then ends before ``last`` ("روسيا اليوم الثلاثاء")."""
    return _key(last) in word_class("DAY_WORD") and any(f in word_class("WEEKDAY") for f in _first_forms(nxt))


@functools.lru_cache(maxsize=1)
def index() -> dict[str, dict]:
    """The match tables: ``names`` maps a first word to ``{rest tuple: (type, source)}`` with type ORG | LOC and
    source ``kb`` | ``inst`` | ``stage`` (a KB name opened by a STAGE_HEAD word); ``lens`` maps a first word to the
    name lengths (words) starting with it, longest first. Built once from the KB (≈ 0.3 s after the KB loads)."""
    lex = _read_lexicon()
    stop = {t for t in lex.get("STOP", [])}
    stage_heads = {t[0] for t in lex.get("STAGE_HEAD", [])}
    names: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {}

    def add(words: tuple[str, ...], ty: str, src: str) -> None:
        if len(words) < 2 or len(words) > MAX_WORDS or words in stop:
            return
        d = names.setdefault(words[0], {})
        if words[1:] not in d or src == "inst":
            d[words[1:]] = (ty, src)

    try:
        from khabar.kb.store import get_kb

        kb = get_kb()
        ents = list(kb.entities.values())
    except Exception:  # noqa: BLE001 — a missing/corrupt KB leaves the KB part empty
        ents = []
    inst = set(lex.get("INST", []))
    inst_lens = sorted({len(t) for t in inst})
    for e in ents:
        if e.type not in ("ORG", "GPE", "LOC") or e.id.startswith("up:"):
            continue
        if e.id.startswith("city:") and (e.prior or 0.0) < MIN_CITY_PRIOR:
            continue
        ty = "ORG" if e.type == "ORG" else "LOC"
        for a in e.aliases:
            if not re.search("[\u0600-\u06ff]", a) or re.search("[A-Za-z]", a):
                continue
            words = tuple(k for k in (_key(w) for w in normalize(a).replace("_", " ").split()) if k)
            src = "stage" if words and words[0] in stage_heads else "kb"
            if any(words[:k] in inst for k in inst_lens if k < len(words)):
                src = "inst"  # a KB name opened by a listed institution (وزارة الخارجية الأمريكية)
            add(words, ty, src)
    for words in lex.get("INST", []):
        add(words, "ORG", "inst")
    lens = {f: tuple(sorted({len(r) + 1 for r in d}, reverse=True)) for f, d in names.items()}
    return {"names": names, "lens": lens}


@functools.lru_cache(maxsize=1)
def _preps() -> frozenset[str]:
    """Normalised prepositions (``data/lexicons/prepositions.txt``): a tagged name right after one of them inside a
    longer KB name is its own mention (``التحالف العربي لدعم الشرعية في [اليمن]``)."""
    try:
        words = PREPOSITIONS.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(_key(w) for w in words if not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    from khabar.ner.boundaries import lexicon

    return lexicon().get("DEMONYM", frozenset())


def mark(words: list[str], tags: list[str], stage: bool = False, untagged: bool = False) -> list[str]:
    """Tags of one sentence with multi-word KB / institution names made single mentions (see the module doc).

    ``stage=True`` also matches names opened by a STAGE_HEAD word (``منطقة تبوك``); ``untagged=True`` also marks
    names no word of which was tagged."""
    n = len(words)
    if n < 2 or len(tags) != n:
        return list(tags)
    idx = index()
    names, lens = idx["names"], idx["lens"]
    starts = [i for i in range(n - 1) if any(f in names for f in _first_forms(words[i]))]
    if not starts:
        return list(tags)
    keys = [_key(w) for w in words]
    owner = [-1] * n
    spans = _spans(tags)
    for s, (a, b, _) in enumerate(spans):
        for k in range(a, b):
            owner[k] = s
    out = list(tags)
    dem = None
    i = 0
    while i < n - 1:
        hit = None
        for f in _first_forms(words[i]):
            d = names.get(f)
            if not d:
                continue
            for m in lens[f]:
                if i + m > n:
                    continue
                v = d.get(tuple(keys[i + 1:i + m]))
                if v and (stage or v[1] != "stage"):
                    hit = (m, v, f)
                    break
            if hit:
                break
        if not hit:
            i += 1
            continue
        m, (ty, src), first = hit
        j = i + m
        # the name's first word carries a preposition/conjunction (لبي بي سي): a mention glued on its left is cut
        cut_left = first != keys[i] and keys[i][:1] in "لبو" and len(keys[i]) >= 3
        inner = {owner[k] for k in range(i, j)} - {-1}
        ok = untagged or src == "inst" or bool(inner)
        if src == "inst" and j < n:
            if dem is None:
                dem = _demonyms()
            if keys[j].startswith("ال") and any(f in dem for f in _first_forms(words[j])):
                # a country's institution the KB does not list (وزارة النقل الفلسطينية): left to the event coder
                # and the linker, which read the nationality; a generic mention would hide it
                ok = False
        if j < n and day_then_weekday(words[j - 1], words[j]):
            ok = False  # "روسيا اليوم الثلاثاء": Russia, today Tuesday — not the channel RT
        for s in inner:
            a, b, t = spans[s]
            if a < i < b <= j and cut_left:
                continue  # "[غريب لبي بي سي]" → "[غريب]" + "[لبي بي سي]"
            if a < i or b > j or ((a, b) == (i, j) and (t == "MISC" or (t == "PER" and ty != "ORG"))):
                ok = False
        if ok and inner and src != "inst" and all(spans[s][0] > i and keys[spans[s][0] - 1] in _preps() for s in inner):
            ok = False  # only the complement of a preposition was tagged: "… في [اليمن]" keeps its own mention
        if ok:
            out[i] = "B-" + ty
            for k in range(i + 1, j):
                out[k] = "I-" + ty
            if j < n and out[j].startswith("I-"):
                out[j] = "B-" + out[j][2:]
            i = j
        else:
            i += 1
    return out

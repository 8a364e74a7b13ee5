"""Arabic → Latin transliteration of names (for NIL entities and the noise report).

Public API
----------
- :func:`transliterate` — ``str -> str``: one or several space-separated Arabic words → Latin, Title Case.
- :func:`train` — called by ``khabar train translit``: builds the artefact ``data/models/translit.json.gz`` +
  ``data/models/translit_lex.json.gz`` from the train splits.
- :func:`evaluate` — exact-match accuracy and character error rate on the test splits.

Method (source: our own implementation of standard techniques)
--------------------------------------------------------------
1. **Character alignment.** Every training pair (Arabic word, English word) is aligned monotonically: each Arabic
   letter emits one Latin chunk of 0–3 letters. The chunk probabilities ``P(chunk | letter)`` are learnt by hard
   (Viterbi) EM, started from a length prior (Jiampojamarn et al. 2007, "many-to-many alignment", restricted to
   1-to-many).
2. **Sequence model.** A joint-sequence n-gram model (order 5, 6 chunks kept per letter, Witten-Bell
   interpolation) over the aligned (Arabic letter, Latin chunk) pairs, decoded left to right by beam search,
   beam 3 (Bisani & Ney 2008, "Joint-sequence models for grapheme-to-phoneme conversion"); the order, chunks and
   beam were chosen on the ANETAC dev and google eval splits. A CRF over the letters (python-crfsuite) was tried first and
   dropped: training did not finish in 40 minutes on 20 k pairs (100 labels); see ``docs/bench/translit.md``.
3. **Lexicon.** Whole Arabic words seen in the training pairs return their most frequent English form (counted
   over both corpora) — optional, ``use_lexicon``.

Training data: ANETAC ``EN-AR Translit`` train split (Hadj Ameur et al. 2019, arXiv:1907.03110) and google
``ar2en-train.txt`` (google/transliteration, Apache-2.0). Test splits are used only by :func:`evaluate`.
Arabic input is matched in its :func:`khabar.text.normalize.normalize` form; English targets are folded to
lower-case ASCII (accents stripped: ``Kovačić`` → ``kovacic``).
"""
from __future__ import annotations

import collections
import functools
import gzip
import json
import math
import re
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from khabar.paths import MODELS
from khabar.text.normalize import normalize

MODEL_PATH = MODELS / "translit.json.gz"
LEX_PATH = MODELS / "translit_lex.json.gz"  # written beside MODEL_PATH

_AR_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]")
_MAX_CHUNK = 3


# --------------------------------------------------------------------------- text preparation
def prep_ar(s: str) -> str:
    """Matching form of one Arabic word: normalised, Arabic letters only (tatweel, marks, punctuation dropped)."""
    return "".join(_AR_LETTER.findall(normalize(s or "")))


def prep_en(s: str) -> str:
    """Folded form of one English word: NFKD accents stripped, lower-case, letters a–z only."""
    s = unicodedata.normalize("NFKD", s or "")
    s = s.replace("ı", "i").replace("ø", "o").replace("ł", "l").replace("æ", "ae").replace("œ", "oe")
    s = s.replace("ß", "ss").replace("đ", "d").replace("ð", "d")
    return "".join(c for c in s.lower() if "a" <= c <= "z")


# --------------------------------------------------------------------------- data
def _read_anetac(shared: Path, split: str) -> list[tuple[str, str]]:
    d = Path(shared) / "kb" / "anetac" / "translit"
    ar = (d / f"{split}.ar").read_text(encoding="utf-8").split("\n")
    en = (d / f"{split}.en").read_text(encoding="utf-8").split("\n")
    return [(a.strip(), e.strip()) for a, e in zip(ar, en) if a.strip() and e.strip()]


def _read_google(shared: Path, split: str) -> list[tuple[str, str]]:
    p = Path(shared) / "kb" / "google-ar2en" / f"ar2en-{split}.txt"
    out = []
    for line in p.read_text(encoding="utf-8").split("\n"):
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            out.append((parts[0].strip(), parts[1].strip()))
    return out


def _prepared(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for a, e in pairs:
        pa, pe = prep_ar(a), prep_en(e)
        if pa and pe and len(pe) <= _MAX_CHUNK * len(pa):
            out.append((pa, pe))
    return out


# --------------------------------------------------------------------------- alignment (hard EM)
def _viterbi_align(a: str, e: str, logp: dict[tuple[str, str], float], floor: float) -> list[str] | None:
    """Best monotone segmentation of ``e`` into ``len(a)`` chunks of 0..3 letters under ``logp``."""
    n, m = len(a), len(e)
    neg = -1e18
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        ch = a[i]
        row, nrow, nback = best[i], best[i + 1], back[i + 1]
        # j must leave enough room: remaining letters n-i-1 can emit at most 3 each
        for j in range(m + 1):
            s = row[j]
            if s <= neg:
                continue
            for k in range(0, _MAX_CHUNK + 1):
                jj = j + k
                if jj > m:
                    break
                v = s + logp.get((ch, e[j:jj]), floor)
                if v > nrow[jj]:
                    nrow[jj] = v
                    nback[jj] = k
    if best[n][m] <= neg:
        return None
    chunks = []
    j = m
    for i in range(n, 0, -1):
        k = back[i][j]
        chunks.append(e[j - k:j])
        j -= k
    chunks.reverse()
    return chunks


def align(pairs: list[tuple[str, str]], iterations: int = 5) -> tuple[list[list[str] | None], dict]:
    """Align prepared (arabic, english) pairs; returns per-pair chunk lists (None = unalignable) and the table.

    Hard EM: start from a prior that prefers 1-letter chunks, then re-estimate ``log P(chunk | letter)`` from
    the Viterbi alignments (add-0.1 smoothing over the chunks seen with that letter).
    """
    prior = {0: math.log(0.15), 1: math.log(0.6), 2: math.log(0.2), 3: math.log(0.05)}
    logp: dict[tuple[str, str], float] = {}
    letters = {c for a, _ in pairs for c in a}
    # initial table: every chunk that occurs anywhere gets the length prior
    chunks_seen = {e[j:j + k] for _, e in pairs for j in range(len(e)) for k in range(1, _MAX_CHUNK + 1)}
    chunks_seen.add("")
    init = {c: prior[len(c)] for c in chunks_seen if len(c) <= _MAX_CHUNK}
    floor = math.log(1e-6)
    aligned: list[list[str] | None] = []
    for it in range(iterations):
        if it == 0:
            logp = {(ch, c): v for ch in letters for c, v in init.items()}
        counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        aligned = []
        for a, e in pairs:
            al = _viterbi_align(a, e, logp, floor)
            aligned.append(al)
            if al:
                for ch, c in zip(a, al):
                    counts[ch][c] += 1
        logp = {}
        for ch, cnt in counts.items():
            tot = sum(cnt.values()) + 0.1 * len(cnt)
            for c, v in cnt.items():
                if v >= 2 or it == 0:
                    logp[(ch, c)] = math.log((v + 0.1) / tot)
    return aligned, logp


# --------------------------------------------------------------------------- joint n-gram model
class JointNgram:
    """Joint-sequence ("graphone") n-gram model over (Arabic letter, Latin chunk) tokens with Witten-Bell
    interpolation (Bisani & Ney 2008 style; our own implementation), decoded by beam search.

    ``counts``: history (space-joined previous tokens, '' for the unigram) → {token: count};
    ``cands``: Arabic letter → the Latin chunks it may emit (most frequent first).
    A token is the Arabic letter followed by its chunk (``"شsh"``, ``"و"`` for an empty chunk).
    """

    def __init__(self, n: int, counts: dict[str, dict[str, int]], cands: dict[str, list[str]]):
        self.n = n
        self.counts = counts
        self.cands = cands
        self.tot = {h: sum(v.values()) for h, v in counts.items()}
        self.typ = {h: len(v) for h, v in counts.items()}
        self.vocab = len(counts.get("", {})) + 1
        self._uni = counts.get("", {})

    def prob(self, tok: str, hist: tuple[str, ...]) -> float:
        """Interpolated P(tok | hist); ``hist`` holds the previous n-1 tokens."""
        p = (self._uni.get(tok, 0) + 0.5) / (self.tot.get("", 0) + 0.5 * self.vocab)
        counts, tot, typ = self.counts, self.tot, self.typ
        for k in range(1, self.n):
            h = " ".join(hist[len(hist) - k:])
            c = tot.get(h)
            if not c:
                break
            t = typ[h]
            p = (counts[h].get(tok, 0) + t * p) / (c + t)
        return p

    def decode(self, a: str, beam: int = 3) -> str:
        """Best Latin string (lower case) for a prepared Arabic word ``a``."""
        start = ("<s>",) * (self.n - 1)
        states: list[tuple[float, tuple[str, ...], str]] = [(0.0, start, "")]
        log = math.log
        for ch in a:
            new: dict[tuple[str, ...], tuple[float, tuple[str, ...], str]] = {}
            for score, hist, out in states:
                for y in self.cands.get(ch, ("",)):
                    tok = ch + y
                    s = score + log(self.prob(tok, hist))
                    h2 = hist[1:] + (tok,)
                    old = new.get(h2)
                    if old is None or old[0] < s:
                        new[h2] = (s, h2, out + y)
            states = sorted(new.values(), key=lambda x: -x[0])[:beam]
        best = max(states, key=lambda st: st[0] + log(self.prob("</s>", st[1])))
        return best[2]


def _fit(pairs: list[tuple[str, str]], aligned: list[list[str] | None], n: int, k_cands: int,
         prune_above: int = 99) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """Count joint n-grams; singleton n-grams of order > ``prune_above`` are dropped (size)."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    chunks: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for (a, _), al in zip(pairs, aligned):
        if not al:
            continue
        toks = [c + y for c, y in zip(a, al)]
        for c, y in zip(a, al):
            chunks[c][y] += 1
        seq = ["<s>"] * (n - 1) + toks + ["</s>"]
        for i in range(n - 1, len(seq)):
            for k in range(n):
                counts[" ".join(seq[i - k:i])][seq[i]] += 1
    out: dict[str, dict[str, int]] = {}
    for h, v in counts.items():
        order = 1 + (len(h.split(" ")) if h else 0)
        kept = {t: c for t, c in v.items() if c > 1 or order <= prune_above}
        if kept:
            out[h] = kept
    cands = {c: [y for y, v in ch.most_common(k_cands) if v >= 2] or [ch.most_common(1)[0][0]]
             for c, ch in chunks.items()}
    return out, cands


# --------------------------------------------------------------------------- training
def _training_pairs(shared: Path) -> list[tuple[str, str]]:
    return _read_anetac(shared, "train") + _read_google(shared, "train")


def train(shared_data_dir: Path, out: Path | None = None, n: int = 5, k_cands: int = 6) -> dict[str, Any]:
    """Train the transliteration model (``khabar train translit``).

    Input: ``shared_data_dir`` (the staged ``shared/data`` folder), ``out`` (model path; default the shipped
    ``data/models/translit.json.gz``; the whole-word lexicon is written beside it as ``<stem>_lex.json.gz``),
    ``n`` (n-gram order), ``k_cands`` (chunks kept per Arabic letter).
    Output: a dict of statistics (pairs, sizes, seconds, paths). Raises FileNotFoundError when data is absent.
    Takes about 3–4 minutes on one core (the alignment is pure Python).
    """
    t0 = time.time()
    raw = _training_pairs(Path(shared_data_dir))
    pairs = _prepared(raw)
    aligned, _ = align(pairs)
    t_align = time.time() - t0
    counts, cands = _fit(pairs, aligned, n, k_cands)
    out = Path(out) if out else MODEL_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(json.dumps({"n": n, "cands": cands, "counts": counts}, ensure_ascii=False,
                            separators=(",", ":")).encode("utf-8"))
    # lexicon: most frequent English per Arabic word (both corpora, original casing of the commonest form)
    lex: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for a, e in raw:
        pa = prep_ar(a)
        if pa and prep_en(e):
            lex[pa][e] += 1
    lex_out = {a: c.most_common(1)[0][0] for a, c in sorted(lex.items())}
    lex_path = out.with_name(out.name.split(".")[0] + "_lex.json.gz")
    with gzip.GzipFile(lex_path, "wb", mtime=0) as fh:
        fh.write(json.dumps(lex_out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    _load.cache_clear()
    _cached_word.cache_clear()
    return {"pairs": len(pairs), "aligned": sum(1 for x in aligned if x), "order": n,
            "histories": len(counts), "ngrams": sum(len(v) for v in counts.values()),
            "align_s": round(t_align, 1), "total_s": round(time.time() - t0, 1), "model": str(out),
            "lexicon": str(lex_path), "model_bytes": out.stat().st_size, "lexicon_bytes": lex_path.stat().st_size}


# --------------------------------------------------------------------------- inference
@functools.lru_cache(maxsize=4)
def _load(model: str | None = None) -> tuple[JointNgram, dict[str, str]]:
    """Load the model and the lexicon once per process (model path → (model, lexicon))."""
    path = Path(model) if model else MODEL_PATH
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        d = json.load(fh)
    m = JointNgram(d["n"], d["counts"], d["cands"])
    lex_path = path.with_name(path.name.split(".")[0] + "_lex.json.gz")
    lex: dict[str, str] = {}
    if lex_path.is_file():
        with gzip.open(lex_path, "rt", encoding="utf-8") as fh:
            lex = json.load(fh)
    return m, lex


def _word(a: str, use_lexicon: bool, model: str | None, beam: int = 3) -> str:
    """Transliterate one prepared Arabic word (lower-case Latin; '' when empty)."""
    if not a:
        return ""
    m, lex = _load(model)
    if use_lexicon:
        hit = lex.get(a)
        if hit:
            return prep_en(hit)
    return m.decode(a[:40], beam)


@functools.lru_cache(maxsize=50_000)
def _cached_word(a: str) -> str:
    return _word(a, True, None)


def transliterate(arabic: str) -> str:
    """Latin transliteration of one or several space-separated Arabic words.

    Input: any str (Arabic words; Latin tokens are passed through, digits kept). Output: the words in Title
    Case joined by single spaces (``"سيرجي لافروف"`` → e.g. ``"Sergei Lavrov"``); ``""`` for empty input.
    A word seen in the training pairs returns its most frequent English form; other words are decoded by the
    joint n-gram model (about 5 ms a word). Never raises on str input; returns ``""`` when the model artefact
    is missing.
    """
    try:
        out = []
        for w in (arabic or "").split():
            a = prep_ar(w)
            if a:
                t = _cached_word(a)
                if t:
                    out.append(t[:1].upper() + t[1:])
            elif any(c.isascii() and c.isalnum() for c in w):
                out.append(w)
        return " ".join(out)
    except Exception:  # noqa: BLE001 - a missing/broken model must not break the pipeline
        return ""


# --------------------------------------------------------------------------- evaluation
def _cer(hyp: str, ref: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(hyp, ref), len(ref)


def _score(pairs: list[tuple[str, str]], use_lexicon: bool, model: str | None,
           attested: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """Exact match (strict per pair, 'any reference' of the split, any attested form) and CER, folded forms."""
    refs: dict[str, set[str]] = collections.defaultdict(set)
    for a, e in pairs:
        refs[prep_ar(a)].add(prep_en(e))
    n = exact = any_ref = any_att = 0
    edits = chars = 0
    for a, e in pairs:
        pa, pe = prep_ar(a), prep_en(e)
        if not pa or not pe:
            continue
        hyp = _word(pa, use_lexicon, model)
        n += 1
        exact += hyp == pe
        any_ref += hyp in refs[pa]
        any_att += hyp in refs[pa] or (attested is not None and hyp in attested.get(pa, ()))
        d, length = _cer(hyp, pe)
        edits += d
        chars += length
    return {"n": n, "exact_match": round(100 * exact / max(n, 1), 2),
            "exact_match_any_ref": round(100 * any_ref / max(n, 1), 2),
            "exact_match_attested": round(100 * any_att / max(n, 1), 2),
            "cer": round(100 * edits / max(chars, 1), 2)}


def anetac_classes(shared: Path) -> dict[tuple[str, str], set[str]]:
    """(prepared Arabic, folded English) → classes found for that pair in ``EN-AR_Named-entities.txt``."""
    out: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    p = Path(shared) / "kb" / "anetac" / "EN-AR_Named-entities.txt"
    for line in p.read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 3:
            out[(prep_ar(parts[2]), prep_en(parts[1]))].add(parts[0])
    return out


def evaluate(shared_data_dir: Path, split: str = "test", use_lexicon: bool = False,
             model: str | None = None) -> dict[str, Any]:
    """Evaluate on the ANETAC and google test splits (or ``split="dev"``: ANETAC dev + google eval).

    Output: ``{"anetac_person": {...}, "anetac_all": {...}, "google": {...}}``, each with ``n``,
    ``exact_match`` (% of pairs whose output equals the folded reference), ``exact_match_any_ref`` (% whose
    output equals any reference given for the same Arabic word in that split — the NEWS shared-task ACC),
    ``exact_match_attested`` (% whose output is any English form given for that Arabic word anywhere in
    ANETAC / google, train splits included: a multi-reference score, since the splits hold one Arabic word with
    several English spellings), ``cer`` (% character error rate, Levenshtein edits / reference letters). The PERSON subset keeps the test
    pairs whose (Arabic, English) pair is classed PERSON in ``EN-AR_Named-entities.txt`` (the translit split
    itself has no classes). ``use_lexicon`` adds the whole-word lookup of training pairs.
    """
    shared = Path(shared_data_dir)
    an = _read_anetac(shared, split)
    go = _read_google(shared, "test" if split == "test" else "eval")
    cls = anetac_classes(shared)
    person = [(a, e) for a, e in an if "PERSON" in cls.get((prep_ar(a), prep_en(e)), ())]
    attested: dict[str, set[str]] = collections.defaultdict(set)
    for a, e in (_training_pairs(shared) + _read_anetac(shared, "dev") + _read_anetac(shared, "test")
                 + _read_google(shared, "eval") + _read_google(shared, "test")):
        attested[prep_ar(a)].add(prep_en(e))
    seen = set(prep_ar(a) for a, _ in _training_pairs(shared))
    t0 = time.time()
    res = {"split": split, "use_lexicon": use_lexicon,
           "anetac_person": _score(person, use_lexicon, model, attested),
           "anetac_person_unseen": _score([p for p in person if prep_ar(p[0]) not in seen], use_lexicon, model,
                                          attested),
           "anetac_all": _score(an, use_lexicon, model, attested),
           "google": _score(go, use_lexicon, model, attested)}
    n = sum(v["n"] for v in res.values() if isinstance(v, dict))
    res["ms_per_word"] = round(1000 * (time.time() - t0) / max(n, 1), 3)
    return res

"""Arabic → Latin transliteration of names (for NIL entities and the noise report).

Public API
----------
- :func:`transliterate` — ``str -> str``: one or several space-separated Arabic words → Latin, Title Case.
- :func:`train` — called by ``khabar train translit``: builds the artefact ``data/models/translit.crfsuite`` +
  ``data/models/translit_lex.json.gz`` from the train splits.
- :func:`evaluate` — exact-match accuracy and character error rate on the test splits.

Method (source: our own implementation of standard techniques)
--------------------------------------------------------------
1. **Character alignment.** Every training pair (Arabic word, English word) is aligned monotonically: each Arabic
   letter emits one Latin chunk of 0–3 letters. The chunk probabilities ``P(chunk | letter)`` are learnt by hard
   (Viterbi) EM, started from a length prior (Jiampojamarn et al. 2007, "many-to-many alignment", restricted to
   1-to-many).
2. **Sequence model.** A linear-chain CRF (python-crfsuite, Okazaki 2007) over the Arabic letters predicts the
   Latin chunk of each letter from a ±4 letter context window (unigrams to 5-grams, word-edge flags); the label
   transitions let it choose vowels consistently.
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
import random
import re
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from khabar.paths import MODELS
from khabar.text.normalize import normalize

MODEL_PATH = MODELS / "translit.crfsuite"
LEX_PATH = MODELS / "translit_lex.json.gz"

_AR_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]")
_MAX_CHUNK = 3
_EMPTY = "_"


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
        table = (lambda ch, c: init.get(c, floor)) if it == 0 else None
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
        del table
    return aligned, logp


# --------------------------------------------------------------------------- CRF features
def features(a: str) -> list[list[str]]:
    """CRF features of every letter of a prepared Arabic word: context letters ±4, n-grams up to 5, edges."""
    p = "^^^^" + a + "$$$$"
    n = len(a)
    out = []
    for i in range(n):
        j = i + 4
        f = [
            "c=" + p[j], "l1=" + p[j - 1], "r1=" + p[j + 1], "l2=" + p[j - 2], "r2=" + p[j + 2],
            "l3=" + p[j - 3], "r3=" + p[j + 3],
            "b-=" + p[j - 1:j + 1], "b+=" + p[j:j + 2], "t0=" + p[j - 1:j + 2], "t-=" + p[j - 2:j + 1],
            "t+=" + p[j:j + 3], "q-=" + p[j - 3:j + 1], "q+=" + p[j:j + 4], "q0=" + p[j - 2:j + 2],
            "q1=" + p[j - 1:j + 3], "f0=" + p[j - 2:j + 3], "f-=" + p[j - 4:j + 1], "f+=" + p[j:j + 5],
            "s-=" + p[j - 3:j + 2], "s+=" + p[j - 1:j + 4],
        ]
        if i == 0:
            f.append("BOW")
        if i == n - 1:
            f.append("EOW")
        out.append(f)
    return out


# --------------------------------------------------------------------------- training
def _training_pairs(shared: Path) -> list[tuple[str, str]]:
    return _read_anetac(shared, "train") + _read_google(shared, "train")


def train(shared_data_dir: Path, out: Path | None = None, max_iterations: int = 60,
          c2: float = 0.5, limit: int | None = None) -> dict[str, Any]:
    """Train the transliteration model (``khabar train translit``).

    Input: ``shared_data_dir`` (the staged ``shared/data`` folder), ``out`` (model path; default the shipped
    ``data/models/translit.crfsuite``; the lexicon is written beside it as ``<stem>_lex.json.gz``).
    Output: a dict of statistics (pairs, labels, seconds, paths). Raises FileNotFoundError when data is absent.
    """
    import pycrfsuite

    t0 = time.time()
    raw = _training_pairs(Path(shared_data_dir))
    pairs = _prepared(raw)
    if limit:
        random.Random(0).shuffle(pairs)
        pairs = pairs[:limit]
    aligned, _ = align(pairs)
    t_align = time.time() - t0
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params({"c1": 0.0, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": False, "feature.minfreq": 1})
    labels: collections.Counter = collections.Counter()
    used = 0
    for (a, _), al in zip(pairs, aligned):
        if not al:
            continue
        ys = [c if c else _EMPTY for c in al]
        labels.update(ys)
        trainer.append(features(a), ys)
        used += 1
    out = Path(out) if out else MODEL_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    # lexicon: most frequent English per Arabic word (both corpora, original casing of the commonest form)
    lex: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for a, e in raw:
        pa = prep_ar(a)
        if pa and prep_en(e):
            lex[pa][e] += 1
    lex_out = {a: c.most_common(1)[0][0] for a, c in lex.items()}
    lex_path = out.with_name(out.stem + "_lex.json.gz")
    with gzip.open(lex_path, "wt", encoding="utf-8") as fh:
        json.dump(lex_out, fh, ensure_ascii=False, separators=(",", ":"))
    _load.cache_clear()
    return {"pairs": len(pairs), "aligned": used, "labels": len(labels), "align_s": round(t_align, 1),
            "total_s": round(time.time() - t0, 1), "model": str(out), "lexicon": str(lex_path),
            "model_bytes": out.stat().st_size, "lexicon_bytes": lex_path.stat().st_size}


# --------------------------------------------------------------------------- inference
@functools.lru_cache(maxsize=4)
def _load(model: str | None = None) -> tuple[Any, dict[str, str]]:
    """Load the CRF tagger and the lexicon once per process (model path → (tagger, lexicon))."""
    import pycrfsuite

    path = Path(model) if model else MODEL_PATH
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    lex_path = path.with_name(path.stem + "_lex.json.gz")
    lex: dict[str, str] = {}
    if lex_path.is_file():
        with gzip.open(lex_path, "rt", encoding="utf-8") as fh:
            lex = json.load(fh)
    return tagger, lex


def _word(a: str, use_lexicon: bool, model: str | None) -> str:
    """Transliterate one prepared Arabic word (lower-case Latin; '' when empty)."""
    if not a:
        return ""
    tagger, lex = _load(model)
    if use_lexicon:
        hit = lex.get(a)
        if hit:
            return prep_en(hit)
    ys = tagger.tag(features(a))
    return "".join("" if y == _EMPTY else y for y in ys)


@functools.lru_cache(maxsize=50_000)
def _cached_word(a: str) -> str:
    return _word(a, True, None)


def transliterate(arabic: str) -> str:
    """Latin transliteration of one or several space-separated Arabic words.

    Input: any str (Arabic words; Latin tokens are passed through, digits kept). Output: the words in Title
    Case joined by single spaces (``"سيرجي لافروف"`` → e.g. ``"Sergei Lavrov"``); ``""`` for empty input.
    Never raises on str input; returns ``""`` when the model artefact is missing.
    """
    try:
        out = []
        for w in (arabic or "").split():
            a = prep_ar(w)
            if a:
                t = _cached_word(a)
                if t:
                    out.append(t[:1].upper() + t[1:])
            elif any(c.isalnum() for c in w):
                out.append(w)
        return " ".join(out)
    except Exception:  # noqa: BLE001 - a missing/broken model must not break the pipeline
        return ""


# --------------------------------------------------------------------------- evaluation
def _cer(hyp: str, ref: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(hyp, ref), len(ref)


def _score(pairs: list[tuple[str, str]], use_lexicon: bool, model: str | None) -> dict[str, Any]:
    """Exact match (strict per pair, and 'any reference' per Arabic word) and CER on folded forms."""
    refs: dict[str, set[str]] = collections.defaultdict(set)
    for a, e in pairs:
        refs[prep_ar(a)].add(prep_en(e))
    n = exact = any_ref = 0
    edits = chars = 0
    for a, e in pairs:
        pa, pe = prep_ar(a), prep_en(e)
        if not pa or not pe:
            continue
        hyp = _word(pa, use_lexicon, model)
        n += 1
        exact += hyp == pe
        any_ref += hyp in refs[pa]
        d, length = _cer(hyp, pe)
        edits += d
        chars += length
    return {"n": n, "exact_match": round(100 * exact / max(n, 1), 2),
            "exact_match_any_ref": round(100 * any_ref / max(n, 1), 2),
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
    ``cer`` (% character error rate, Levenshtein edits / reference letters). The PERSON subset keeps the test
    pairs whose (Arabic, English) pair is classed PERSON in ``EN-AR_Named-entities.txt`` (the translit split
    itself has no classes). ``use_lexicon`` adds the whole-word lookup of training pairs.
    """
    shared = Path(shared_data_dir)
    an = _read_anetac(shared, split)
    go = _read_google(shared, "test" if split == "test" else "eval")
    cls = anetac_classes(shared)
    person = [(a, e) for a, e in an if "PERSON" in cls.get((prep_ar(a), prep_en(e)), ())]
    t0 = time.time()
    res = {"split": split, "use_lexicon": use_lexicon,
           "anetac_person": _score(person, use_lexicon, model),
           "anetac_all": _score(an, use_lexicon, model),
           "google": _score(go, use_lexicon, model)}
    n = res["anetac_person"]["n"] + res["anetac_all"]["n"] + res["google"]["n"]
    res["ms_per_word"] = round(1000 * (time.time() - t0) / max(n, 1), 3)
    return res

"""Arabic → Latin transliteration of names (for NIL entities and the noise report).

Public API
----------
- :func:`transliterate` — ``str -> str``: one or several space-separated Arabic words → Latin, Title Case.
- :func:`train` — called by ``khabar train translit``: builds the artefact ``data/models/translit.json.gz`` +
  ``data/models/translit_lex.json.gz`` from the train splits.
- :func:`evaluate` — exact-match accuracy and character error rate on the test splits.

Method (source: our own implementation of standard techniques)
--------------------------------------------------------------
1. **Character alignment.** Every training pair (Arabic word, English word) is segmented monotonically into
   tokens (Arabic chunk of 1–2 letters, Latin chunk of 0–3 letters; e.g. ``كس``→``x``, ``تش``→``ch``,
   ``ش``→``sh``). The token probabilities are learnt by hard (Viterbi) EM from a length prior
   (Jiampojamarn et al. 2007, "many-to-many alignment").
2. **Sequence model.** A joint-sequence n-gram model (order 5, interpolated modified Kneser-Ney; Chen & Goodman
   1998) over the aligned tokens, decoded left to right by beam search over the Arabic letters, beam 10, the 10
   commonest Latin chunks per Arabic chunk (Bisani & Ney 2008, "Joint-sequence models for grapheme-to-phoneme
   conversion"). Order, smoothing, chunk sizes, candidates and beam were chosen on the ANETAC dev and google
   eval splits (``docs/bench/translit.md``). Earlier: Witten-Bell smoothing with 1-letter Arabic chunks (2 points
   lower on dev words unseen in training); a CRF over the letters (python-crfsuite) did not finish training.
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
_MAX_CHUNK = 3  # longest Latin chunk of one token (letters)
_MAX_AR = 2  # longest Arabic chunk of one token (letters)
_BEAM = 10


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


# --------------------------------------------------------------------------- alignment (hard EM, many-to-many)
def _viterbi_align(a: str, e: str, logp: dict[tuple[str, str], float], floor: float,
                   max_ar: int = _MAX_AR) -> list[tuple[str, str]] | None:
    """Best monotone segmentation of the pair into (Arabic chunk, Latin chunk) tokens under ``logp``.

    Arabic chunks hold 1..``max_ar`` letters, Latin chunks 0..3 letters (a 2-letter Arabic chunk emits at least
    one Latin letter). Returns the token list, or None when the pair cannot be segmented.
    """
    n, m = len(a), len(e)
    neg = -1e18
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        row = best[i]
        for j in range(m + 1):
            s = row[j]
            if s <= neg:
                continue
            for ka in range(1, max_ar + 1):
                if i + ka > n:
                    break
                xa = a[i:i + ka]
                nrow, nback = best[i + ka], back[i + ka]
                for k in range(0 if ka == 1 else 1, _MAX_CHUNK + 1):
                    jj = j + k
                    if jj > m:
                        break
                    v = s + logp.get((xa, e[j:jj]), floor)
                    if v > nrow[jj]:
                        nrow[jj] = v
                        nback[jj] = (ka, k)
    if best[n][m] <= neg:
        return None
    out = []
    i, j = n, m
    while i > 0:
        ka, k = back[i][j]  # type: ignore[misc]
        out.append((a[i - ka:i], e[j - k:j]))
        i -= ka
        j -= k
    out.reverse()
    return out


class _LengthPrior:
    """Starting table of :func:`align`: ``get((arabic chunk, latin chunk), default)`` → the log length prior of
    the Latin chunk (plus a penalty for a 2-letter Arabic chunk); ``default`` for an unknown Arabic chunk."""

    def __init__(self, prior: dict[int, float], letters: set[str], bigrams: set[str], penalty: float):
        self.prior, self.letters, self.bigrams, self.penalty = prior, letters, bigrams, penalty

    def get(self, key: tuple[str, str], default: float) -> float:
        xa, y = key
        if xa in self.letters:
            return self.prior[len(y)]
        if xa in self.bigrams:
            return self.prior[len(y)] + self.penalty
        return default


def align(pairs: list[tuple[str, str]], iterations: int = 5, max_ar: int = _MAX_AR,
          min_bigram: int = 5, bigram_prior: float = 0.05) -> tuple[list[list[tuple[str, str]] | None], dict]:
    """Many-to-many alignment of prepared (arabic, english) pairs by hard (Viterbi) EM.

    Input: prepared pairs; ``max_ar`` (longest Arabic chunk, letters); ``min_bigram`` (an Arabic letter pair
    becomes a candidate chunk when it occurs that often in the training words); ``bigram_prior`` (factor on the
    starting score of 2-letter Arabic chunks).
    Output: per pair its token list ``[(arabic chunk, latin chunk), ...]`` (None = unalignable) and the final
    table ``{(arabic chunk, latin chunk): log P}``. The table starts from a Latin-length prior (1 letter 0.6,
    2 letters 0.2, empty 0.15, 3 letters 0.05) and is re-estimated as a joint distribution over tokens seen
    at least twice (add-0.1) after each pass (Jiampojamarn et al. 2007).
    """
    prior = {0: math.log(0.15), 1: math.log(0.6), 2: math.log(0.2), 3: math.log(0.05)}
    floor = math.log(1e-6)
    letters = {c for a, _ in pairs for c in a}
    bigrams: set[str] = set()
    if max_ar >= 2:
        big = collections.Counter(a[i:i + 2] for a, _ in pairs for i in range(len(a) - 1))
        bigrams = {bg for bg, v in big.items() if v >= min_bigram}
    logp: Any = _LengthPrior(prior, letters, bigrams, math.log(bigram_prior))
    aligned: list[list[tuple[str, str]] | None] = []
    for it in range(iterations):
        cnt: collections.Counter = collections.Counter()
        aligned = []
        for a, e in pairs:
            al = _viterbi_align(a, e, logp, floor, max_ar)
            aligned.append(al)
            if al:
                cnt.update(al)
        tot = sum(cnt.values())
        logp = {t: math.log((v + 0.1) / tot) for t, v in cnt.items() if v >= 2 or it == 0}
    return aligned, logp


# --------------------------------------------------------------------------- joint n-gram model
def _kn_counts(seqs: list[list[str]], n: int) -> tuple[dict[str, dict[str, int]], list[list[float]]]:
    """Modified Kneser-Ney statistics of token sequences (Chen & Goodman 1998; our own implementation).

    Output: ``counts`` — history (space-joined previous tokens, '' for the unigram) → {token: count}, raw counts
    for the highest order and continuation counts (distinct left contexts) below it, raw again for n-grams that
    start with ``<s>``; ``discounts`` — per order (1..n) the three discounts D1, D2, D3+.
    """
    raw: list[dict[tuple[str, ...], collections.Counter]] = [collections.defaultdict(collections.Counter)
                                                             for _ in range(n)]
    for toks in seqs:
        seq = ["<s>"] * (n - 1) + toks + ["</s>"]
        for i in range(n - 1, len(seq)):
            for k in range(n):
                raw[k][tuple(seq[i - k:i])][seq[i]] += 1
    mod: list[Any] = [None] * n
    mod[n - 1] = raw[n - 1]
    for k in range(n - 2, -1, -1):
        cont: dict[tuple[str, ...], collections.Counter] = collections.defaultdict(collections.Counter)
        for h, v in raw[k + 1].items():
            for w in v:
                cont[h[1:]][w] += 1
        m: dict[tuple[str, ...], collections.Counter] = collections.defaultdict(collections.Counter)
        for h, v in raw[k].items():
            for w, x in v.items():
                m[h][w] = x if (h and h[0] == "<s>") else (cont[h][w] or x)
        mod[k] = m
    counts: dict[str, dict[str, int]] = {}
    discounts: list[list[float]] = []
    for k in range(n):
        coc = collections.Counter(x for v in mod[k].values() for x in v.values() if x <= 4)
        n1, n2, n3, n4 = (coc[i] or 1 for i in (1, 2, 3, 4))
        y = n1 / (n1 + 2 * n2)
        discounts.append([round(max(0.05, 1 - 2 * y * n2 / n1), 4), round(max(0.05, 2 - 3 * y * n3 / n2), 4),
                          round(max(0.05, 3 - 4 * y * n4 / n3), 4)])
        for h, v in mod[k].items():
            counts[" ".join(h)] = dict(v)
    return counts, discounts


class JointNgram:
    """Joint-sequence ("graphone") n-gram model over (Arabic chunk, Latin chunk) tokens with interpolated
    modified Kneser-Ney smoothing (Bisani & Ney 2008 style; our own implementation), decoded by beam search
    over the Arabic letters (a token consumes one or two of them).

    ``counts``: history (space-joined previous tokens, '' for the unigram) → {token: KN count};
    ``discounts``: per order (1..n) [D1, D2, D3+]; ``cands``: Arabic chunk → the Latin chunks it may emit (most
    frequent first). A token is the Arabic chunk followed by its Latin chunk (``"شsh"``; ``"و"`` for an empty
    chunk; ``"كسx"`` for a two-letter Arabic chunk).
    """

    def __init__(self, n: int, counts: dict[str, dict[str, int]], discounts: list[list[float]],
                 cands: dict[str, list[str]]):
        self.n = n
        self.counts = counts
        self.cands = cands
        self.max_ar = max((len(c) for c in cands), default=1)
        self.tot: dict[str, int] = {}
        self.gamma: dict[str, float] = {}
        self.disc: dict[str, list[float]] = {}
        for h, v in counts.items():
            d = discounts[len(h.split(" ")) if h else 0]
            nn = [0, 0, 0, 0]
            for x in v.values():
                nn[min(x, 3)] += 1
            self.tot[h] = sum(v.values())
            self.gamma[h] = d[0] * nn[1] + d[1] * nn[2] + d[2] * nn[3]
            self.disc[h] = [0.0, d[0], d[1], d[2]]
        self.vocab = len(counts.get("", {})) + 1
        self.beam = _BEAM

    def context(self, hist: tuple[str, ...]) -> list[tuple[dict[str, int], int, float, list[float]]]:
        """The statistics of ``hist`` and of its shorter suffixes that occur in training, shortest first."""
        out = []
        for k in range(0, self.n):
            h = " ".join(hist[len(hist) - k:]) if k else ""
            c = self.tot.get(h)
            if not c:
                break
            out.append((self.counts[h], c, self.gamma[h], self.disc[h]))
        return out

    def prob(self, tok: str, hist: tuple[str, ...], ctx: list | None = None) -> float:
        """Interpolated P(tok | hist); ``hist`` holds the previous n-1 tokens (``ctx``: its :meth:`context`)."""
        p = 1.0 / self.vocab
        for counts, c, gamma, disc in (ctx if ctx is not None else self.context(hist)):
            x = counts.get(tok, 0)
            p = (max(x - disc[min(x, 3)], 0.0) + gamma * p) / c
        return p

    def nbest(self, a: str, beam: int = 10, nbest: int = 1) -> list[tuple[float, str]]:
        """Up to ``nbest`` (log P, Latin string) for a prepared Arabic word ``a``, best first."""
        log = math.log
        n = len(a)
        start = ("<s>",) * (self.n - 1)
        lattice: list[dict[tuple[str, ...], tuple[float, str]]] = [{} for _ in range(n + 1)]
        lattice[0][start] = (0.0, "")
        for i in range(n):
            cur = sorted(((v[0], h, v[1]) for h, v in lattice[i].items()), reverse=True)[:beam]
            ctxs: dict[tuple[str, ...], list] = {}
            for ka in range(1, self.max_ar + 1):
                if i + ka > n:
                    break
                xa = a[i:i + ka]
                chunks = self.cands.get(xa)
                if not chunks:
                    if ka > 1:
                        continue
                    chunks = [""]
                tgt = lattice[i + ka]
                for s, h, out in cur:
                    ctx = ctxs.get(h)
                    if ctx is None:
                        ctx = ctxs[h] = self.context(h)
                    for y in chunks:
                        tok = xa + y
                        s2 = s + log(self.prob(tok, h, ctx))
                        h2 = h[1:] + (tok,)
                        old = tgt.get(h2)
                        if old is None or old[0] < s2:
                            tgt[h2] = (s2, out + y)
        final: dict[str, float] = {}
        for h, (s, out) in lattice[n].items():
            s2 = s + log(self.prob("</s>", h))
            if final.get(out, -1e300) < s2:
                final[out] = s2
        return sorted(((v, k) for k, v in final.items()), reverse=True)[:nbest]

    def decode(self, a: str, beam: int = 10) -> str:
        """Best Latin string (lower case) for a prepared Arabic word ``a``."""
        res = self.nbest(a, beam, 1)
        return res[0][1] if res else ""


def _fit(pairs: list[tuple[str, str]], aligned: list[list[tuple[str, str]] | None], n: int,
         k_cands: int) -> tuple[dict[str, dict[str, int]], list[list[float]], dict[str, list[str]]]:
    """Kneser-Ney counts of the aligned token sequences and the Latin chunks kept per Arabic chunk."""
    chunks: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seqs = []
    for al in aligned:
        if not al:
            continue
        seqs.append([xa + y for xa, y in al])
        for xa, y in al:
            chunks[xa][y] += 1
    counts, discounts = _kn_counts(seqs, n)
    cands = {}
    for xa, ch in chunks.items():
        keep = [y for y, v in ch.most_common(k_cands) if v >= 2]
        if not keep and len(xa) == 1:
            keep = [ch.most_common(1)[0][0]]
        if keep:
            cands[xa] = keep
    return counts, discounts, cands


# --------------------------------------------------------------------------- training
def _training_pairs(shared: Path) -> list[tuple[str, str]]:
    return _read_anetac(shared, "train") + _read_google(shared, "train")


def train(shared_data_dir: Path, out: Path | None = None, n: int = 5, k_cands: int = 10, beam: int = _BEAM,
          max_ar: int = _MAX_AR, iterations: int = 5) -> dict[str, Any]:
    """Train the transliteration model (``khabar train translit``).

    Input: ``shared_data_dir`` (the staged ``shared/data`` folder), ``out`` (model path; default the shipped
    ``data/models/translit.json.gz``; the whole-word lexicon is written beside it as ``<stem>_lex.json.gz``),
    ``n`` (n-gram order), ``k_cands`` (Latin chunks kept per Arabic chunk), ``beam`` (decoder beam, stored in the
    artefact), ``max_ar`` (longest Arabic chunk of a token, letters), ``iterations`` (alignment EM passes).
    Output: a dict of statistics (pairs, sizes, seconds, paths). Raises FileNotFoundError when data is absent.
    Takes about 2–4 minutes and 0.45 GB on one core (the alignment is pure Python).
    """
    t0 = time.time()
    raw = _training_pairs(Path(shared_data_dir))
    pairs = _prepared(raw)
    aligned, _ = align(pairs, iterations=iterations, max_ar=max_ar)
    t_align = time.time() - t0
    counts, discounts, cands = _fit(pairs, aligned, n, k_cands)
    out = Path(out) if out else MODEL_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(json.dumps({"format": 2, "n": n, "beam": beam, "smoothing": "modified-kneser-ney",
                             "discounts": discounts, "cands": cands, "counts": counts}, ensure_ascii=False,
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
    """Load the model and the lexicon once per process (model path → (model, lexicon)).

    Raises ValueError for an artefact of an older format (rebuild it with ``khabar train translit``).
    """
    path = Path(model) if model else MODEL_PATH
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        d = json.load(fh)
    if d.get("format") != 2:
        raise ValueError(f"{path}: old transliteration model format; run `khabar train translit`")
    m = JointNgram(d["n"], d["counts"], d["discounts"], d["cands"])
    m.beam = int(d.get("beam", _BEAM))
    lex_path = path.with_name(path.name.split(".")[0] + "_lex.json.gz")
    lex: dict[str, str] = {}
    if lex_path.is_file():
        with gzip.open(lex_path, "rt", encoding="utf-8") as fh:
            lex = json.load(fh)
    return m, lex


def _word(a: str, use_lexicon: bool, model: str | None, beam: int | None = None) -> str:
    """Transliterate one prepared Arabic word (lower-case Latin; '' when empty); ``beam`` None = the model's."""
    if not a:
        return ""
    m, lex = _load(model)
    if use_lexicon:
        hit = lex.get(a)
        if hit:
            return prep_en(hit)
    return m.decode(a[:40], beam or m.beam)


@functools.lru_cache(maxsize=50_000)
def _cached_word(a: str) -> str:
    return _word(a, True, None)


def transliterate(arabic: str) -> str:
    """Latin transliteration of one or several space-separated Arabic words.

    Input: any str (Arabic words; Latin tokens are passed through, digits kept). Output: the words in Title
    Case joined by single spaces (``"سيرجي لافروف"`` → e.g. ``"Sergei Lavrov"``); ``""`` for empty input.
    A word seen in the training pairs returns its most frequent English form; other words are decoded by the
    joint n-gram model (a few ms a word). Never raises on str input; returns ``""`` when the model artefact
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
           attested: dict[str, set[str]] | None = None, beam: int | None = None) -> dict[str, Any]:
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
        hyp = _word(pa, use_lexicon, model, beam)
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
             model: str | None = None, beam: int | None = None) -> dict[str, Any]:
    """Evaluate on the ANETAC and google test splits (or ``split="dev"``: ANETAC dev + google eval).

    Output: ``{"anetac_person": {...}, "anetac_person_unseen": {...}, "anetac_all": {...},
    "anetac_all_unseen": {...}, "google": {...}, "google_unseen": {...}}`` (``*_unseen``: the pairs whose
    Arabic word is not in the training pairs), each with ``n``,
    ``exact_match`` (% of pairs whose output equals the folded reference), ``exact_match_any_ref`` (% whose
    output equals any reference given for the same Arabic word in that split — the NEWS shared-task ACC),
    ``exact_match_attested`` (% whose output is any English form given for that Arabic word anywhere in
    ANETAC / google, train splits included: a multi-reference score, since the splits hold one Arabic word with
    several English spellings), ``cer`` (% character error rate, Levenshtein edits / reference letters).
    The PERSON subset keeps the test pairs whose (Arabic, English) pair is classed PERSON in
    ``EN-AR_Named-entities.txt`` (the translit split itself has no classes). ``use_lexicon`` adds the
    whole-word lookup of training pairs; ``beam`` overrides the model's decoder beam (None = the one stored in
    the artefact).
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
           "anetac_person": _score(person, use_lexicon, model, attested, beam),
           "anetac_person_unseen": _score([p for p in person if prep_ar(p[0]) not in seen], use_lexicon, model,
                                          attested, beam),
           "anetac_all": _score(an, use_lexicon, model, attested, beam),
           "anetac_all_unseen": _score([p for p in an if prep_ar(p[0]) not in seen], use_lexicon, model, attested,
                                       beam),
           "google": _score(go, use_lexicon, model, attested, beam),
           "google_unseen": _score([p for p in go if prep_ar(p[0]) not in seen], use_lexicon, model, attested, beam)}
    n = sum(v["n"] for v in res.values() if isinstance(v, dict))
    res["ms_per_word"] = round(1000 * (time.time() - t0) / max(n, 1), 3)
    return res

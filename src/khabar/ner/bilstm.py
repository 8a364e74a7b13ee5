"""Character + word BiLSTM-CRF NER, run in numpy (no torch at run time).

Architecture (Lample et al. 2016 / Ma & Hovy 2016 style, trained by ``scripts/ner_neural.py`` with PyTorch):
each token is the concatenation of

* its word2vec vector from the shipped ``ner_vectors.npy`` (frozen; the token or its first clitic-stripped form
  with a vector, zeros otherwise — the same lookup as the CRF's dense features),
* a character CNN (learned character embeddings, one convolution of width 3, ReLU, max over the word),
* learned embeddings of its four word2vec cluster ids (``ner_clusters.tsv``),
* 0/1 flags: shape, proclitic, trigger class, article, edge punctuation, gazetteer classes of the word and of
  multi-word gazetteer matches (B/I per class), "no vector";

then one bidirectional LSTM layer, a linear layer to per-tag scores and a first-order CRF (Viterbi).

The weights live in one ``.npz`` file (float16); see :class:`BiLSTMCRF`. Only numpy is needed to tag.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from khabar.ner import features as F

MODEL = F.MODELS / "ner_bilstm.npz"

SHAPES = ("AR", "MIX", "LUP", "LCAP", "LLOW", "DIG", "PUN")
PRES = ("", *F._PROCLITICS)
TRIGS = ("DIR", "LOC_T", "ORG_T", "PER_IN", "PER_T", "SAY")
GAZ = ("GPE", "LOC", "ORG", "PER", "KGPE", "KLOC", "KORG", "KPER")  # list classes, then the KB's (ner_gazetteer.tsv)
N_FLAGS = len(SHAPES) + len(PRES) + len(TRIGS) + 1 + 1 + 3 * len(GAZ) + 1
MAX_CHARS = 20  # a longer word keeps its first and last 10 characters
GM_COL = len(SHAPES) + len(PRES) + len(TRIGS) + 2 + len(GAZ)  # first multi-word gazetteer flag column
TYPE_CACHE_MAX = 20_000  # token strings whose LSTM input projections are kept (≈ 3.2 kB each at H = 100)


def word_index(path: Path = F.VECTORS, rows: int | None = None) -> dict[str, int]:
    """Word → row of the vector table (line number in the ``.vocab`` file beside ``path``, first ``rows`` lines;
    a repeated word keeps its last row, as :func:`khabar.ner.features.load_vectors`); empty if missing."""
    voc = Path(path).with_suffix(".vocab")
    if not voc.is_file():
        return {}
    lines = voc.read_text(encoding="utf-8").split("\n")
    return {w: i for i, w in enumerate(lines[:rows]) if w}


def _chars(w: str) -> str:
    return w if len(w) <= MAX_CHARS else w[:10] + w[-10:]


def encode(tokens: list[str], words: dict[str, int], chars: dict[str, int], res: F.Resources,
           twords: dict[str, int] | None = None) -> dict:
    """Inputs of one sentence.

    Returns a dict of numpy arrays: ``w`` (n,) word-vector rows (``len(words)`` = no vector), ``cl`` (n, 4)
    cluster ids + 1 (0 = none), ``fl`` (n, :data:`N_FLAGS`) float32 flags, ``ch`` (n, MAX_CHARS) character ids
    (0 = padding, 1 = unknown character), ``tw`` (n,) ids in the model's own small word list ``twords``
    (normalised form; 0 = not in it).
    """
    n = len(tokens)
    infos = [F._token_info(t, res) for t in tokens]
    gm = F._gaz_spans(infos, res)
    nw = len(words)
    w = np.full(n, nw, dtype=np.int64)
    cl = np.zeros((n, 4), dtype=np.int64)
    fl = np.zeros((n, N_FLAGS), dtype=np.float32)
    ch = np.zeros((n, MAX_CHARS), dtype=np.int64)
    o_pre = len(SHAPES)
    o_trig = o_pre + len(PRES)
    o_al = o_trig + len(TRIGS)
    o_gz = o_al + 2
    for i, d in enumerate(infos):
        for f in d["forms"]:
            k = words.get(f)
            if k is not None:
                w[i] = k
                break
        else:
            fl[i, -1] = 1.0
        if d["cl"]:
            cl[i] = [int(c) + 1 for c in d["cl"][:4]]
        fl[i, SHAPES.index(d["shape"])] = 1.0
        if d["pre"] in PRES:
            fl[i, o_pre + PRES.index(d["pre"])] = 1.0
        if d["trig"] in TRIGS:
            fl[i, o_trig + TRIGS.index(d["trig"])] = 1.0
        fl[i, o_al] = d["al"] == "1"
        fl[i, o_al + 1] = d["punct"] == "1"
        for g in d["gz"]:
            if g in GAZ:
                fl[i, o_gz + GAZ.index(g)] = 1.0
        for m in gm[i]:  # gm:B-GPE
            bi, g = m[3], m[5:]
            if g in GAZ:
                fl[i, o_gz + len(GAZ) * (1 if bi == "B" else 2) + GAZ.index(g)] = 1.0
        s = _chars(d["w"])
        ch[i, : len(s)] = [chars.get(c, 1) for c in s]
    tw = np.array([twords.get(d["w"], 0) for d in infos] if twords else [0] * n, dtype=np.int64)
    return {"w": w, "cl": cl, "fl": fl, "ch": ch, "tw": tw}


def gaz_span_flags(tokens: list[str], res: F.Resources) -> np.ndarray:
    """(n, 2 × len(GAZ)) 0/1 flags of multi-word gazetteer matches (B then I, per class) — the columns of
    :func:`encode`'s ``fl`` from :data:`GM_COL` on."""
    infos = [F._token_info(t, res) for t in tokens]
    out = np.zeros((len(tokens), 2 * len(GAZ)), np.float32)
    for i, ms in enumerate(F._gaz_spans(infos, res)):
        for m in ms:  # gm:B-GPE
            g = m[5:]
            if g in GAZ:
                out[i, (0 if m[3] == "B" else len(GAZ)) + GAZ.index(g)] = 1.0
    return out


def _sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def viterbi(score: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """Best tag path for one sentence: ``score`` (n, T) emission scores, ``trans`` (T, T) from→to."""
    n = len(score)
    back = np.zeros((n, score.shape[1]), dtype=np.int64)
    cur = start + score[0]
    for i in range(1, n):
        cand = cur[:, None] + trans
        back[i] = cand.argmax(0)
        cur = cand.max(0) + score[i]
    cur = cur + end
    best = [int(cur.argmax())]
    for i in range(n - 1, 0, -1):
        best.append(int(back[i, best[-1]]))
    return best[::-1]


def marginals(score: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per-token tag posteriors (n, T) of a linear-chain CRF (forward-backward in log space)."""
    n, T = score.shape
    a = np.zeros((n, T))
    b = np.zeros((n, T))
    a[0] = start + score[0]
    for i in range(1, n):
        x = a[i - 1][:, None] + trans
        m = x.max(0)
        a[i] = m + np.log(np.exp(x - m).sum(0)) + score[i]
    b[-1] = end
    for i in range(n - 2, -1, -1):
        x = trans + (score[i + 1] + b[i + 1])[None, :]
        m = x.max(1)
        b[i] = m + np.log(np.exp(x - m[:, None]).sum(1))
    z = a + b
    z -= z.max(1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(1, keepdims=True)


class BiLSTMCRF:
    """The numpy forward pass of a model exported by ``scripts/ner_neural.py``.

    Input: the ``.npz`` path (weights, tag names, character list) and the word-vector table (default the shipped
    ``ner_vectors.npy``, which the model was trained against). Raises FileNotFoundError when a file is missing,
    ValueError when the file is not a usable model (see :meth:`_check`), and numpy's / zipfile's errors for a file
    that is not a readable ``.npz``.
    """

    def __init__(self, path: Path = MODEL, vectors: Path = F.VECTORS):
        path, vectors = Path(path), Path(vectors)
        if not path.is_file():
            raise FileNotFoundError(f"BiLSTM NER model not found: {path}")
        if not vectors.is_file():
            raise FileNotFoundError(f"word-vector table not found: {vectors}")
        z = np.load(path, allow_pickle=False)
        p = {k: z[k].astype(np.float32) for k in z.files if k not in ("tags", "chars", "twords")}
        self.tags = [str(t) for t in z["tags"]]
        self.chars = {c: i + 2 for i, c in enumerate(str(z["chars"]))}
        self.twords = ({w: i + 1 for i, w in enumerate(str(z["twords"]).split("\n"))}
                       if "twords" in z.files else None)
        self.p = p
        tab = np.load(vectors, allow_pickle=False)
        self.vec = np.vstack([tab, np.zeros((1, tab.shape[1]), tab.dtype)])
        self.words = word_index(vectors, len(tab))
        self.hid = p["lstm_f_wh"].shape[0]
        mix = p.pop("mix", np.float32(0.5))
        # weight of this model when averaged with the CRF (tagger.tag_block); an unusable stored value gives 0.5
        self.mix = float(mix) if np.ndim(mix) == 0 and np.isfinite(mix) and mix >= 0 else 0.5
        self._check(p)
        self._wx = np.concatenate([p["lstm_f_wx"], p["lstm_b_wx"]], 1)
        self._b = np.concatenate([p["lstm_f_b"], p["lstm_b_b"]])
        self._gm_cols = np.arange(GM_COL, GM_COL + 2 * len(GAZ))
        # row offset of the flags inside the token input vector
        off = self.vec.shape[1] + p["char_w"].shape[1] + sum(p[f"cl{k}_emb"].shape[1] for k in range(4))
        self._wx_gm = self._wx[off + self._gm_cols]
        self._cache: dict[str, np.ndarray] = {}

    def _check(self, p: dict) -> None:
        """Refuse a file that cannot be run with this code (ValueError): tags outside BIO over PER/ORG/LOC/MISC,
        weights that are not finite, or shapes that do not fit the input layout (:data:`N_FLAGS`, e.g. a model
        trained before the gazetteer classes changed)."""
        ok = {"O"} | {f"{b}-{t}" for b in "BI" for t in ("PER", "ORG", "LOC", "MISC", "GPE")}
        if not self.tags or len(set(self.tags)) != len(self.tags) or not set(self.tags) <= ok:
            raise ValueError(f"BiLSTM NER model: bad tag set {self.tags[:12]}")
        for k, v in p.items():
            if not np.all(np.isfinite(v)):
                raise ValueError(f"BiLSTM NER model: non-finite weights in {k}")
        H, T = self.hid, len(self.tags)
        need = {"char_emb", "char_w", "char_b", "out_w", "out_b", "trans", "start", "end",
                *(f"lstm_{d}_{w}" for d in "fb" for w in ("wx", "wh", "b")), *(f"cl{k}_emb" for k in range(4))}
        if need - set(p):
            raise ValueError(f"BiLSTM NER model: missing arrays {sorted(need - set(p))[:5]}")
        dim = (self.vec.shape[1] + p["char_w"].shape[1] + sum(p[f"cl{k}_emb"].shape[1] for k in range(4)) + N_FLAGS
               + (p["tw_emb"].shape[1] if "tw_emb" in p else 0))
        shapes = {"lstm_f_wx": (dim, 4 * H), "lstm_b_wx": (dim, 4 * H), "lstm_f_wh": (H, 4 * H),
                  "lstm_b_wh": (H, 4 * H), "lstm_f_b": (4 * H,), "lstm_b_b": (4 * H,), "out_w": (2 * H, T),
                  "out_b": (T,), "trans": (T, T), "start": (T,), "end": (T,)}
        for k, shp in shapes.items():
            if p[k].shape != shp:
                raise ValueError(f"BiLSTM NER model: {k} has shape {p[k].shape}, this code needs {shp} "
                                 "(retrain it: khabar train ner)")
        if p["char_w"].shape[0] != 3 * p["char_emb"].shape[1] or p["char_emb"].shape[0] < len(self.chars) + 2:
            raise ValueError("BiLSTM NER model: character layer shapes do not match")

    # ----------------------------------------------------------------- layers
    def _token_inputs(self, enc: dict) -> np.ndarray:
        p = self.p
        ch = enc["ch"]
        ch = ch[:, : max(1, int((ch > 0).sum(1).max(initial=0)))]  # drop all-padding columns (same result)
        e = p["char_emb"][ch]  # (N, L, C)
        N, L, C = e.shape
        pad = np.zeros((N, 1, C), np.float32)
        x = np.concatenate([pad, e, pad], 1)
        win = np.concatenate([x[:, k:k + L] for k in range(3)], 2)  # (N, L, 3C)
        h = win.reshape(N * L, 3 * C) @ p["char_w"] + p["char_b"]
        h = np.maximum(h, 0).reshape(N, L, -1)
        h[ch == 0] = 0.0  # ReLU output >= 0, so zeros at padding do not change the max
        cnn = h.max(1)
        cl = enc["cl"]
        parts = [self.vec[enc["w"]].astype(np.float32), cnn]
        parts += [p[f"cl{k}_emb"][cl[:, k]] for k in range(4)]
        parts.append(enc["fl"])
        if "tw_emb" in p:
            parts.append(p["tw_emb"][enc["tw"]])
        return np.concatenate(parts, 1)

    def _lstm(self, g_in: np.ndarray, lens: np.ndarray, d: str) -> np.ndarray:
        """One LSTM direction. ``g_in`` (T, B, 4H): input projections, time-major, each sentence from step 0,
        batch sorted longest first (``lens``). Returns the hidden states (T, B, H) (zeros past each length)."""
        wh = self.p[f"lstm_{d}_wh"]
        T, B, _ = g_in.shape
        H = self.hid
        h = np.zeros((B, H), np.float32)
        c = np.zeros((B, H), np.float32)
        out = np.zeros((T, B, H), np.float32)
        act = (lens[None, :] > np.arange(T)[:, None]).sum(1)  # sentences still running at step t
        for t in range(T):
            k = int(act[t])
            g = g_in[t, :k] + h[:k] @ wh
            sg = _sigmoid(g[:, :2 * H])
            hk = np.tanh(g[:, 2 * H:3 * H])
            ck = sg[:, H:] * c[:k] + sg[:, :H] * hk
            c[:k] = ck
            hk = _sigmoid(g[:, 3 * H:]) * np.tanh(ck)
            h[:k] = hk
            out[t, :k] = hk
        return out

    def _type_proj(self, types: list[str], res: F.Resources) -> np.ndarray:
        """LSTM input projections (U, 8H) — forward then backward gates, biases included — of the
        context-free part of each token string's input (everything but the multi-word gazetteer flags),
        cached per string (at most :data:`TYPE_CACHE_MAX` strings)."""
        cache = self._cache
        got = {t: cache.get(t) for t in dict.fromkeys(types)}
        miss = [t for t, r in got.items() if r is None]
        if miss:
            enc = encode(miss, self.words, self.chars, res, self.twords)
            enc["fl"][:, self._gm_cols] = 0.0  # gazetteer spans depend on the sentence: added per token
            rows = self._token_inputs(enc) @ self._wx + self._b
            if len(cache) + len(miss) > TYPE_CACHE_MAX:
                # a fresh dict, not clear(): another thread may be reading the old one (khabar.pipe, threads)
                cache = self._cache = {}
            for t, r in zip(miss, rows):
                got[t] = cache[t] = r
        return np.stack([got[t] for t in types])

    def scores(self, sents: list[list[str]], res: F.Resources | None = None, batch: int = 256) -> list[np.ndarray]:
        """Per-token emission scores (n_i, n_tags) for each sentence (empty sentences give (0, n_tags)).

        Sentences are run together in batches of up to ``batch`` (sorted by length); each LSTM step is one
        matrix product over the batch."""
        res = res or F.resources()
        p = self.p
        T = len(self.tags)
        H4 = 4 * self.hid
        out: list[np.ndarray] = [np.zeros((0, T), np.float32) for _ in sents]
        order = sorted((i for i, s in enumerate(sents) if s), key=lambda i: -len(sents[i]))
        for a in range(0, len(order), batch):
            idx = order[a:a + batch]
            flat = [t for i in idx for t in sents[i]]
            proj = self._type_proj(flat, res)
            gm = np.concatenate([gaz_span_flags(sents[i], res) for i in idx])
            hit = gm.any(1)
            if hit.any():
                proj[hit] += gm[hit] @ self._wx_gm
            lens = np.array([len(sents[i]) for i in idx])
            B, Tm = len(idx), int(lens.max())
            # padded, time-major positions of each token: forward (t, j) and backward (n-1-t, j)
            j = np.repeat(np.arange(B), lens)
            starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
            t = np.arange(len(j)) - np.repeat(starts, lens)
            tb = np.repeat(lens, lens) - 1 - t
            gf = np.zeros((Tm, B, H4), np.float32)
            gb = np.zeros((Tm, B, H4), np.float32)
            gf[t, j] = proj[:, :H4]
            gb[tb, j] = proj[:, H4:]
            hf = self._lstm(gf, lens, "f")[t, j]
            hb = self._lstm(gb, lens, "b")[tb, j]
            em = np.concatenate([hf, hb], 1) @ p["out_w"] + p["out_b"]
            for k, (s0, n) in enumerate(zip(starts, lens)):
                out[idx[k]] = em[s0:s0 + n]
        return out

    def tag(self, sents: list[list[str]], res: F.Resources | None = None) -> list[list[str]]:
        """BIO tags for each sentence (list of token-string lists → list of tag lists)."""
        p = self.p
        return [[self.tags[k] for k in viterbi(s, p["trans"], p["start"], p["end"])] if len(s) else []
                for s in self.scores(sents, res)]

    def marginals(self, sents: list[list[str]], res: F.Resources | None = None) -> list[np.ndarray]:
        """Per-token tag posteriors (n_i, n_tags), columns in the order of ``self.tags``."""
        p = self.p
        return [marginals(s, p["trans"], p["start"], p["end"]) if len(s) else s for s in self.scores(sents, res)]


@functools.lru_cache(maxsize=2)
def load(path: str = str(MODEL)) -> BiLSTMCRF:
    """The model at ``path``, loaded once per process."""
    return BiLSTMCRF(Path(path))

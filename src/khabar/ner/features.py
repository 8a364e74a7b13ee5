"""CRF features for Arabic NER — the ONE feature function used by both training and tagging.

Input of :func:`sent_features`: the surface strings of one sentence's tokens (clitics attached, as produced by
:func:`khabar.text.segment.tokenize` or as in ANERcorp; punctuation may be split off or attached). Output: one
list of string features per token (binary features, the format python-crfsuite's ``ItemSequence`` takes).

Feature groups (each measured in ``docs/bench/ner.md``):

- word identity: normalised token (:func:`khabar.text.normalize.normalize`), with attached punctuation stripped
  (ANERcorp's ``(د`` → ``د``), and its clitic-stripped stem (و ف ب ل ك, ال — :func:`strip_clitics`);
- affixes: normalised prefixes/suffixes of length 1–3 of the core and of the stem; proclitic flags;
- shape: Arabic / Latin (capitalised, all caps) / digits / punctuation / mixed; length bucket;
- gazetteer: ``ner_gazetteer.tsv`` (built by ``khabar train ner`` from the staged KB sources: country and city
  names, ANETAC person/location/organisation names) — single-token membership of the word or any clitic-stripped
  form, and longest multi-token matches as B-/I- features;
- word clusters: k-means cluster ids, at several granularities, of word2vec vectors trained on the antcorpus
  news (``ner_clusters.tsv``);
- dense word vectors: the unit-normalised word2vec vector (100 floats × :data:`VEC_SCALE`) of the token (or of
  its first clitic-stripped form that has one), from ``ner_vectors.npy`` — built with the clusters; when that
  table is loaded :func:`sent_features` returns ``{feature: value}`` dicts instead of string lists;
- trigger lexicon: ``ner_triggers.tsv`` (titles and nouns that precede names: الرئيس, وزير, شركة, مدينة …);
- context: the above for positions −2 … +2 (a subset for ±2), plus word bigrams around the token.

Resources are loaded once per process (:func:`resources`) from ``khabar/data/lexicons`` and
``khabar/data/models``; a missing file only disables its feature group (training and tagging then agree as long
as both see the same files).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from khabar.paths import LEXICONS, MODELS
from khabar.text.normalize import normalize

GAZETTEER = LEXICONS / "ner_gazetteer.tsv"
TRIGGERS = LEXICONS / "ner_triggers.tsv"
CLUSTERS = MODELS / "ner_clusters.tsv"
VECTORS = MODELS / "ner_vectors.npy"  # float16, unit-normalised word2vec rows; words in ner_vectors.vocab
VEC_SCALE = 1.0  # dense feature value = vector component × VEC_SCALE (chosen on dev, docs/bench/ner.md)

_PROCLITICS = "وفبلك"
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)
_ARABIC = re.compile(r"[\u0621-\u064a]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_DIGIT = re.compile(r"[0-9]")
_DIAC = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
MAX_GAZ_LEN = 5


@dataclass
class Resources:
    """Lookup tables used by the features.

    ``gaz1``: normalised single token → set of gazetteer classes; ``gazn``: tuple of normalised tokens (length
    2–5) → set of classes; ``clusters``: normalised word → tuple of cluster ids (one per granularity);
    ``triggers``: normalised word → trigger class.
    """

    gaz1: dict[str, frozenset[str]] = field(default_factory=dict)
    gazn: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    vectors: dict = field(default_factory=dict)
    vec_scale: float = VEC_SCALE
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # token → info (see _token_info)
    gaz_first: frozenset | None = field(default=None, repr=False, compare=False)  # first words of ``gazn`` keys


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def load_vectors(path: Path = VECTORS) -> dict:
    """Word → unit-normalised vector (numpy float16 row) from ``path`` (``.npy``) and its word list (same name,
    suffix ``.vocab``, one word a line, in row order). Missing files give an empty table (no dense features)."""
    voc = Path(path).with_suffix(".vocab")
    if not Path(path).is_file() or not voc.is_file():
        return {}
    import numpy as np

    m = np.load(path, mmap_mode=None, allow_pickle=False)
    words = voc.read_text(encoding="utf-8").split("\n")
    return {w: m[i] for i, w in enumerate(words[: len(m)]) if w}


def load_resources(gazetteer: Path = GAZETTEER, clusters: Path = CLUSTERS, triggers: Path = TRIGGERS,
                   vectors: Path | None = VECTORS) -> Resources:
    """Read the resource files (missing ones give empty tables). Paths: TSV files and the vector table, see
    module doc; ``vectors=None`` disables the dense word-vector features."""
    gaz1: dict[str, set[str]] = {}
    gazn: dict[tuple[str, ...], set[str]] = {}
    for row in _read_tsv(gazetteer):
        if len(row) < 2:
            continue
        toks = tuple(normalize(row[0]).lower().split())
        if not toks:
            continue
        if len(toks) == 1:
            gaz1.setdefault(toks[0], set()).add(row[1])
        elif len(toks) <= MAX_GAZ_LEN:
            gazn.setdefault(toks, set()).add(row[1])
    cl = {row[0]: tuple(row[1:]) for row in _read_tsv(clusters) if len(row) > 1}
    trig = {normalize(row[0]): row[1] for row in _read_tsv(triggers) if len(row) > 1}
    vec = load_vectors(vectors) if vectors else {}
    return Resources({k: frozenset(v) for k, v in gaz1.items()}, {k: frozenset(v) for k, v in gazn.items()}, cl, trig,
                     vec)


@functools.lru_cache(maxsize=1)
def resources() -> Resources:
    """The shipped resources, loaded once per process (call ``resources.cache_clear()`` after rebuilding)."""
    return load_resources()


def core(token: str) -> str:
    """Normalised token with leading/trailing punctuation removed (``"(د"`` → ``"د"``); the token if all punct."""
    n = normalize(token)
    c = _EDGE_PUNCT.sub("", n)
    return c or n


def stems(word: str) -> list[str]:
    """Clitic-stripped candidate forms of a normalised word, longest first (word itself excluded).

    Strips up to two proclitics (و ف ب ل ك), then the article ال (and لل → ال).
    """
    out: list[str] = []
    w = word
    for _ in range(2):
        if len(w) > 3 and w[0] in _PROCLITICS:
            if w[0] == "ل" and w.startswith("لل") and len(w) > 4:
                out.append("ال" + w[2:])
            w = w[1:]
            out.append(w)
        else:
            break
    for c in list(out) or [word]:
        if c.startswith("ال") and len(c) > 4:
            out.append(c[2:])
    if word.startswith("ال") and len(word) > 4:
        out.append(word[2:])
    seen = {word}
    res = []
    for c in out:
        if c not in seen:
            seen.add(c)
            res.append(c)
    return res


def _shape(tok: str) -> str:
    if _ARABIC.search(tok):
        return "AR" if not _LATIN.search(tok) else "MIX"
    if _LATIN.search(tok):
        if tok.isupper() and len(tok) > 1:
            return "LUP"
        if tok[0].isupper():
            return "LCAP"
        return "LLOW"
    if _DIGIT.search(tok):
        return "DIG"
    return "PUN"


def _vector(cl: str, st: list[str], res: Resources) -> tuple[float, ...] | None:
    if not res.vectors:
        return None
    for form in (cl, *st):
        v = res.vectors.get(form)
        if v is not None:
            return v
    return None


_INFO_CACHE_MAX = 200_000


def _token_info(tok: str, res: Resources) -> dict:
    """Per-token lookups (cached in ``res.cache`` per token string; the dict returned must not be changed)."""
    cache = res.cache
    d = cache.get(tok)
    if d is None:
        if len(cache) >= _INFO_CACHE_MAX:
            cache.clear()
        d = _token_info_uncached(tok, res)
        d["own"] = _own_features(d)
        d["ctx"] = _context_features(d)
        cache[tok] = d
    return d


def _token_info_uncached(tok: str, res: Resources) -> dict:
    c = core(tok)
    cl = c.lower() if _LATIN.search(c) else c
    st = stems(cl)
    stem = st[-1] if st else cl
    gz: set[str] = set()
    for form in [cl, *st]:
        g = res.gaz1.get(form)
        if g:
            gz |= g
    clus = res.clusters.get(cl)
    if clus is None:
        for form in st:
            clus = res.clusters.get(form)
            if clus is not None:
                break
    trig = res.triggers.get(cl)
    if trig is None:
        for form in st:
            trig = res.triggers.get(form)
            if trig is not None:
                break
    pre = ""
    if len(cl) > 3 and cl[0] in _PROCLITICS:
        pre = cl[0]
    vec = _vector(cl, st, res)
    return {
        "vec": vec, "forms": (cl, *st),
        "w": cl, "raw": _DIAC.sub("", tok), "stem": stem, "shape": _shape(tok), "gz": sorted(gz), "cl": clus, "trig": trig,
        "al": "1" if ("ال" in cl[:4] and len(cl) > 4) else "0", "pre": pre,
        "punct": "1" if c != normalize(tok) else "0", "len": str(min(len(cl), 8)),
    }


def _gaz_spans(infos: list[dict], res: Resources) -> list[list[str]]:
    """Longest multi-token gazetteer matches; returns per-token features like ``gm:B-GPE``."""
    n = len(infos)
    out: list[list[str]] = [[] for _ in range(n)]
    if not res.gazn:
        return out
    first = res.gaz_first
    if first is None:
        first = res.gaz_first = frozenset(k[0] for k in res.gazn)
    i = 0
    while i < n:
        matched = 0
        first_forms = [f for f in infos[i]["forms"] if f in first]
        if not first_forms:
            i += 1
            continue
        for L in range(min(MAX_GAZ_LEN, n - i), 1, -1):
            rest = tuple(infos[j]["w"] for j in range(i + 1, i + L))
            for f in first_forms:
                g = res.gazn.get((f, *rest))
                if g:
                    for cls in g:
                        out[i].append(f"gm:B-{cls}")
                        for j in range(i + 1, i + L):
                            out[j].append(f"gm:I-{cls}")
                    matched = L
                    break
            if matched:
                break
        i += matched or 1
    return out


def sent_features(tokens: list[str], res: Resources | None = None) -> list[list[str]]:
    """Features of one sentence.

    Input: ``tokens`` — surface strings (list[str]); ``res`` — lookup tables (default: the shipped ones).
    Output: list (same length) of lists of string features, or — when ``res.vectors`` is loaded — of dicts
    (string features with value 1.0 plus the dense ``0:v<k>`` components, or ``0:nov`` for a word without a
    vector). Both forms are accepted by python-crfsuite. Never raises on any list of str.
    """
    if res is None:
        res = resources()
    infos = [_token_info(t, res) for t in tokens]
    feats = _string_features(infos, res)
    if res.vectors:
        return [_with_vectors(f, infos, i, res.vec_scale) for i, f in enumerate(feats)]
    return feats


def _string_features(infos: list[dict], res: Resources) -> list[list[str]]:
    gm = _gaz_spans(infos, res)
    n = len(infos)
    feats: list[list[str]] = []
    for i, d in enumerate(infos):
        f = d["own"] + gm[i]
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f += infos[j]["ctx"][off]
                if gm[j] and abs(off) == 1:
                    f.extend(f"{off}:{x}" for x in gm[j])
            else:
                f.append(f"{off}:BOS" if j < 0 else f"{off}:EOS")
        if i > 0:
            f.append("-1w|w=" + infos[i - 1]["w"] + "|" + d["w"])
        if i + 1 < n:
            f.append("w|+1w=" + d["w"] + "|" + infos[i + 1]["w"])
        feats.append(f)
    return feats


def sent_feature_parts(tokens: list[str], res: Resources | None = None) -> tuple[list[list[str]], list]:
    """The two parts of :func:`sent_features` for a fast scorer: the string features of each token (weight 1,
    :data:`VEC_OFFSETS` must be ``(0,)``) and each token's unit vector (numpy row, to be multiplied by
    ``res.vec_scale``) or None. Without a vector table every vector is None and the strings are the whole set."""
    if res is None:
        res = resources()
    infos = [_token_info(t, res) for t in tokens]
    return _string_features(infos, res), [d["vec"] for d in infos]


def _own_features(d: dict) -> list[str]:
    """The features a token contributes at its own position (cached with its info)."""
    w, stem = d["w"], d["stem"]
    f = [
        "b", "w=" + w, "r=" + d["raw"], "st=" + stem, "sh=" + d["shape"], "al=" + d["al"], "pre=" + d["pre"],
        "pu=" + d["punct"], "len=" + d["len"],
        "p2=" + w[:2], "p3=" + w[:3], "s1=" + w[-1:], "s2=" + w[-2:], "s3=" + w[-3:],
        "sp2=" + stem[:2], "ss2=" + stem[-2:], "ss3=" + stem[-3:],
    ]
    f.extend("g=" + g for g in d["gz"])
    if d["cl"]:
        f.extend(f"c{k}={c}" for k, c in enumerate(d["cl"]))
    if d["trig"]:
        f.append("tr=" + d["trig"])
    return f


def _context_features(e: dict) -> dict[int, list[str]]:
    """The features a token contributes to its neighbours' positions −2, −1, +1, +2 (cached with its info;
    multi-token gazetteer matches, which depend on the sentence, are added in :func:`sent_features`)."""
    out = {}
    for off in (-2, -1, 1, 2):
        f = [f"{off}:w={e['w']}", f"{off}:sh={e['shape']}"]
        if abs(off) == 1:
            f += [f"{off}:r={e['raw']}", f"{off}:st={e['stem']}", f"{off}:s2={e['w'][-2:]}", f"{off}:al={e['al']}"]
            f.extend(f"{off}:g={g}" for g in e["gz"])
            if e["cl"]:
                f.extend(f"{off}:c{k}={c}" for k, c in enumerate(e["cl"]))
        if e["trig"]:
            f.append(f"{off}:tr={e['trig']}")
        out[off] = f
    return out


VEC_OFFSETS = (0,)


_VEC_NAMES = [f"0:v{k}" for k in range(1024)]


def _vec_feats(v, scale: float) -> dict[str, float] | None:
    if v is None:
        return None
    vals = (v.astype("float32") * scale).tolist() if hasattr(v, "tolist") else [x * scale for x in v]
    return dict(zip(_VEC_NAMES, vals))


def _with_vectors(f: list[str], infos: list[dict], i: int, scale: float) -> dict[str, float]:
    """String features as weight-1 features plus the dense word vector of positions :data:`VEC_OFFSETS`."""
    d = dict.fromkeys(f, 1.0)
    for off in VEC_OFFSETS:
        j = i + off
        if 0 <= j < len(infos):
            vf = infos[j].get("vfeat")
            if vf is None and infos[j]["vec"] is not None:
                vf = infos[j]["vfeat"] = _vec_feats(infos[j]["vec"], scale)
            if vf is None:
                d[f"{off}:nov"] = 1.0
            elif off == 0:
                d.update(vf)
            else:
                d.update({f"{off}:{k[2:]}": x for k, x in vf.items()})
    return d


def entity_features(words: list[str], left: list[str], right: list[str], res: Resources | None = None) -> list[str]:
    """Features of one entity mention for the fine-class (subtype) classifier — shared by training and tagging.

    Input: the mention's token strings, up to two tokens of left and right context. Output: string features
    (mention words and stems, first/last word, affixes, gazetteer classes, clusters, trigger words, context).
    """
    if res is None:
        res = resources()
    infos = [_token_info(t, res) for t in words]
    f = ["b", f"n={min(len(words), 4)}"]
    for k, d in enumerate(infos):
        f += ["w=" + d["w"], "st=" + d["stem"], "s3=" + d["stem"][-3:], "sh=" + d["shape"]]
        f += ["g=" + g for g in d["gz"]]
        if d["cl"]:
            f += [f"c{j}={c}" for j, c in enumerate(d["cl"])]
        if d["trig"]:
            f.append("tr=" + d["trig"])
    if infos:
        f += ["first=" + infos[0]["stem"], "last=" + infos[-1]["stem"], "all=" + "_".join(d["stem"] for d in infos)]
        if infos[0]["cl"]:
            f.append("fc=" + infos[0]["cl"][-1])
    for side, ctx in (("L", left[-2:]), ("R", right[:2])):
        for k, t in enumerate(ctx):
            d = _token_info(t, res)
            pos = k - len(ctx) if side == "L" else k + 1
            f += [f"{side}{pos}w={d['w']}", f"{side}{pos}st={d['stem']}", f"{side}st={d['stem']}"]
            if d["cl"]:
                f.append(f"{side}{pos}c={d['cl'][1] if len(d['cl']) > 1 else d['cl'][0]}")
            if d["trig"]:
                f.append(f"{side}tr={d['trig']}")
    return f

"""Train khabar's Arabic NER models (``khabar train ner``).

Builds, from the staged public data (``../shared/data``, train splits only):

1. ``khabar/data/lexicons/ner_gazetteer.tsv`` — Arabic names with a class (GPE/LOC/PER/ORG) from
   ``kb/countries.json`` (ODbL), ``kb/world-cities.csv`` (CC BY 4.0) and ANETAC's named-entity list;
2. ``khabar/data/models/ner_clusters.tsv`` — word2vec (gensim, CBOW) vectors trained on the antcorpus news plus
   the NER training texts, clustered with k-means at several granularities, and the vectors themselves
   (``ner_vectors.npy`` + ``ner_vectors.vocab``, float16, the CRF's dense features) — skipped, keeping the existing
   files, when gensim is not installed: gensim is a train-time dependency only;
3. ``khabar/data/models/ner_crf.crfsuite`` — the coarse CRF (PER/ORG/LOC/MISC, BIO) trained with python-crfsuite
   (L-BFGS, L1 0.02 + L2 0.01; dense word vectors, see docs/bench/ner.md rows 16-24) on ANERcorp's CAMeL train split (``TRAIN_CORPORA``; NewsFANE and WikiFANE were
   measured as extra data, see ``docs/bench/ner.md``);
4. ``khabar/data/models/ner_subtype.crfsuite`` — a fine-class CRF (FANE classes) trained on WikiFANE and
   ``NewsFANE_Gold.train.txt`` that gives ``Entity.subtype`` and the LOC/GPE split.

Never reads ``ANERCorp_CamelLab_test.txt``, ``ANERCorp.txt`` or ``NewsFANE_Gold.txt`` (test contamination).
"""
from __future__ import annotations

import csv
import gzip
import json
import re
import time
from pathlib import Path

from khabar.paths import LEXICONS, MODELS
from khabar.text.normalize import normalize

Sent = tuple[list[str], list[str]]

CRF_MODEL = MODELS / "ner_crf.crfsuite"
SUB_MODEL = MODELS / "ner_subtype.crfsuite"

FANE_CLASSES = LEXICONS / "ner_fane_classes.tsv"


def fane_classes(path: Path = FANE_CLASSES) -> dict[str, tuple[str | None, str]]:
    """FANE fine class → (coarse training label or None, compatible khabar label), from ``ner_fane_classes.tsv``."""
    out: dict[str, tuple[str | None, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fine, coarse, compat = line.split("\t")[:3]
            out[fine] = (None if coarse == "-" else coarse, compat)
    return out


FANE_COARSE = {k: v[0] for k, v in fane_classes().items()}


# --------------------------------------------------------------------------- readers
def read_conll(path: Path, sep: str | None = None, first_tag_only: bool = True) -> list[Sent]:
    """Read a CoNLL-style file: ``token<sep>TAG`` per line, blank line between sentences.

    Returns a list of (tokens, tags). Lines whose token is empty are skipped; with ``sep=None`` the token is the
    first whitespace field and the tag the second (Wojood's extra nested tags are ignored).
    """
    sents: list[Sent] = []
    toks: list[str] = []
    tags: list[str] = []
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                toks, tags = [], []
                continue
            parts = line.split(sep) if sep else line.split()
            if len(parts) < 2 or not parts[0].strip():
                continue
            toks.append(parts[0].strip())
            tags.append(parts[1].strip())
    if toks:
        sents.append((toks, tags))
    return sents


def _fix_bio(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def map_tags(tags: list[str], mapping: dict[str, str | None]) -> list[str]:
    """Map B-/I- tags through ``mapping`` (type → new type or None for O); unknown types → O; BIO repaired."""
    out = []
    for t in tags:
        if t == "O" or "-" not in t:
            out.append("O")
            continue
        bi, typ = t.split("-", 1)
        new = mapping.get(typ)
        out.append(f"{bi}-{new}" if new and bi in ("B", "I") else "O")
    return _fix_bio(out)


ANER_MAP = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
AQMAR_MAP = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}  # MIS0-3 are article-specific: dropped
WOJOOD_MAP = {"PERS": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC"}


def _join_fane_clitics(toks: list[str], tags: list[str]) -> Sent:
    """NewsFANE splits proclitics (``و`` ``ب`` ``ل`` …) into tokens; glue them back onto the next token (as
    ANERcorp and khabar's tokeniser keep them attached) so the data matches tag-time tokenisation."""
    ot: list[str] = []
    og: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك") and i + 1 < len(toks) and \
                re.match(r"[\u0621-\u064a]", toks[i + 1]) and tags[i] == "O":
            nxt = toks[i + 1]
            if t.endswith("ل") and nxt.startswith("ال"):
                nxt = nxt[1:]  # ل + الكتاب -> للكتاب
            ot.append(t + nxt)
            og.append(tags[i + 1])
            i += 2
            continue
        ot.append(t)
        og.append(tags[i])
        i += 1
    return ot, og


def load_corpus(shared: Path, name: str, coarse_gpe: bool = False) -> list[Sent]:
    """Load one training corpus mapped to coarse labels.

    ``name``: anercorp | newsfane | wikifane | aqmar | wojood. With ``coarse_gpe`` False, GPE is folded into LOC
    (the ANERcorp convention). Returns a list of (tokens, tags).
    """
    ner = shared / "ner"
    if name == "anercorp":
        sents = [(t, map_tags(g, ANER_MAP)) for t, g in read_conll(ner / "anercorp/ANERCorp_CamelLab_train.txt")]
    elif name in ("newsfane", "wikifane"):
        fn = "NewsFANE_Gold.train.txt" if name == "newsfane" else "WikiFANE_Gold.txt"
        sents = [_join_fane_clitics(t, map_tags(g, FANE_COARSE)) for t, g in read_conll(ner / "fane" / fn, "\t")]
    elif name.startswith("aqmar"):
        sents = []
        for p in sorted((ner / "aqmar").glob("*.txt")):
            sents += [(t, map_tags(g, AQMAR_MAP)) for t, g in read_conll(p)]
    elif name == "wojood":
        sents = [(t, map_tags(g, WOJOOD_MAP)) for t, g in read_conll(ner / "wojood-sample/train.txt")]
    else:
        raise ValueError(name)
    if not coarse_gpe:
        sents = [(t, [x.replace("GPE", "LOC") for x in g]) for t, g in sents]
    return sents


# --------------------------------------------------------------------------- gazetteer
KB_GAZ_TYPES = ("PER", "ORG", "GPE", "LOC")


def kb_gazetteer_rows(kb_path: Path | None = None) -> set[tuple[str, str]]:
    """``(alias, "K" + type)`` rows for every Arabic alias (≥ 2 characters) of the knowledge base's PER / ORG / GPE /
    LOC entities (``kb.sqlite``, built by ``khabar build kb``; default :data:`khabar.kb.store.KB_PATH`). Kept as
    classes of their own (KPER …) rather than merged into the list classes: merged, the same aliases scored
    0.26 below the CRF without them on the far dev, as their own classes 0.87 above (docs/bench/ner.md, session 6).
    An absent file gives no rows."""
    import sqlite3

    if kb_path is None:
        from khabar.kb.store import KB_PATH as kb_path
    if not Path(kb_path).is_file():
        return set()
    rows: set[tuple[str, str]] = set()
    con = sqlite3.connect(f"file:{kb_path}?mode=ro", uri=True)
    try:
        q = f"select type, aliases from entities where type in ({','.join('?' * len(KB_GAZ_TYPES))})"
        for typ, aliases in con.execute(q, KB_GAZ_TYPES):
            for a in json.loads(aliases or "[]"):
                a = " ".join(str(a).split())
                if len(a) >= 2 and "\t" not in a:
                    rows.add((a, "K" + typ))
    finally:
        con.close()
    return rows


def build_gazetteer(shared: Path, out: Path = LEXICONS / "ner_gazetteer.tsv", kb_path: Path | None = None) -> dict:
    """Write ``name<TAB>class`` rows (class GPE | LOC | PER | ORG from the staged KB sources; KPER | KORG | KGPE |
    KLOC from khabar's knowledge base, :func:`kb_gazetteer_rows`). Returns counts per class."""
    rows: set[tuple[str, str]] = set()
    kb = shared / "kb"
    for c in json.loads((kb / "countries.json").read_text(encoding="utf-8")):
        ara = c.get("translations", {}).get("ara", {})
        for k in ("common", "official"):
            if ara.get(k):
                rows.add((ara[k], "GPE"))
            if (c.get("name") or {}).get(k):
                rows.add((c["name"][k], "GPE"))  # English names: Latin fragments in machine-translated text
    with (kb / "world-cities.csv").open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            for k in ("CountryNameAr", "CityNameAr"):
                v = (r.get(k) or "").strip()
                if v and not re.search(r"[A-Za-z]", v):
                    rows.add((v, "GPE"))
                    if v.startswith("ولاية "):
                        rows.add((v[len("ولاية "):], "GPE"))
            for k in ("CountryNameEn", "CityNameEn"):
                v = (r.get(k) or "").strip()
                if v and v[0].isupper():
                    rows.add((v, "GPE"))
    cls = {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG"}
    with (kb / "anetac/EN-AR_Named-entities.txt").open(encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[0] in cls:
                rows.add((" ".join(p[2:]), cls[p[0]]))
                if p[0] != "PERSON" and p[1][:1].isupper():  # English person names collide with English words
                    rows.add((p[1], cls[p[0]]))
    rows |= kb_gazetteer_rows(kb_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        f.write("# name\tclass — built by `khabar train ner` from kb/countries.json (ODbL 1.0), "
                "kb/world-cities.csv (CC BY 4.0), ANETAC EN-AR named entities (cite arXiv:1907.03110); "
                "classes KPER/KORG/KGPE/KLOC: Arabic aliases of khabar's own knowledge base (kb.sqlite)\n")
        for name, c in sorted(rows):
            f.write(f"{name}\t{c}\n")
    counts: dict[str, int] = {}
    for _, c in rows:
        counts[c] = counts.get(c, 0) + 1
    return counts


# --------------------------------------------------------------------------- clusters
_TOK = re.compile(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3]+|[A-Za-z0-9\u00c0-\u024f]+(?:[-.'][A-Za-z0-9]+)*")


def _corpus_sentences(shared: Path, train_texts: list[list[str]]):
    for p in sorted((shared / "corpus/antcorpus").glob("*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                for para in (d.get("title") or "", *(d.get("text") or "").split("\n")):
                    toks = _TOK.findall(normalize(para))
                    if toks:
                        yield [t.lower() for t in toks]
    for toks in train_texts:
        yield [normalize(t).lower() for t in toks]


def build_clusters(shared: Path, train_texts: list[list[str]], out: Path = MODELS / "ner_clusters.tsv",
                   ks: tuple[int, ...] = (32, 128, 512, 2048), dim: int = 100, min_count: int = 3,
                   workers: int = 2, seed: int = 13, epochs: int = 10, save_vectors: Path | None = None,
                   vectors_out: Path | None = MODELS / "ner_vectors.npy") -> dict:
    """Train word2vec (gensim CBOW) on antcorpus + training texts, k-means the vectors at ``ks`` granularities and
    write ``word<TAB>c1<TAB>c2…``; with ``vectors_out`` also write the unit-normalised vectors (:func:`export_vectors`,
    the CRF's dense features). Source: antcorpus (SaudiNewsNet is non-commercial and never used here)."""
    from gensim.models import Word2Vec  # train-time dependency
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    t0 = time.time()
    sents = list(_corpus_sentences(shared, train_texts))
    model = Word2Vec(sentences=sents, vector_size=dim, window=5, min_count=min_count, workers=workers, sg=0,
                     epochs=epochs, seed=seed)
    if save_vectors:
        model.wv.save(str(save_vectors))
    words = model.wv.index_to_key
    vecs = model.wv.vectors / (np.linalg.norm(model.wv.vectors, axis=1, keepdims=True) + 1e-9)
    ids = []
    for k in ks:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
        ids.append(km.fit_predict(vecs))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        f.write(f"# word2vec CBOW dim={dim} on antcorpus + NER train texts; k-means k={','.join(map(str, ks))}\n")
        for i, w in enumerate(words):
            f.write(w + "\t" + "\t".join(str(int(c[i])) for c in ids) + "\n")
    if vectors_out:
        export_vectors(words, vecs, vectors_out)
    return {"vocab": len(words), "sentences": len(sents), "seconds": round(time.time() - t0)}


def export_vectors(words: list[str], vecs, out: Path = MODELS / "ner_vectors.npy") -> dict:
    """Write unit-normalised word vectors as float16 ``out`` (``.npy``, no pickle) and the words, one a line in
    row order, beside it (suffix ``.vocab``) — the table :func:`khabar.ner.features.load_vectors` reads."""
    import numpy as np

    m = np.asarray(vecs, dtype="float32")
    m = m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-9)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, m.astype("float16"), allow_pickle=False)
    out.with_suffix(".vocab").write_text("\n".join(words) + "\n", encoding="utf-8")
    return {"words": len(words), "bytes": out.stat().st_size}


# --------------------------------------------------------------------------- CRF
DEFAULT_PARAMS = {"c1": 0.02, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def train_crf(sents: list[Sent], path: Path, params: dict | None = None, res=None, verbose: bool = False) -> dict:
    """Train a python-crfsuite CRF on ``sents`` (tokens, tags) with :func:`khabar.ner.features.sent_features`
    and write it to ``path``. ``params``: crfsuite L-BFGS parameters (default :data:`DEFAULT_PARAMS`)."""
    import pycrfsuite

    from khabar.ner.features import sent_features

    t0 = time.time()
    tr = pycrfsuite.Trainer(verbose=verbose)
    for toks, tags in sents:
        if toks:
            tr.append(pycrfsuite.ItemSequence(sent_features(toks, res)), tags)
    tr.set_params({**DEFAULT_PARAMS, **(params or {})})
    path.parent.mkdir(parents=True, exist_ok=True)
    tr.train(str(path))
    return {"model": str(path), "sentences": len(sents), "seconds": round(time.time() - t0),
            "bytes": path.stat().st_size}


def split_dev(sents: list[Sent], every: int = 10, block: int = 50) -> tuple[list[Sent], list[Sent]]:
    """Carve a dev set out of a training corpus: every ``every``-th block of ``block`` consecutive sentences
    (contiguous blocks keep documents mostly together). Returns (train, dev)."""
    tr, dev = [], []
    for i, s in enumerate(sents):
        (dev if (i // block) % every == 0 else tr).append(s)
    return tr, dev


TRAIN_CORPORA = ("anercorp",)


NEURAL_FILES = (("ner_bilstm.npz", 13), ("ner_bilstm_2.npz", 14))  # (file, random seed): the default mode uses the
# first, the accurate mode averages both with the CRF (khabar.ner.tagger.tag_block)


def train_neural(sents: list[Sent], path: Path, seed: int | None = None) -> dict | str:
    """Retrain the BiLSTM-CRF (:mod:`khabar.ner.bilstm_train`, dev-chosen defaults; ``seed`` overrides the random
    seed) on ``sents`` into ``path``; without torch (a training-only extra: ``pip install 'khabar[train-neural]'``)
    keep the existing file."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return "torch not installed: kept the existing BiLSTM model" if path.is_file() else "torch not installed"
    from khabar.ner.bilstm_train import train_full

    return train_full(sents, path, {} if seed is None else {"seed": seed}, log=lambda _row: None)


def train(shared_data_dir: Path, out: Path | None = None, corpora: tuple[str, ...] | None = None,
          clusters: bool = True, subtype: bool = True, neural: bool | None = None) -> dict:
    """Entry of ``khabar train ner``: rebuild gazetteer, clusters (if gensim is installed), the coarse CRF and the
    subtype classifier (written beside ``out``), and the two BiLSTM-CRFs of :data:`NEURAL_FILES` beside it — with
    ``neural=None`` only when the first is already shipped (``neural=True`` always, ``False`` never); it needs
    torch, without which the existing file is kept.

    Input: the staged data folder; ``out`` the coarse model path (default the shipped
    ``khabar/data/models/ner_crf.crfsuite``). Output: a dict of what was built (counts, sizes, seconds) and the
    shipped model's micro-F1 on the CAMeL test split (scored after training, never used for choices).
    Raises FileNotFoundError when a source file is missing.
    """
    from khabar.ner import features

    shared = Path(shared_data_dir)
    out = Path(out) if out else CRF_MODEL
    corpora = corpora or TRAIN_CORPORA
    report: dict = {"gazetteer": build_gazetteer(shared)}
    data = {name: load_corpus(shared, name) for name in corpora}
    if clusters:
        import importlib.util

        if importlib.util.find_spec("gensim") is None:
            report["clusters"] = "gensim not installed: kept the existing cluster file"
        else:
            texts = [t for name in ("anercorp", "newsfane", "wikifane") for t, _ in load_corpus(shared, name)]
            report["clusters"] = build_clusters(shared, texts)
    features.resources.cache_clear()
    res = features.resources()
    sents: list[Sent] = []
    for name, ss in data.items():
        sents += ss
    report["crf"] = train_crf(sents, out, res=res)
    if neural or (neural is None and out.with_name(NEURAL_FILES[0][0]).is_file()):
        report["neural"] = [train_neural(sents, out.with_name(name), seed) for name, seed in NEURAL_FILES]
    if subtype:
        report["subtype"] = train_subtype(shared, out.with_name(SUB_MODEL.name), res=res)
    test = shared / "ner/anercorp/ANERCorp_CamelLab_test.txt"
    if test.is_file():
        from khabar.eval.ner import evaluate

        r = evaluate(test, model=out)
        report["camel_test"] = {k: r[k] for k in ("micro_f1", "macro_f1", "precision", "recall")}
    return report


# --------------------------------------------------------------------------- subtype classifier
def fane_entities(shared: Path, files: tuple[str, ...] = ("NewsFANE_Gold.train.txt", "WikiFANE_Gold.txt")
                  ) -> list[tuple[list[str], list[str], list[str], str]]:
    """FANE mentions as (words, left context, right context, fine class), clitics re-attached as at tag time."""
    out = []
    ident = {k: k for k in fane_classes()}
    for fn in files:
        for toks, tags in read_conll(shared / "ner/fane" / fn, "\t"):
            toks, tags = _join_fane_clitics(toks, map_tags(tags, ident))
            from khabar.eval.ner import chunks

            for a, b, ty in sorted(chunks(tags)):
                out.append((toks[a:b], toks[max(0, a - 2):a], toks[b:b + 2], ty))
    return out


def train_subtype(shared: Path, path: Path = SUB_MODEL, res=None, samples=None,
                  params: dict | None = None) -> dict:
    """Train the fine-class classifier: a maximum-entropy model (a python-crfsuite CRF over one-item sequences)
    on FANE mentions with :func:`khabar.ner.features.entity_features`. Writes ``path``; returns counts."""
    import pycrfsuite

    from khabar.ner.features import entity_features

    t0 = time.time()
    samples = samples if samples is not None else fane_entities(shared)
    tr = pycrfsuite.Trainer(verbose=False)
    for w, l, r, ty in samples:
        tr.append(pycrfsuite.ItemSequence([entity_features(w, l, r, res)]), [ty])
    tr.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 150, **(params or {})})
    path.parent.mkdir(parents=True, exist_ok=True)
    tr.train(str(path))
    return {"model": str(path), "mentions": len(samples), "seconds": round(time.time() - t0),
            "bytes": path.stat().st_size}

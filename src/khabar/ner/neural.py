"""Neural NER (spaCy CNN, CPU, no transformer) over khabar's own tokens — optional second tagger.

The model is spaCy's transition-based NER over a CNN token encoder (``MultiHashEmbed`` of the normalised word, the
raw word, prefix, suffix and shape, plus static word2vec vectors trained by gensim on the antcorpus news and the
NER training texts; ``MaxoutWindowEncoder``). Tokens are never re-tokenised: a ``Doc`` is built from the token
strings given. Each token's ``NORM`` is its normalised, punctuation-stripped form (:func:`khabar.ner.features.core`)
— or, when that form has no vector but a clitic-stripped form (:func:`khabar.ner.features.stems`) has one, that
stripped form, so ``وبواشنطن`` is looked up as ``واشنطن``.

spaCy (MIT) is needed only when this model is used; see ``docs/bench/ner.md`` for the measured figures.
"""
from __future__ import annotations

import functools
import random
import time
from pathlib import Path

Sent = tuple[list[str], list[str]]


def _norms(tokens: list[str], keys) -> list[str]:
    from khabar.ner.features import core, stems

    out = []
    for t in tokens:
        c = core(t)
        c = c.lower() if c.isascii() else c
        form = c
        if keys is not None and c not in keys:
            for s in stems(c):
                if s in keys:
                    form = s
                    break
        out.append(form)
    return out


def make_doc(nlp, tokens: list[str]):
    """A spaCy ``Doc`` over ``tokens`` (no re-tokenisation) with NORM set as described in the module doc."""
    from spacy.tokens import Doc

    toks = [t if t.strip() else "_" for t in tokens]
    doc = Doc(nlp.vocab, words=toks, spaces=[True] * len(toks))
    keys = nlp.meta.get("_khabar_keys")
    for tok, n in zip(doc, _norms(toks, keys)):
        tok.norm_ = n
    return doc


def load_vectors(path: Path, max_words: int | None = None):
    """(words, unit-normalised float32 matrix) from a gensim KeyedVectors file, the ``max_words`` most frequent."""
    import numpy as np
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load(str(path))
    n = len(kv.index_to_key) if max_words is None else min(max_words, len(kv.index_to_key))
    m = kv.vectors[:n] / (np.linalg.norm(kv.vectors[:n], axis=1, keepdims=True) + 1e-9)
    return list(kv.index_to_key[:n]), m.astype("float32")


def build_nlp(words: list[str] | None = None, matrix=None, width: int = 128, depth: int = 4,
              rows: tuple[int, ...] = (20000, 10000, 2000, 5000, 500), hidden: int = 64):
    """A blank Arabic spaCy pipeline (tok2vec + ner) with static vectors keyed by NORM (when given)."""
    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.blank("ar")
    static = words is not None
    if static:
        nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=matrix, keys=words, attr="NORM")
    embed = {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
             "attrs": ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"], "rows": list(rows),
             "include_static_vectors": static}
    encode = {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width, "depth": depth,
              "window_size": 1, "maxout_pieces": 3}
    nlp.add_pipe("tok2vec", config={"model": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed,
                                              "encode": encode}})
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": hidden, "maxout_pieces": 2, "use_upper": True, "nO": None,
        "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": width, "upstream": "*"}}})
    return nlp


def _examples(nlp, sents: list[Sent]):
    from spacy.training import Example, iob_to_biluo

    out = []
    for toks, tags in sents:
        if toks:
            out.append(Example.from_dict(make_doc(nlp, toks), {"entities": iob_to_biluo(tags)}))
    return out


def tag_docs(nlp, sents: list[list[str]]) -> list[list[str]]:
    """BIO tags for each token list with a trained pipeline."""
    out = []
    docs = [make_doc(nlp, s) for s in sents if s]
    it = iter(nlp.pipe(docs, batch_size=64))
    for s in sents:
        if not s:
            out.append([])
            continue
        d = next(it)
        out.append([f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else "O" for t in d])
    return out


def train_spacy(train: list[Sent], out_dir: Path, dev: list[Sent] | None = None, vectors: Path | None = None,
                max_words: int | None = 50000, epochs: int = 15, dropout: float = 0.2, seed: int = 13,
                log=print, **arch) -> dict:
    """Train the spaCy NER on ``train`` (tokens, BIO tags); keep the epoch with the best dev micro-F1 (or the
    last one without ``dev``) in ``out_dir``. Returns per-epoch dev scores and timings."""
    from spacy.util import compounding, fix_random_seed, minibatch

    from khabar.eval.ner import score

    fix_random_seed(seed)
    random.seed(seed)
    words = matrix = None
    if vectors:
        words, matrix = load_vectors(vectors, max_words)
    nlp = build_nlp(words, matrix, **arch)
    nlp.meta["_khabar_keys"] = set(words) if words is not None else None
    ex = _examples(nlp, train)
    t0 = time.time()
    opt = nlp.initialize(lambda: ex)
    hist = []
    best = -1.0
    for ep in range(epochs):
        random.shuffle(ex)
        losses: dict = {}
        for batch in minibatch(ex, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, drop=dropout, sgd=opt, losses=losses)
        row = {"epoch": ep + 1, "loss": round(float(losses.get("ner", 0.0)), 1), "s": round(time.time() - t0)}
        if dev:
            pred = tag_docs(nlp, [t for t, _ in dev])
            d = score([g for _, g in dev], pred)
            row.update(f1=float(d["micro_f1"]), p=float(d["precision"]), r=float(d["recall"]))
            if d["micro_f1"] > best:
                best = d["micro_f1"]
                _save(nlp, out_dir)
                row["saved"] = True
        hist.append(row)
        log(row)
    if not dev:
        _save(nlp, out_dir)
    return {"epochs": hist, "best_dev": best, "seconds": round(time.time() - t0)}


def _save(nlp, out_dir: Path) -> None:
    keys = nlp.meta.pop("_khabar_keys", None)
    try:
        nlp.to_disk(out_dir)
    finally:
        nlp.meta["_khabar_keys"] = keys


class _HashKeys:
    """``word in keys`` for a spaCy vector table (whose key strings are not stored with the model)."""

    def __init__(self, vectors, h):
        self.v, self.h = vectors, h

    def __contains__(self, word: str) -> bool:
        return self.h(word) in self.v


@functools.lru_cache(maxsize=2)
def load(path: str):
    """Load a trained pipeline from ``path`` (cached per process)."""
    import spacy

    nlp = spacy.load(path)
    v = nlp.vocab.vectors
    if v.shape[0]:
        from spacy.strings import hash_string

        nlp.meta["_khabar_keys"] = _HashKeys(v, hash_string)
    else:
        nlp.meta["_khabar_keys"] = None
    return nlp

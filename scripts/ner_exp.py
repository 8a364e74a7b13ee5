"""NER experiment runner: train a CRF on a corpus mix (ANERcorp dev blocks held out) and score it on the dev set.

Usage: python scripts/ner_exp.py NAME --corpora anercorp,newsfane [--c1 0.05 --c2 0.01] [--no-clusters]
       [--vectors FILE --vec-scale 3] [--extra-no-misc] [--extra-conll FILE[,FILE]] [--spacy EPOCHS] [--full] [--test]   (--test also scores the CAMeL test split: only for the final, already chosen configuration)
--extra-conll: extra training sentences (``token<TAB>TAG``, e.g. the pseudo-labelled news of scripts/ner_selftrain.py),
sentences overlapping the dev blocks dropped as for the other corpora.
Prints one JSON line; appends it to /tmp/ner/exp.jsonl.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from khabar.eval.ner import read_test, score
from khabar.ner import features
from khabar.ner.train import load_corpus, map_tags, split_dev, train_crf
from khabar.paths import shared_data


def _norm(toks: list[str]) -> str:
    from khabar.text.normalize import normalize

    return normalize("".join(toks)).replace("لال", "لل")


def _grams(sents, n: int = 10) -> set[str]:
    out: set[str] = set()
    for toks, _ in sents:
        t = _norm(toks)
        out.update(t[i:i + n] for i in range(len(t) - n + 1))
    return out


def _overlap(sent, grams: set[str], n: int = 10) -> float:
    t = _norm(sent[0])
    g = [t[i:i + n] for i in range(len(t) - n + 1)]
    return sum(x in grams for x in g) / len(g) if g else 0.0


def load_vectors(path: Path) -> dict[str, tuple[float, ...]]:
    """Unit-normalised word vectors (rounded to 3 decimals) from a gensim KeyedVectors file."""
    import numpy as np
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load(str(path))
    m = kv.vectors / (np.linalg.norm(kv.vectors, axis=1, keepdims=True) + 1e-9)
    return {w: tuple(round(float(x), 3) for x in m[i]) for i, w in enumerate(kv.index_to_key)}


_ID_KEYS = ("w=", "r=", "st=")


def _masked(feats: list, tags: list[str], rng, p: float) -> list:
    """A copy of one sentence's features with the identity features of entity tokens dropped (probability p per
    entity token): own w=/r=/st= and the word bigrams, and the neighbours' ``{off}:w=/r=/st=`` of that token."""
    n = len(tags)
    hide = [t != "O" and rng.random() < p for t in tags]
    if not any(hide):
        return feats
    out = []
    for i, f in enumerate(feats):
        drop = set()
        if hide[i]:
            drop.update(_ID_KEYS)
            drop.update(("-1w|w=", "w|+1w="))
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n and hide[j]:
                drop.update(f"{off}:{k}" for k in _ID_KEYS)
                if off == -1:
                    drop.add("-1w|w=")
                if off == 1:
                    drop.add("w|+1w=")
        if not drop:
            out.append(f)
            continue
        keep = lambda k: not any(k.startswith(d) for d in drop)  # noqa: E731
        out.append({k: v for k, v in f.items() if keep(k)} if isinstance(f, dict) else [k for k in f if keep(k)])
    return out


def _train_masked(sents, path: Path, params: dict, res, p: float) -> dict:
    """train_crf with the identity-masked copies of the sentences that have an entity added (seeded)."""
    import random

    import pycrfsuite

    from khabar.ner.train import DEFAULT_PARAMS

    rng = random.Random(7)
    t0 = time.time()
    tr = pycrfsuite.Trainer(verbose=False)
    n = 0
    for toks, tags in sents:
        if not toks:
            continue
        f = features.sent_features(toks, res)
        tr.append(pycrfsuite.ItemSequence(f), tags)
        if any(t != "O" for t in tags):
            tr.append(pycrfsuite.ItemSequence(_masked(f, tags, rng, p)), tags)
            n += 1
    tr.set_params({**DEFAULT_PARAMS, **params})
    tr.train(str(path))
    return {"seconds": round(time.time() - t0), "bytes": path.stat().st_size, "masked_copies": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--corpora", default="anercorp")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--clusters", default=str(features.CLUSTERS))
    ap.add_argument("--gaz", default=str(features.GAZETTEER))
    ap.add_argument("--trig", default=str(features.TRIGGERS))
    ap.add_argument("--vectors", default=None, help="gensim KeyedVectors file or khabar .npy table: dense word-vector features (default: none)")
    ap.add_argument("--vec-scale", type=float, default=1.0)
    ap.add_argument("--vec-offsets", default="0")
    ap.add_argument("--spacy", type=int, default=0, metavar="EPOCHS",
                    help="train the spaCy CNN NER (khabar.ner.neural, needs `pip install spacy`) instead of the CRF, "
                         "with --vectors as static vectors (a gensim .kv file); keeps the best dev epoch")
    ap.add_argument("--extra-no-misc", action="store_true", help="map MISC to O in the non-ANERcorp corpora")
    ap.add_argument("--extra-conll", default=None, metavar="FILE[,FILE]",
                    help="extra training data, token<TAB>TAG per line (scripts/ner_selftrain.py output)")
    ap.add_argument("--full", action="store_true", help="train on all of ANERcorp train (no dev)")
    ap.add_argument("--dev-tail", type=int, default=0, metavar="N",
                    help="dev = the last N sentences of the train split (contiguous, like the test split's position "
                         "after train) instead of the interleaved blocks of split_dev")
    ap.add_argument("--train-frac", type=float, default=1.0, metavar="F",
                    help="learning curve: keep a random share F of the ANERcorp training blocks (50 sentences each, "
                         "drawn with --frac-seed)")
    ap.add_argument("--frac-seed", type=int, default=1)
    ap.add_argument("--mask-aug", type=float, default=0.0, metavar="P",
                    help="add a copy of each training sentence with an entity, in which each entity token's "
                         "identity features (word, raw form, stem, word bigrams) are removed with probability P, at "
                         "its own and its neighbours' positions (affixes, clusters, gazetteer, vectors kept)")
    ap.add_argument("--test", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--reuse", action="store_true", help="score an already trained model")
    a = ap.parse_args()
    sh = shared_data()
    res = features.load_resources(Path(a.gaz), Path(a.clusters), Path(a.trig), vectors=None)
    if a.vectors:
        res.vectors = (features.load_vectors(Path(a.vectors)) if a.vectors.endswith(".npy")
                       else load_vectors(Path(a.vectors)))
        res.vec_scale = a.vec_scale
        features.VEC_OFFSETS = tuple(int(x) for x in a.vec_offsets.split(","))
    features.resources.cache_clear()
    features.resources = lambda: res  # type: ignore[assignment]  # experiment-local resources
    aner = load_corpus(sh, "anercorp")
    if a.full:
        tr, dev = aner, []
    elif a.dev_tail:
        tr, dev = aner[:-a.dev_tail], aner[-a.dev_tail:]
    else:
        tr, dev = split_dev(aner)
    if a.train_frac < 1.0:
        import random

        blocks = [tr[i:i + 50] for i in range(0, len(tr), 50)]
        keep = sorted(random.Random(a.frac_seed).sample(range(len(blocks)), round(a.train_frac * len(blocks))))
        tr = [s for k in keep for s in blocks[k]]
    dev_grams = _grams(dev)
    for name in a.corpora.split(","):
        if name != "anercorp":
            extra = load_corpus(sh, name)
            if a.extra_no_misc:
                extra = [(t, map_tags(g, {"PER": "PER", "ORG": "ORG", "LOC": "LOC"})) for t, g in extra]
            if dev_grams:  # NewsFANE re-annotates ANERcorp: drop sentences that overlap the dev blocks
                extra = [s for s in extra if _overlap(s, dev_grams) < 0.5]
            tr = tr + extra
    n_extra = 0
    for fn in (a.extra_conll.split(",") if a.extra_conll else []):
        from khabar.ner.train import read_conll

        extra = read_conll(Path(fn), "\t")
        if dev_grams:
            extra = [s for s in extra if _overlap(s, dev_grams) < 0.5]
        n_extra += len(extra)
        tr = tr + extra
    if a.spacy:
        from khabar.ner.neural import train_spacy

        r = train_spacy(tr, Path(a.model or f"/tmp/ner/sp_{a.name}"), dev=dev or None,
                        vectors=Path(a.vectors) if a.vectors else None, epochs=a.spacy,
                        log=lambda x: print(json.dumps(x), flush=True))
        print(json.dumps({"name": a.name, "spacy_epochs": a.spacy, "best_dev": float(r["best_dev"]),
                          "seconds": r["seconds"]}))
        return
    model = Path(a.model or f"/tmp/ner/{a.name}.crfsuite")
    if a.reuse:
        info = {"seconds": 0, "bytes": model.stat().st_size}
    else:
        if a.mask_aug:
            info = _train_masked(tr, model, {"c1": a.c1, "c2": a.c2, "max_iterations": a.iters}, res, a.mask_aug)
        else:
            info = train_crf(tr, model, {"c1": a.c1, "c2": a.c2, "max_iterations": a.iters}, res=res)
    from khabar.ner.tagger import tag_sentences
    out = {"name": a.name, "corpora": a.corpora, "dev_tail": a.dev_tail, "mask_aug": a.mask_aug,
           "train_frac": a.train_frac, "frac_seed": a.frac_seed, "c1": a.c1, "c2": a.c2, "train_s": info["seconds"],
           "bytes": info["bytes"], "clusters": a.clusters, "vectors": a.vectors, "vec_scale": a.vec_scale,
           "vec_offsets": a.vec_offsets, "extra_conll": a.extra_conll, "extra_sents": n_extra,
           "train_sents": len(tr), "time": time.strftime("%H:%M")}
    if dev:
        d = score([g for _, g in dev], tag_sentences([t for t, _ in dev], model))
        out["dev"] = {k: d[k] for k in ("micro_f1", "macro_f1", "precision", "recall")}
        out["dev_per"] = {k: v["f1"] for k, v in d["per_type"].items()}
    if a.test:
        toks, gold = read_test(sh / "ner/anercorp/ANERCorp_CamelLab_test.txt")
        t = score(gold, tag_sentences(toks, model))
        out["test"] = {k: t[k] for k in ("micro_f1", "macro_f1", "precision", "recall")}
        out["test_per"] = {k: v["f1"] for k, v in t["per_type"].items()}
    line = json.dumps(out, ensure_ascii=False)
    print(line)
    with open("/tmp/ner/exp.jsonl", "a") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())

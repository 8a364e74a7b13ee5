"""NER experiment runner: train a CRF on a corpus mix (ANERcorp dev blocks held out) and score it on the dev set.

Usage: python scripts/ner_exp.py NAME --corpora anercorp,newsfane [--c1 0.05 --c2 0.01] [--no-clusters]
       [--test]   (--test also scores the CAMeL test split: only for the final, already chosen configuration)
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
from khabar.ner.train import load_corpus, split_dev, train_crf
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
    ap.add_argument("--full", action="store_true", help="train on all of ANERcorp train (no dev)")
    ap.add_argument("--test", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--reuse", action="store_true", help="score an already trained model")
    a = ap.parse_args()
    sh = shared_data()
    res = features.load_resources(Path(a.gaz), Path(a.clusters), Path(a.trig))
    features.resources.cache_clear()
    features.resources = lambda: res  # type: ignore[assignment]  # experiment-local resources
    aner = load_corpus(sh, "anercorp")
    tr, dev = (aner, []) if a.full else split_dev(aner)
    dev_grams = _grams(dev)
    for name in a.corpora.split(","):
        if name != "anercorp":
            extra = load_corpus(sh, name)
            if dev_grams:  # NewsFANE re-annotates ANERcorp: drop sentences that overlap the dev blocks
                extra = [s for s in extra if _overlap(s, dev_grams) < 0.5]
            tr = tr + extra
    model = Path(a.model or f"/tmp/ner/{a.name}.crfsuite")
    if a.reuse:
        info = {"seconds": 0, "bytes": model.stat().st_size}
    else:
        info = train_crf(tr, model, {"c1": a.c1, "c2": a.c2, "max_iterations": a.iters}, res=res)
    from khabar.ner.tagger import tag_sentences
    out = {"name": a.name, "corpora": a.corpora, "c1": a.c1, "c2": a.c2, "train_s": info["seconds"],
           "bytes": info["bytes"], "clusters": a.clusters, "time": time.strftime("%H:%M")}
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

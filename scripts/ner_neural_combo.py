"""Dev-set combinations of the BiLSTM-CRF (khabar.ner.bilstm, numpy forward) with the feature CRF.

Usage: python scripts/ner_neural_combo.py NEURAL.npz CRF.crfsuite [--name NAME]
Both models must have been trained without the dev blocks (khabar.ner.train.split_dev). Scores on dev, each with
and without document-level propagation (blocks of 50 sentences, as khabar.ner.tagger.tag_sentences):
neural alone, CRF alone, span unions (either model first), and the average of the two models' per-token
marginals (weights 0.3-0.7) decoded by a BIO-constrained Viterbi. Appends one JSON line to /tmp/ner3/combo.jsonl.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from khabar.eval.ner import chunks, score
from khabar.ner import features as F
from khabar.ner.bilstm import BiLSTMCRF, marginals, viterbi
from khabar.ner.tagger import LinearCRF, propagate
from khabar.ner.train import load_corpus, split_dev
from khabar.paths import shared_data


def union(first: list[str], second: list[str]) -> list[str]:
    """``first``'s entities, plus ``second``'s where ``first`` left every token O."""
    out = list(first)
    for a, b, ty in sorted(chunks(second)):
        if all(t == "O" for t in out[a:b]):
            out[a:b] = ["B-" + ty] + ["I-" + ty] * (b - a - 1)
    return out


def bio_trans(tags: list[str]) -> np.ndarray:
    """0 / -inf transition matrix forbidding O→I-X and B-X/I-X→I-Y (Y ≠ X)."""
    T = len(tags)
    m = np.zeros((T, T))
    for i, a in enumerate(tags):
        for j, b in enumerate(tags):
            if b.startswith("I-") and (a == "O" or a[2:] != b[2:]):
                m[i, j] = -1e9
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("neural")
    ap.add_argument("crf")
    ap.add_argument("--dev-tail", type=int, default=0, metavar="N", help="dev = the last N train sentences (as scripts/ner_exp.py --dev-tail)")
    ap.add_argument("--name", default="combo")
    a = ap.parse_args()
    aner = load_corpus(shared_data(), "anercorp")
    _, dev = (aner[:-a.dev_tail], aner[-a.dev_tail:]) if a.dev_tail else split_dev(aner)
    toks = [t for t, _ in dev]
    gold = [g for _, g in dev]
    res = F.resources()
    nn = BiLSTMCRF(Path(a.neural))
    t0 = time.process_time()
    nsc = nn.scores(toks, res)
    t_nn = time.process_time() - t0
    p = nn.p
    tags = nn.tags
    crf = LinearCRF(a.crf)
    perm = [crf.labels.index(t) for t in tags]  # CRF columns in the neural tag order
    t0 = time.process_time()
    csc = []
    for s in toks:
        feats, vecs = F.sent_feature_parts(s, res)
        csc.append(crf.emissions(feats, vecs, res.vec_scale)[:, perm])
    t_crf = time.process_time() - t0
    ctr = crf.trans[np.ix_(perm, perm)]
    zero = np.zeros(len(tags))
    pred = {
        "neural": [[tags[k] for k in viterbi(s, p["trans"], p["start"], p["end"])] for s in nsc],
        "crf": [[tags[k] for k in viterbi(s, ctr, zero, zero)] for s in csc],
    }
    pred["union_crf_first"] = [union(c, n) for c, n in zip(pred["crf"], pred["neural"])]
    pred["union_neural_first"] = [union(n, c) for c, n in zip(pred["crf"], pred["neural"])]
    mn = [marginals(s, p["trans"], p["start"], p["end"]) for s in nsc]
    mc = [marginals(s, ctr, zero, zero) for s in csc]
    bt = bio_trans(tags)
    for w in (0.3, 0.4, 0.5, 0.6, 0.7):
        pred[f"avg_marg_w{w}"] = [[tags[k] for k in viterbi(np.log(w * x + (1 - w) * y + 1e-12), bt, zero, zero)]
                                  for x, y in zip(mn, mc)]
    out = {"name": a.name, "neural": a.neural, "crf": a.crf, "cpu_s_neural": round(t_nn, 2),
           "cpu_s_crf": round(t_crf, 2), "tokens": sum(map(len, toks)), "time": time.strftime("%H:%M")}
    for k, pr in pred.items():
        d = score(gold, pr)
        pp = []
        for i in range(0, len(toks), 50):
            pp += propagate(toks[i:i + 50], pr[i:i + 50])
        dp = score(gold, pp)
        out[k] = {"f1": d["micro_f1"], "f1_prop": dp["micro_f1"], "p_prop": dp["precision"],
                  "r_prop": dp["recall"], "per_prop": {t: v["f1"] for t, v in dp["per_type"].items()}}
        print(k, out[k], flush=True)
    with open("/tmp/ner3/combo.jsonl", "a") as f:
        f.write(json.dumps(out, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in out.items() if not isinstance(v, dict)}))


if __name__ == "__main__":
    main()

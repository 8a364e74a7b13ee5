"""Fine-class (subtype) experiment: train the FANE mention classifier on WikiFANE + 90 % of NewsFANE train
(blocks of 50 sentences) and score fine-class accuracy and the GPE-vs-LOC decision on the held-out NewsFANE
mentions (gold boundaries), against the gazetteer-only GPE rule.

Usage: python scripts/ner_subtype_exp.py [--model /tmp/ner/sub.crfsuite]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pycrfsuite

from khabar.ner.features import entity_features
from khabar.ner.tagger import _is_gpe_name
from khabar.ner.train import _join_fane_clitics, fane_classes, map_tags, read_conll, train_subtype
from khabar.eval.ner import chunks
from khabar.paths import shared_data


def mentions(sents):
    out = []
    for toks, tags in sents:
        for a, b, ty in sorted(chunks(tags)):
            out.append((toks[a:b], toks[max(0, a - 2):a], toks[b:b + 2], ty))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="/tmp/ner/sub.crfsuite")
    a = ap.parse_args()
    sh = shared_data()
    ident = {k: k for k in fane_classes()}
    news = [_join_fane_clitics(t, map_tags(g, ident)) for t, g in read_conll(sh / "ner/fane/NewsFANE_Gold.train.txt", "\t")]
    wiki = [_join_fane_clitics(t, map_tags(g, ident)) for t, g in read_conll(sh / "ner/fane/WikiFANE_Gold.txt", "\t")]
    tr = [s for i, s in enumerate(news) if (i // 50) % 10]
    dev = [s for i, s in enumerate(news) if not (i // 50) % 10]
    info = train_subtype(sh, Path(a.model), samples=mentions(tr + wiki))
    comp = {k: v[1] for k, v in fane_classes().items()}
    tg = pycrfsuite.Tagger()
    tg.open(a.model)
    ok = n = gpe_ok = gaz_ok = nloc = 0
    for w, l, r, ty in mentions(dev):
        tg.set(pycrfsuite.ItemSequence([entity_features(w, l, r)]))
        gold_c = comp.get(ty)
        allowed = {"LOC", "GPE"} if gold_c in ("LOC", "GPE") else {gold_c}
        best = max((c for c in tg.labels() if comp.get(c) in allowed), key=lambda c: tg.marginal(c, 0))
        n += 1
        ok += best == ty
        if gold_c in ("LOC", "GPE"):
            nloc += 1
            gpe_ok += (comp[best] == "GPE") == (gold_c == "GPE")
            gaz_ok += _is_gpe_name(w) == (gold_c == "GPE")
    print(json.dumps({"train": info, "dev_mentions": n, "fine_acc_given_coarse": round(100 * ok / n, 2),
                      "gpe_vs_loc_acc": round(100 * gpe_ok / nloc, 2), "gpe_vs_loc_acc_gazetteer": round(100 * gaz_ok / nloc, 2),
                      "loc_gpe_mentions": nloc}))


if __name__ == "__main__":
    main()

"""Evaluate the Arabic→Latin transliteration model (khabar.link.translit) and time it.

Usage: python scripts/eval_translit.py [--split test|dev] [--lexicon] [--model PATH] [--beam N]
       python scripts/eval_translit.py --ceiling [--split test|dev]
The first form prints a JSON dict: exact match / CER on the ANETAC PERSON subset, all ANETAC pairs and the
google ar2en split (test, or dev = ANETAC dev + google eval), each also restricted to Arabic words unseen in
training, plus milliseconds per word (the model load is timed separately).
``--ceiling`` runs no model: it prints how the split limits strict (single-reference) exact match — how many
pairs have an Arabic word seen in training with other English spellings only, and the resulting ceilings.
"""
from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path

from khabar.link import translit
from khabar.paths import shared_data


def strict_ceiling(shared: Path, split: str = "test") -> dict:
    """Upper bounds on strict exact match set by the ANETAC split (no model involved).

    Input: the shared data folder and ``"test"`` or ``"dev"``. Output, per subset (``all``, ``person``,
    ``person_unseen``): ``n``; ``seen_in_train`` (pairs whose Arabic word is in the training pairs);
    ``seen_same_english`` (… with this very English spelling in training, after folding);
    ``train_spelling_ceiling`` (% — best strict score of a system that answers a seen word with one of its
    training spellings); ``split_blind_ceiling`` (% — expected best strict score of a system that outputs one
    string per word, always one of the word's ANETAC spellings, without knowing which spellings the split put
    in train: a test pair of a word with k spellings in ANETAC counts 1/k); ``distinct_arabic_ceiling`` (% —
    at most one pair per distinct Arabic word can be right); and for the whole ANETAC data the number of lines
    and of distinct English strings (ANETAC lists every English name once).
    """
    P = translit.prep_ar, translit.prep_en
    sp = {s: [(P[0](a), P[1](e)) for a, e in translit._read_anetac(shared, s)] for s in ("train", "dev", "test")}
    train_pairs = [(P[0](a), P[1](e)) for a, e in translit._training_pairs(shared)]
    train_en: dict[str, set[str]] = collections.defaultdict(set)
    for a, e in train_pairs:
        train_en[a].add(e)
    spellings: dict[str, set[str]] = collections.defaultdict(set)
    raw_en = collections.Counter()
    for s in ("train", "dev", "test"):
        for a, e in translit._read_anetac(shared, s):
            raw_en[e] += 1
        for a, e in sp[s]:
            spellings[a].add(e)
    cls = translit.anetac_classes(shared)
    pp = [p for p in sp[split] if p[0] and p[1]]
    person = [p for p in pp if "PERSON" in cls.get(p, ())]
    out: dict = {"split": split, "anetac_lines": sum(raw_en.values()), "anetac_distinct_english": len(raw_en),
                 "test_english_in_anetac_train_folded": sum(1 for a, e in pp
                                                            if e in {x for _, x in sp["train"]})}
    for name, lst in (("all", pp), ("person", person),
                      ("person_unseen", [p for p in person if p[0] not in train_en])):
        n = len(lst)
        seen = [p for p in lst if p[0] in train_en]
        same = [p for p in seen if p[1] in train_en[p[0]]]
        out[name] = {"n": n, "seen_in_train": len(seen), "seen_same_english": len(same),
                     "train_spelling_ceiling": round(100 * (n - len(seen) + len(same)) / max(n, 1), 2),
                     "split_blind_ceiling": round(100 * sum(1 / len(spellings[a]) for a, _ in lst) / max(n, 1), 2),
                     "distinct_arabic_ceiling": round(100 * len({a for a, _ in lst}) / max(n, 1), 2)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "dev"])
    ap.add_argument("--lexicon", action="store_true", help="also use the whole-word lexicon of training pairs")
    ap.add_argument("--model", default=None)
    ap.add_argument("--beam", type=int, default=None, help="decoder beam (default: the one stored in the model)")
    ap.add_argument("--ceiling", action="store_true", help="print the split's strict-metric ceilings only")
    args = ap.parse_args()
    if args.ceiling:
        print(json.dumps(strict_ceiling(shared_data(), args.split), indent=1))
        return
    t0 = time.time()
    translit._load(args.model)
    load_s = time.time() - t0
    res = translit.evaluate(shared_data(), split=args.split, use_lexicon=args.lexicon, model=args.model,
                             beam=args.beam)
    res["load_s"] = round(load_s, 2)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

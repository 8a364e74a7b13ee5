"""Evaluate the Arabic→Latin transliteration model (khabar.link.translit) and time it.

Usage: python scripts/eval_translit.py [--split test|dev] [--lexicon] [--model PATH]
Prints a JSON dict: exact match / CER on the ANETAC PERSON test subset, all ANETAC test pairs and the google
ar2en test split, plus milliseconds per word (first call excluded: the model load is timed separately).
"""
from __future__ import annotations

import argparse
import json
import time

from khabar.link import translit
from khabar.paths import shared_data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "dev"])
    ap.add_argument("--lexicon", action="store_true", help="also use the whole-word lexicon of training pairs")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    t0 = time.time()
    translit._load(args.model)
    load_s = time.time() - t0
    res = translit.evaluate(shared_data(), split=args.split, use_lexicon=args.lexicon, model=args.model)
    res["load_s"] = round(load_s, 2)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

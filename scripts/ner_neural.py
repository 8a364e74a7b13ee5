"""Train the character + word BiLSTM-CRF NER (khabar.ner.bilstm) with PyTorch on the CPU and export it to npz.

Usage: python scripts/ner_neural.py NAME [--epochs 20] [--hidden 100] [--full] [--out FILE]
  dev mode (default): train on the ANERcorp CAMeL train split minus the dev blocks (khabar.ner.train.split_dev),
  score dev (micro-F1, with and without document-level propagation) after each epoch, keep the best epoch
  (early stopping on dev only); --full: train on the whole train split for --epochs epochs (the epoch count
  chosen on dev) and export. Log lines (JSON) go to /tmp/ner3/NAME.log.

torch is a training-only dependency (``pip install 'khabar[train-neural]'``); tagging uses numpy only.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--char-dim", type=int, default=25)
    ap.add_argument("--char-filters", type=int, default=50)
    ap.add_argument("--cl-dims", default="8,16,16,24")
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--tw-min", type=int, default=0, help="learned word embeddings for train words seen >= N times")
    ap.add_argument("--tw-dim", type=int, default=50)
    ap.add_argument("--word-drop", type=float, default=0.0, help="train-time rate of replacing a learned word id by 0")
    ap.add_argument("--mix", type=float, default=None, help="stored in the npz: weight of the neural model when "
                    "averaged with the CRF by khabar.ner.tagger.tag_block (1 = neural alone)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dev-tail", type=int, default=0, metavar="N", help="dev = the last N train sentences (as scripts/ner_exp.py --dev-tail)")
    ap.add_argument("--full", action="store_true", help="train on the whole train split (no dev), --epochs epochs")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    a.cl_dims = [int(x) for x in a.cl_dims.split(",")]
    from khabar.ner.bilstm_train import train
    from khabar.ner.train import load_corpus, split_dev
    from khabar.paths import shared_data

    aner = load_corpus(shared_data(), "anercorp")
    tr, dev = (aner, []) if a.full else ((aner[:-a.dev_tail], aner[-a.dev_tail:]) if a.dev_tail else split_dev(aner))
    os.makedirs("/tmp/ner3", exist_ok=True)
    out = Path(a.out or f"/tmp/ner3/{a.name}.npz")
    logf = open(f"/tmp/ner3/{a.name}.log", "a")

    def log(x):
        line = json.dumps(x, ensure_ascii=False)
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    log({"name": a.name, "args": {k: v for k, v in vars(a).items()}, "time": time.strftime("%H:%M")})
    r = train(tr, dev, a, out, log)
    log({"name": a.name, "best_dev": r["best_dev"], "best_epoch": r["best_epoch"], "seconds": r["seconds"],
         "bytes": out.stat().st_size})


if __name__ == "__main__":
    sys.exit(main())

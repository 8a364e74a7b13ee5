"""Seconds per pipeline stage on a synthetic long text (the example article repeated), in one process.

usage: python scripts/bench_stages.py [--mb 1.0] [--date 2025-03-02]

Runs each stage of ``khabar.pipeline.stages()`` once over one Document (no chunking, to see each stage's own
cost) after a warm-up on the plain example, so model loading is not counted. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from khabar import pipeline
from khabar.document import Document

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cairo-talks.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="size of the text in MB of UTF-8")
    ap.add_argument("--date", default="2025-03-02")
    args = ap.parse_args()
    one = EXAMPLE.read_text(encoding="utf-8") + "\n"
    pipeline.analyze(one, args.date)  # warm-up: load every artefact
    text = one * max(1, int(args.mb * 1_000_000 / len(one.encode("utf-8"))))
    doc = Document(text=text, pub_date=args.date)
    print(f"| stage | seconds for {len(text.encode('utf-8')) / 1e6:.2f} MB ({len(text):,} characters) |")
    print("|---|---|")
    total = 0.0
    for name, fn in pipeline.stages():
        t = time.perf_counter()
        fn(doc)
        dt = time.perf_counter() - t
        total += dt
        print(f"| {name} | {dt:.1f} |")
    print(f"| total | {total:.1f} |")


if __name__ == "__main__":
    main()

"""Link-quality sampling on raw news: list the fuzzy links, or the most frequent unlinked (NIL) mentions, of a random
sample of the staged corpus, for reading.

Usage:
  python scripts/sample_links.py fuzzy SEED [PER_OUTLET]   every ``link == "fuzzy"`` mention, counted by (text, English)
  python scripts/sample_links.py nil SEED [PER_OUTLET]     NIL mentions (transliterated or composed), most frequent first

Sample: PER_OUTLET random articles (default 40 for ``fuzzy``, 60 for ``nil``) from each ANT corpus outlet file and 10
articles from each of 10 random SaudiNewsNet days (``random.Random(SEED)``), analysed with their own dates. Needs
``../shared/data`` (or ``$KHABAR_SHARED_DATA``). Output: ``count (text, label, English)`` lines on stdout. Used in
docs/bench/linking.md (session 5) to find and check the fuzzy-matching and KB rules.
"""
from __future__ import annotations

import collections
import glob
import gzip
import json
import random
import sys

from khabar import pipe
from khabar.paths import shared_data


def sample(seed: int, per_outlet: int) -> list[tuple[str, str]]:
    """``[(text, YYYY-MM-DD)]`` of the random sample described in the module doc."""
    rnd = random.Random(seed)
    base = shared_data()
    arts: list[tuple[str, str]] = []
    for f in sorted(glob.glob(str(base / "corpus" / "antcorpus" / "*.jsonl.gz"))):
        rows = [json.loads(x) for x in gzip.open(f, "rt", encoding="utf-8")]
        arts += [(r["text"], (r.get("date_iso") or "")[:10]) for r in rnd.sample(rows, min(per_outlet, len(rows)))]
    days = sorted(glob.glob(str(base / "corpus" / "saudinewsnet" / "*.jsonl.gz")))
    for f in rnd.sample(days, min(10, len(days))):
        rows = [json.loads(x) for x in gzip.open(f, "rt", encoding="utf-8")]
        arts += [(r["content"], (r.get("date_extracted") or "")[:10]) for r in rnd.sample(rows, min(10, len(rows)))]
    return arts


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "fuzzy"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 13
    per = int(sys.argv[3]) if len(sys.argv) > 3 else (40 if mode == "fuzzy" else 60)
    arts = sample(seed, per)
    counts: collections.Counter = collections.Counter()
    for doc in pipe([a for a, _ in arts], pub_dates=[d or None for _, d in arts]):
        for e in doc.entities:
            if (mode == "fuzzy" and e.link == "fuzzy") or (
                    mode == "nil" and e.kb_id is None and e.link in ("translit", "composed")):
                counts[(e.text, e.label, e.english)] += 1
    for k, v in counts.most_common(100 if mode == "nil" else None):
        print(v, k)


if __name__ == "__main__":
    main()

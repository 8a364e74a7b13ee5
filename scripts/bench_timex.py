"""Benchmark of the temporal tagger (figures recorded in docs/bench/timex.md).

Usage: python scripts/bench_timex.py [--dateparser] [--speed-mb 5]

- khabar on the dev and held-out test sets (khabar.eval.timex.evaluate);
- with --dateparser: the baseline ``dateparser.search.search_dates(text, languages=["ar"],
  settings={"RELATIVE_BASE": pub_date})`` scored with the same overlap matching; its value is a datetime, so it is
  compared with gold values of the same shape only (full dates YYYY-MM-DD; a gold year/month counts as right when
  the datetime falls inside it);
- speed: wall time of find_timexes on the first N MB of the BBC antcorpus texts concatenated.
Needs ../shared/data (the staged corpus).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import time
from collections import defaultdict

from khabar.eval.timex import article_text, evaluate, load_gold
from khabar.paths import EVAL, shared_data
from khabar.time.tagger import find_timexes


def dateparser_baseline(path) -> dict:
    from dateparser.search import search_dates

    gold = load_gold(path)
    by_doc = defaultdict(list)
    for g in gold:
        by_doc[(g["file"], g["id"])].append(g)
    n_gold = n_pred = n_match = n_val = 0
    for (file, doc_id), gs in by_doc.items():
        text = article_text(file, doc_id)
        base = dt.datetime.fromisoformat(gs[0]["pub_date"])
        try:
            found = search_dates(text, languages=["ar"], settings={"RELATIVE_BASE": base}) or []
        except Exception:
            found = []
        spans, pos = [], 0
        for surf, d in found:
            i = text.find(surf, pos)
            if i < 0:
                i = text.find(surf)
            if i < 0:
                continue
            pos = i + len(surf)
            spans.append((i, i + len(surf), d))
        n_gold += len(gs)
        n_pred += len(spans)
        used = set()
        for g in gs:
            for k, (s, e, d) in enumerate(spans):
                if k in used or min(e, g["end"]) <= max(s, g["start"]):
                    continue
                used.add(k)
                n_match += 1
                v = str(g["value"])
                if len(v) == 10 and v[4] == "-":
                    n_val += d.date().isoformat() == v
                elif len(v) == 7 and v[4] == "-":
                    n_val += d.strftime("%Y-%m") == v
                elif len(v) == 4 and v.isdigit():
                    n_val += d.year == int(v)
                break
    p = n_match / n_pred if n_pred else 0
    r = n_match / n_gold if n_gold else 0
    f = 2 * p * r / (p + r) if p + r else 0
    return {"span_f1": round(100 * f, 2), "precision": round(100 * p, 2), "recall": round(100 * r, 2),
            "value_accuracy": round(100 * n_val / n_match, 2) if n_match else 0.0, "n_gold": n_gold,
            "n_pred": n_pred}


def speed(mb: float) -> dict:
    path = shared_data() / "corpus" / "antcorpus" / "bbc.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = "\n".join(json.loads(line)["text"] for line in f)
    text = text[: int(mb * 1_000_000)]
    find_timexes("اليوم", "2018-06-01")  # load lexicon and compile once
    t = time.perf_counter()
    out = find_timexes(text, "2018-06-01")
    return {"chars": len(text), "seconds": round(time.perf_counter() - t, 2), "timexes": len(out)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dateparser", action="store_true")
    ap.add_argument("--speed-mb", type=float, default=5.0)
    a = ap.parse_args()
    res = {}
    for name in ("timex-dev.jsonl", "timex-test.jsonl"):
        r = evaluate(EVAL / name)
        r.pop("per_type", None)
        res[f"khabar {name}"] = r
        if a.dateparser:
            res[f"dateparser {name}"] = dateparser_baseline(EVAL / name)
    if a.speed_mb:
        res["speed"] = speed(a.speed_mb)
    print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Evaluation of the temporal tagger on our hand-annotated dev set (``data/eval/timex-dev.jsonl``).

Gold format (JSON Lines, one temporal expression per line; annotated by reading the articles, see
docs/bench/timex.md for the guidelines): ``{file, id, pub_date, start, end, text, type, value, approximate}``.
``file`` is relative to the staged corpus folder (``<shared>/data/corpus``, e.g. ``antcorpus/bnn.jsonl.gz``), ``id``
the article's ``id`` there, offsets are character offsets into the article's ``text`` field. Every timex of each
listed article is annotated, so precision is meaningful.

Scores (0–100), computed over all listed articles with the tagger run on each article's text and ``pub_date``:

- ``span_f1`` / ``precision`` / ``recall``: a predicted and a gold timex match when their spans overlap
  (one-to-one, greedy by overlap size); ``strict_span_f1`` requires identical offsets;
- ``value_accuracy``: correct TIMEX3 values (exact string) among the gold timexes whose span was matched;
- ``type_accuracy`` likewise for the TIMEX3 type; ``end_to_end_value_f1``: a match counts only with the right value.
"""
from __future__ import annotations

import gzip
import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from khabar.paths import EVAL, shared_data
from khabar.time.tagger import find_timexes

DEFAULT_PATH = EVAL / "timex-dev.jsonl"


@lru_cache(maxsize=8)
def _corpus(path: str) -> dict[str, dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {r["id"]: r for r in map(json.loads, f)}


def load_gold(path: Path | None = None) -> list[dict[str, Any]]:
    """Gold records of ``path`` (default ``data/eval/timex-dev.jsonl``)."""
    p = Path(path) if path else DEFAULT_PATH
    with open(p, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def article_text(file: str, doc_id: str) -> str:
    """The ``text`` of article ``doc_id`` of corpus ``file`` (relative to ``<shared>/data/corpus``).

    Raises FileNotFoundError when the staged data is absent, KeyError when the id is unknown.
    """
    base = shared_data() / "corpus"
    return _corpus(str(base / file))[doc_id]["text"]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(path: Path | None = None, details: bool = False) -> dict[str, Any]:
    """Score the tagger on the gold file (see module doc). Returns a dict of scores in 0–100 and counts.

    ``details=True`` adds ``errors``: a list of misses, spurious and wrong-value records (for development).
    Raises FileNotFoundError when the gold file or the staged corpus is absent.
    """
    gold = load_gold(path)
    by_doc: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        by_doc[(g["file"], g["id"])].append(g)
    n_gold = n_pred = n_match = n_strict = n_val = n_type = n_approx = 0
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # gold, matched, value ok
    errors: list[dict[str, Any]] = []
    for (file, doc_id), gs in sorted(by_doc.items()):
        text = article_text(file, doc_id)
        pred = find_timexes(text, gs[0].get("pub_date"))
        n_gold += len(gs)
        n_pred += len(pred)
        pairs = []
        for gi, g in enumerate(gs):
            for pi, p in enumerate(pred):
                ov = min(g["end"], p.end) - max(g["start"], p.start)
                if ov > 0:
                    pairs.append((ov, gi, pi))
        pairs.sort(reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for ov, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            g, p = gs[gi], pred[pi]
            n_match += 1
            per_type[g["type"]][1] += 1
            n_strict += (g["start"], g["end"]) == (p.start, p.end)
            n_type += g["type"] == p.type
            n_approx += bool(g.get("approximate")) == bool(p.approximate)
            if str(g["value"]) == str(p.value):
                n_val += 1
                per_type[g["type"]][2] += 1
            elif details:
                errors.append({"kind": "value", "id": doc_id, "text": g["text"], "gold": g["value"],
                               "pred": p.value, "pred_text": p.text, "pub_date": g["pub_date"]})
        for gi, g in enumerate(gs):
            per_type[g["type"]][0] += 1
            if details and gi not in used_g:
                errors.append({"kind": "miss", "id": doc_id, "text": g["text"], "gold": g["value"]})
        if details:
            for pi, p in enumerate(pred):
                if pi not in used_p:
                    errors.append({"kind": "spurious", "id": doc_id, "text": p.text, "pred": p.value,
                                   "context": text[max(0, p.start - 30):p.end + 30]})
    prec = n_match / n_pred if n_pred else 0.0
    rec = n_match / n_gold if n_gold else 0.0
    sp = n_strict / n_pred if n_pred else 0.0
    sr = n_strict / n_gold if n_gold else 0.0
    vp = n_val / n_pred if n_pred else 0.0
    vr = n_val / n_gold if n_gold else 0.0
    out: dict[str, Any] = {
        "span_f1": round(100 * _f1(prec, rec), 2),
        "value_accuracy": round(100 * n_val / n_match, 2) if n_match else 0.0,
        "precision": round(100 * prec, 2),
        "recall": round(100 * rec, 2),
        "strict_span_f1": round(100 * _f1(sp, sr), 2),
        "type_accuracy": round(100 * n_type / n_match, 2) if n_match else 0.0,
        "approximate_accuracy": round(100 * n_approx / n_match, 2) if n_match else 0.0,
        "end_to_end_value_f1": round(100 * _f1(vp, vr), 2),
        "n_gold": n_gold,
        "n_pred": n_pred,
        "n_matched": n_match,
        "n_articles": len(by_doc),
        "per_type": {t: {"n_gold": v[0], "recall": round(100 * v[1] / v[0], 2) if v[0] else 0.0,
                         "value_accuracy": round(100 * v[2] / v[1], 2) if v[1] else 0.0}
                     for t, v in sorted(per_type.items())},
    }
    if details:
        out["errors"] = errors
    return out

"""Benchmarks of the event coder.

Usage:
  python scripts/bench_events.py [MB]     throughput on a large synthetic article (default 5 MB): coder stage alone.
  python scripts/bench_events.py gate-cv  sentence-gate feature sets compared by grouped 5-fold cross-validation on
                                          the public GSR (needs ../shared/data and scikit-learn; ~5 min on 2 cores; C = 1).
Figures go into docs/bench/events.md. The paragraph is written for this benchmark (no corpus text).

gate-cv: every GSR row is analysed once by the full pipeline with the gate off; a row is predicted positive when it
has an event mention of the type (modality asserted/future/requested) and the classifier's out-of-fold probability
reaches the threshold; the F1-best threshold (step 0.05) is printed per feature set. Feature sets: ``w`` = stem
unigrams+bigrams (the shipped gate, :func:`khabar.events.gate.sentence_features`), ``c`` = character 2–5-grams
within words of the normalised text, ``e`` = the coder's outputs (event types × modality, source/target/country/
place presence of the type's events), ``t`` = trigger features (count, form, pos, definiteness, modality, position,
neighbouring words, other types), ``g`` = ``t`` + ``e``; each block sublinear TF-IDF, L2-normalised.

  python scripts/bench_events.py ceiling  how far the GSR detection bars are from the annotators' own agreement, and
                                          the learning curve of the shipped gate (~4 min on 2 cores).

ceiling, part 1 (no pipeline): the GSR CSVs give, per row, how many annotators accepted (``accept``) out of
``total``; the label is ``yes`` only when all accepted. A "human system" that answers like one annotator drawn at
random says yes on a row with probability accept/total; its expected precision/recall/F1 against the gold, with the
evaluation's protocol (yes positive, easy/difficult no negative, ambiguous skipped), is printed per type. The gold
contains that annotator's own vote, so this favours the human (its recall is 1 by construction): it is an upper
bound on what one annotator of the pool scores; the same against a majority-vote gold (every row with two or more
annotators, positive when more than half accepted) is printed too. Part 2: grouped 5-fold CV of the shipped gate (features and C of the
artefact, decision = trigger found AND probability >= threshold) with the training folds cut to 25/50/75/100 % of
their documents (3 random draws each); F1 at the artefact's GSR threshold and at the best threshold of the run.
"""
from __future__ import annotations

import sys
import time

from khabar.document import Document
from khabar.events.coder import code_events
from khabar.text.segment import segment

PARA = ("شنت الطائرات غارات على مواقع المسلحين شمال المدينة يوم الاثنين، وقالت الشرطة إنها اعتقلت عشرة أشخاص. "
        "والتقى وزير الخارجية مع نظيره في العاصمة لبحث الأزمة، ودعا الطرفان إلى وقف إطلاق النار.\n")
_POS = {"asserted", "future", "requested"}
CONFIGS = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else ("g", "w", "c", "w+g", "w+c+g", "w+t", "w+e")


def speed(mb: float) -> None:
    """Coder throughput on ``mb`` MB of the synthetic paragraph."""
    text = PARA * int(mb * 1_000_000 / len(PARA))
    t0 = time.perf_counter()
    doc = segment(Document(text=text))
    t1 = time.perf_counter()
    code_events(doc)
    t2 = time.perf_counter()
    print(f"chars={len(text)} sentences={len(doc.sentences)} segment={t1 - t0:.1f}s events={t2 - t1:.1f}s "
          f"({len(text) / max(t2 - t1, 1e-9):,.0f} chars/s) n_events={len(doc.events)} warnings={doc.warnings}")


def _coder_feats(doc, typ: str, trig_feats: list[str]) -> list[str]:
    f = list(trig_feats)
    for e in doc.events:
        f.append(f"ev:{e.type}:{e.modality}")
        if e.type == typ:
            f += [f"src:{e.source is not None}", f"tgt:{e.target is not None}"]
            f += ["srcc"] * bool(e.source and e.source.country) + ["tgtc"] * bool(e.target and e.target.country)
            f += ["loc"] * bool(e.location)
    return f


def gate_cv(shared: str = "../shared/data") -> None:
    """Grouped 5-fold CV of the gate feature sets (see module doc)."""
    import csv
    from pathlib import Path

    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from khabar.events import coder, gate
    from khabar.events.coder import sentence_triggers
    from khabar.pipeline import pipe
    from khabar.text.normalize import normalize

    base = Path(shared) / "events" / "arabic_event_gsr"
    for typ, fname in (("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv")):
        with open(base / fname, encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["label"].strip() in ("yes", "easy no", "difficult no")]
        coder.GATE_ENABLED = False
        docs = list(pipe([r["text"] for r in rows]))
        coder.GATE_ENABLED = True
        y = np.array([r["label"].strip() == "yes" for r in rows])
        trig = np.array([any(e.type == typ and e.modality in _POS for e in d.events) for d in docs])
        groups = [gate.doc_group(r["id"]) for r in rows]
        src = {"w": [gate.sentence_features(d.tokens) for d in docs],
               "c": [normalize(r["text"]) for r in rows],
               "t": [_trigger_feats(d, typ, sentence_triggers) for d in docs],
               "e": [_coder_feats(d, typ, []) for d in docs]}
        src["g"] = [a + b for a, b in zip(src["t"], src["e"])]
        for cfg in CONFIGS:
            for C in (1.0,):
                probs = np.zeros(len(rows))
                for tr, te in GroupKFold(5).split(rows, y, groups):
                    mtr, mte = [], []
                    for b in cfg.split("+"):
                        v = (TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True)
                             if b == "c" else TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True))
                        mtr.append(v.fit_transform([src[b][i] for i in tr]))
                        mte.append(v.transform([src[b][i] for i in te]))
                    clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
                    clf.fit(hstack(mtr).tocsr(), y[tr])
                    probs[te] = clf.predict_proba(hstack(mte).tocsr())[:, 1]
                best = (0.0, 0.0, 0.0, 0.0)
                for th in np.arange(0.05, 0.96, 0.05):
                    p = (probs >= th) & trig
                    tp, fp, fn = int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum())
                    f = 2 * tp / (2 * tp + fp + fn)
                    if f > best[0]:
                        best = (f, th, tp / max(1, tp + fp), tp / max(1, tp + fn))
                print(f"{typ} {cfg:6s} C={C:<4} F1 {best[0]:.3f} (threshold {best[1]:.2f}, P {best[2]:.3f}, "
                      f"R {best[3]:.3f})", flush=True)


def _trigger_feats(doc, typ: str, sentence_triggers) -> list[str]:
    f: list[str] = []
    for s in doc.sentences:
        toks = doc.tokens[s.tok_start:s.tok_end]
        trigs = sentence_triggers(toks)
        mine = [t for t in trigs if t.entry.type == typ]
        f.append(f"n:{min(len(mine), 3)}")
        for t in mine:
            f += ["t:" + "_".join(t.entry.words), "tp:" + t.entry.pos + ("_def" if t.definite else ""),
                  "tm:" + t.modality, "tpos:%d" % min(4, int(5 * t.a / max(1, len(toks)))),
                  "tprev:" + (toks[t.a - 1].norm if t.a > 0 else "^"),
                  "tnext:" + (toks[t.b].norm if t.b < len(toks) else "$")]
        f += ["o:" + t.entry.type for t in trigs if t.entry.type != typ]
    return f


def annotator_ceiling(shared: str = "../shared/data", gold: str = "label") -> dict[str, dict[str, float]]:
    """Expected P/R/F1 of one annotator drawn at random, per type, against the GSR gold (see module doc, part 1).

    Input: the shared data folder; ``gold`` = ``"label"`` (the evaluation's protocol: yes positive, easy/difficult
    no negative, ambiguous skipped) or ``"majority"`` (every row with ≥ 2 annotators, positive when more than half
    accepted). Output: ``{TYPE: {"p", "r", "f1", "positives"}}`` (0–1). Raises FileNotFoundError without the GSR
    CSVs."""
    import csv
    from pathlib import Path

    base = Path(shared) / "events" / "arabic_event_gsr"
    out = {}
    for typ, fname in (("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv")):
        tp = fp = fn = 0.0
        pos = 0
        with open(base / fname, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                lab = r["label"].strip()
                total, accept = int(r["total"] or 0), int(r["accept"] or 0)
                if gold == "majority":
                    if total < 2:
                        continue
                    lab = "yes" if 2 * accept > total else "no"
                elif lab not in ("yes", "easy no", "difficult no") or not total:
                    continue
                p_yes = accept / total
                if lab == "yes":
                    pos += 1
                    tp += p_yes
                    fn += 1 - p_yes
                else:
                    fp += p_yes
        p, rec = tp / (tp + fp), tp / (tp + fn)
        out[typ] = {"p": round(p, 3), "r": round(rec, 3), "f1": round(2 * p * rec / (p + rec), 3), "positives": pos}
    return out


def ceiling(shared: str = "../shared/data") -> None:
    """Print the annotator ceiling and the gate's learning curve (see module doc)."""
    import csv
    import random
    from pathlib import Path

    from sklearn.model_selection import GroupKFold

    from khabar.events import coder, gate
    from khabar.pipeline import pipe

    for g in ("label", "majority"):
        for typ, r in annotator_ceiling(shared, g).items():
            print(f"{typ} one annotator vs {g} gold: P {r['p']:.3f} R {r['r']:.3f} F1 {r['f1']:.3f} "
                  f"({r['positives']} positives)", flush=True)
    model = gate.load_gate()
    base = Path(shared) / "events" / "arabic_event_gsr"
    for typ, fname in (("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv")):
        with open(base / fname, encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["label"].strip() in ("yes", "easy no", "difficult no")]
        m = model[typ]
        C = (model.get("_meta") or {}).get("C", 1.0)
        coder.GATE_ENABLED = False
        docs = list(pipe([r["text"] for r in rows]))
        coder.GATE_ENABLED = True
        y = [int(r["label"].strip() == "yes") for r in rows]
        feats = [gate.model_features(m, d.tokens, typ) for d in docs]
        cands = []
        for d in docs:
            sents = sorted({next(k for k, s in enumerate(d.sentences) if s.start <= mm.start < s.end)
                            for e in d.events if e.type == typ and e.modality in _POS for mm in e.mentions})
            cands.append([gate.model_features(m, d.tokens[d.sentences[k].tok_start:d.sentences[k].tok_end], typ)
                          for k in sents])
        groups = [gate.doc_group(r["id"]) for r in rows]
        th_ship = gate.threshold(m, "gsr")
        for frac in (0.25, 0.5, 0.75, 1.0):
            f_ship, f_best = [], []
            for seed in ((0,) if frac == 1.0 else (1, 2, 3)):
                probs: list[list[float]] = [[] for _ in rows]
                for tr, te in GroupKFold(5).split(feats, y, groups):
                    docs_tr = sorted({groups[i] for i in tr})
                    keep_docs = set(random.Random(seed).sample(docs_tr, max(1, round(frac * len(docs_tr)))))
                    tr = [i for i in tr if groups[i] in keep_docs]
                    fm = gate.fit([feats[i] for i in tr], [y[i] for i in tr], C)
                    for i in te:
                        probs[i] = [gate.prob(fm, f) for f in cands[i]]

                def f1(th: float) -> float:
                    tp = sum(1 for ps, g in zip(probs, y) if g and any(p >= th for p in ps))
                    fp = sum(1 for ps, g in zip(probs, y) if not g and any(p >= th for p in ps))
                    return 2 * tp / max(1, 2 * tp + fp + (sum(y) - tp))
                f_ship.append(f1(th_ship))
                f_best.append(max(f1(t / 20) for t in range(1, 20)))
            n_pos = round(frac * sum(y) * 0.8)
            print(f"{typ} training share {frac:.2f} (~{n_pos} positives per fold): F1 at threshold {th_ship:.2f} "
                  f"{sum(f_ship) / len(f_ship):.3f}, at the best threshold {sum(f_best) / len(f_best):.3f} "
                  f"(mean of {len(f_ship)} draws)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "ceiling":
        ceiling(*sys.argv[2:3])
    elif len(sys.argv) > 1 and sys.argv[1] == "gate-cv":
        gate_cv(*sys.argv[2:3])
    else:
        speed(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)

"""Evaluation of the event coder (``khabar eval events``).

Two evaluation sets:

1. **Arabic event GSR** (``shared/data/events/arabic_event_gsr``, openeventdata, MIT; 70 % public part):
   - *Sentence detection* (``assault_gsr.csv``, ``protest_gsr.csv``): each sentence is analysed alone by the full
     pipeline (no publication date); it is predicted positive for a type when the coder emits an event of that type
     in a modality other than negated/conditional. Gold: label ``yes`` → positive, ``easy no`` and ``difficult no``
     → negative, ``ambiguous`` → skipped. Precision/recall/F1 per type.
   - *Actor country* (``*_spans.json``): three annotators give ``source_role.main`` / ``target_role.main``
     (a country/CAMEO code or ``None``). Gold per slot = the value given by at least two annotators (slots without
     a majority, or ``UNKNOWN``, are skipped). Prediction = the ``country`` (else the first three letters of the
     ``actor_code``) of the source/target of the first event of the record's type. ``actor_accuracy`` = share of
     slots whose gold is a code that the prediction equals (slots whose gold majority is "no country" are reported
     separately as ``actor_accuracy_incl_none``, where predicting no country is correct). The coder's trained slot
     selector (:mod:`khabar.events.selector`) is fitted on these records, so these figures are in-sample for it;
     ``actor_accuracy_cv`` / ``actor_accuracy_incl_none_cv`` are the held-out ones (grouped 5-fold CV by document,
     selector refitted per fold, full pipeline).
   - Split: the lexicon was tuned only on sentences with ``int(sha256("khabar-events:" + id)[:8], 16) % 2 == 0``
     ("tune"); figures are given for the other half ("report", never looked at while tuning) and for all.
   - The sentence gate (:mod:`khabar.events.gate`) is trained on every public row, so the "all"/"report" detection
     figures include trained-on rows. The held-out estimate is ``assault_f1_cv`` / ``protest_f1_cv``: grouped
     5-fold cross-validation (folds by the document part of the id), each row decided by a gate trained without
     its article, at the gate's GSR threshold (``threshold_gsr``; the coder's default "news" threshold is lower,
     its GSR figure is ``gsr.<TYPE>.news_profile``).
2. **events-dev** (``khabar/data/eval/events-dev.jsonl``, ours): sentences of the ANT corpus annotated by reading,
   each with the gold PLOVER types (``types``: list, possibly empty) and source/target countries. The article is
   analysed in full (with its date); a sentence's predicted types are the types of the events with a mention in it
   (modality not negated/conditional). Per-type precision/recall/F1 over sentences, and source/target country
   accuracy over the annotated events whose type was found.

Output of :func:`evaluate` (JSON-ready): ``{"assault_f1", "protest_f1", "assault_f1_cv", "protest_f1_cv" (0–1),
"actor_accuracy", "actor_accuracy_incl_none", "actor_accuracy_cv", "actor_accuracy_incl_none_cv" (0–100),
"per_type": {TYPE: {"p", "r", "f1", "tp", "fp", "fn"}}, "gsr": {...}, "events_dev": {...}, "n": {...}}``.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from khabar.paths import EVAL

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
_POS_MODALITY = {"asserted", "future", "requested"}
_SYMMETRIC = {"CONSULT", "COOPERATE", "AGREE"}


def split_of(sid: str) -> str:
    """``"tune"`` or ``"report"`` for a GSR sentence id (sha256 of ``"khabar-events:" + id``, first 8 hex, mod 2)."""
    h = int(hashlib.sha256(("khabar-events:" + sid).encode("utf-8")).hexdigest()[:8], 16)
    return "tune" if h % 2 == 0 else "report"


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall, F1 (0–1) and the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _analyze(texts: Iterable[str], dates: Iterable[str | None] | None = None):
    from khabar.pipeline import pipe
    return pipe(texts, dates)


def _pred_types(doc) -> set[str]:
    return {e.type for e in doc.events if e.modality in _POS_MODALITY}


def _sentence_of(doc, start: int) -> int:
    """Index of the sentence of ``doc`` holding character ``start``."""
    for i, s in enumerate(doc.sentences):
        if s.start <= start < s.end:
            return i
    return len(doc.sentences) - 1


def _gsr_rows(base: Path, fname: str, limit: int | None):
    rows = []
    with open(base / fname, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            lab = (r.get("label") or "").strip()
            if lab == "ambiguous" or lab not in ("yes", "easy no", "difficult no"):
                continue
            rows.append((r["id"], r["text"], lab == "yes", lab))
    return rows[:limit] if limit else rows


def _scan(cands: list[list[float]], gold: list[bool], ths) -> dict[str, Any]:
    """F1 per threshold of the decision "some candidate sentence has probability ≥ threshold"."""
    out = {}
    for th in ths:
        c = Counter()
        for ps, g in zip(cands, gold):
            pred = any(p >= th for p in ps)
            c["tp" if pred and g else "fp" if pred else "fn" if g else "tn"] += 1
        out[f"{th:.2f}"] = prf(c["tp"], c["fp"], c["fn"])
    return out


def gsr_detection(base: Path, limit: int | None = None, cv: bool = True) -> dict[str, Any]:
    """Sentence-level detection of ASSAULT and PROTEST on the GSR CSVs.

    Each row is analysed once with the gate off; a row is predicted positive for a type when some sentence of it
    has an event mention of the type (modality asserted/future/requested) and the gate keeps that sentence (the
    same decision the coder takes with the gate on). Output per type: ``all`` / ``tune`` / ``report`` (shipped
    gate, trained on every public row: includes trained-on rows), ``no_gate`` (lexicon + rules only) and, when
    ``cv`` and scikit-learn is available, ``cv`` (grouped 5-fold cross-validation of the gate by document:
    each row is decided by a gate trained without its article, at the shipped threshold) with ``cv_scan``
    (cross-validated F1 per threshold).
    """
    from khabar.events import coder, gate

    model = gate.load_gate()
    out: dict[str, Any] = {}
    for typ, fname in (("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv")):
        rows = _gsr_rows(base, fname, limit)
        coder.GATE_ENABLED = False
        try:
            docs = list(_analyze([r[1] for r in rows]))
        finally:
            coder.GATE_ENABLED = True
        m = model.get(typ)
        if m and "v" not in m:
            m = None
        cand_feats: list[list[list[str]]] = []  # per row: features of each sentence with a mention of the type
        row_feats: list[list[str]] = []
        for doc in docs:
            sents = sorted({_sentence_of(doc, mm.start) for e in doc.events
                            if e.type == typ and e.modality in _POS_MODALITY for mm in e.mentions})
            cand_feats.append([gate.model_features(m, doc.tokens[doc.sentences[i].tok_start:doc.sentences[i].tok_end],
                                                   typ) for i in sents])
            row_feats.append(gate.model_features(m, doc.tokens, typ))
        gold = [r[2] for r in rows]
        th = gate.threshold(m, "gsr") if m else 0.0
        th_news = gate.threshold(m, "news") if m else 0.0
        shipped = [[gate.prob(m, f) if m else 1.0 for f in fs] for fs in cand_feats]
        counts = {s: Counter() for s in ("all", "tune", "report", "no_gate", "news_profile")}
        for (sid, _text, g, _lab), ps in zip(rows, shipped):
            pred = any(p >= th for p in ps)
            pn = any(p >= th_news for p in ps)
            counts["news_profile"][("tp" if g else "fp") if pn else ("fn" if g else "tn")] += 1
            key = ("tp" if g else "fp") if pred else ("fn" if g else "tn")
            for s in ("all", split_of(sid)):
                counts[s][key] += 1
            counts["no_gate"][("tp" if g else "fp") if ps else ("fn" if g else "tn")] += 1
        out[typ] = {s: {**prf(c["tp"], c["fp"], c["fn"]), "n": sum(c.values())} for s, c in counts.items()}
        out[typ]["threshold"] = th
        out[typ]["threshold_news"] = th_news
        if cv and len(rows) >= 50:
            try:
                import sklearn  # noqa: F401
            except ImportError:
                continue
            from sklearn.model_selection import GroupKFold
            probs: list[list[float]] = [[] for _ in rows]
            groups = [gate.doc_group(r[0]) for r in rows]
            C = (model.get("_meta") or {}).get("C", 1.0)
            for tr, te in GroupKFold(5).split(row_feats, gold, groups):
                fm = gate.fit([row_feats[i] for i in tr], [int(gold[i]) for i in tr], C)
                for i in te:
                    probs[i] = [gate.prob(fm, f) for f in cand_feats[i]]
            out[typ]["cv"] = {**_scan(probs, gold, [th])[f"{th:.2f}"], "n": len(rows), "threshold": th,
                              "folds": "5, grouped by document (gate.doc_group)"}
            out[typ]["cv_scan"] = _scan(probs, gold, [i / 20 for i in range(1, 20)])
    return out


def _majority(vals: list[str]) -> str | None:
    if not vals:
        return None
    v, n = Counter(vals).most_common(1)[0]
    return v if n >= 2 else None


def _role_main(r: Any) -> str | None:
    if not isinstance(r, dict) or "main" not in r:
        return None
    m = r.get("main")
    return "NONE" if m in (None, "None", "") else str(m)


def _actor_country(a) -> str:
    """Country of a predicted actor for the evaluation: ``country``, else the first three letters of a CAMEO
    ``actor_code`` that is a country-level code (ISO3, or IGO / IMG as in the GSR annotation: NATO → "IGO"), else
    ``"NONE"`` (bare agent codes such as MIL, COP, CVL carry no country)."""
    if a is None:
        return "NONE"
    if a.country:
        return a.country
    if a.actor_code and len(a.actor_code) >= 3 and a.actor_code[:3].isupper():
        code = a.actor_code[:3]
        if code not in ("MIL", "COP", "GOV", "CVL", "OPP", "REB", "REF", "BUS", "MED", "JUD", "LEG", "SPY", "EDU",
                        "HLH", "LAB", "AGR", "CRM", "ELI", "UAF", "RAD", "NGO"):
            return code
    return "NONE"


def spans_rows(base: Path | str) -> list[tuple[dict, dict[str, str]]]:
    """``[(record, {role: majority main code or "NONE"})]`` of the GSR spans files ``assault_spans.json`` and
    ``protest_spans.json`` in ``base`` (records without any majority slot dropped). Raises FileNotFoundError when a
    file is missing. Shared by :func:`gsr_actors` and :func:`khabar.events.selector.spans_records`."""
    out = []
    for fname in ("assault_spans.json", "protest_spans.json"):
        data = json.loads((Path(base) / fname).read_text(encoding="utf-8"))
        for r in data:
            slots = {}
            for role in ("source_role", "target_role"):
                g = _majority([m for m in (_role_main(s.get(role)) for s in r.get("spans", [])) if m])
                if g is not None:
                    slots[role] = g
            if slots:
                out.append((r, slots))
    return out


def gsr_actors(base: Path, limit: int | None = None, cv: bool = True) -> dict[str, Any]:
    """Source/target actor-country accuracy on the GSR spans files (see module doc). With ``cv``, ``"cv"`` holds the
    held-out figures of the trained slot selector (grouped 5-fold CV; the shipped selector was fitted on every
    spans record, so the ``all`` figures are in-sample for it)."""
    recs = [(r.get("_id") or r.get("source"), r["text"], r.get("event_type"), slots)
            for r, slots in spans_rows(base)]
    if limit:
        recs = recs[:limit]
    c = {s: Counter() for s in ("all", "tune", "report")}
    from khabar.events import coder
    coder.GATE_ENABLED = False  # every spans record is an event sentence: measure attribution, not detection
    try:
        docs = list(_analyze([r[1] for r in recs]))
    finally:
        coder.GATE_ENABLED = True
    errors = []
    for (rid, text, typ, slots), doc in zip(recs, docs):
        evs = [e for e in doc.events if e.type == typ] or []
        ev = evs[0] if evs else None
        for role, gold in slots.items():
            pred = _actor_country(None if ev is None else (ev.source if role == "source_role" else ev.target))
            ok = pred == gold
            if not ok and split_of(str(rid)) == "tune":
                errors.append((role, gold, pred, text[:150]))
            for s in ("all", split_of(str(rid))):
                c[s]["n_all"] += 1
                c[s]["ok_all"] += ok
                if gold != "NONE":
                    c[s]["n"] += 1
                    c[s]["ok"] += ok
                    c[s]["pred_country"] += pred != "NONE"
    res = {}
    for s, k in c.items():
        res[s] = {"actor_accuracy": round(100 * k["ok"] / k["n"], 2) if k["n"] else 0.0,
                  "actor_accuracy_incl_none": round(100 * k["ok_all"] / k["n_all"], 2) if k["n_all"] else 0.0,
                  "slots_with_country": k["n"], "slots_all": k["n_all"]}
    res["_tune_errors"] = errors
    if cv:
        res["cv"] = _actors_cv(base, limit)
    return res


def _score_slots(slots_docs) -> dict[str, Any]:
    c = Counter()
    for (typ, slots), doc in slots_docs:
        ev = next((e for e in doc.events if e.type == typ), None)
        for role, gold in slots.items():
            pred = _actor_country(None if ev is None else (ev.source if role == "source_role" else ev.target))
            c["n_all"] += 1
            c["ok_all"] += pred == gold
            if gold != "NONE":
                c["n"] += 1
                c["ok"] += pred == gold
    return {"actor_accuracy": round(100 * c["ok"] / c["n"], 2) if c["n"] else 0.0,
            "actor_accuracy_incl_none": round(100 * c["ok_all"] / c["n_all"], 2) if c["n_all"] else 0.0,
            "slots_with_country": c["n"], "slots_all": c["n_all"]}


def _actors_cv(base: Path, limit: int | None = None) -> dict[str, Any]:
    """Held-out actor-country figures of the trained slot selector (:mod:`khabar.events.selector`): grouped 5-fold
    cross-validation by document (:func:`khabar.events.gate.doc_group`); each record is analysed with a selector
    fitted without its article (shipped C and threshold). Empty dict without scikit-learn or a shipped selector."""
    from khabar.events import coder, selector
    from khabar.events.gate import doc_group

    shipped = selector.load()
    try:
        from sklearn.model_selection import GroupKFold
    except ImportError:
        return {}
    if not shipped:
        return {}
    recs = selector.spans_records(base)
    if limit:
        recs = recs[:limit]
    if len(recs) < 20:
        return {}
    exs = selector.examples(recs, selector.capture([r[1] for r in recs]))
    groups = [g for g, _ in exs]
    C = (shipped.get("_meta") or {}).get("C", selector.C_DEFAULT)
    scored = []
    coder.GATE_ENABLED = False
    try:
        for tr, te in GroupKFold(5).split(recs, groups=groups):
            m = selector.fit([f for i in tr for f, _y in exs[i][1]], [y for i in tr for _f, y in exs[i][1]], C)
            m["threshold"] = shipped["threshold"]
            m["types"] = shipped.get("types", [])
            selector.OVERRIDE = m
            docs = list(_analyze([recs[i][1] for i in te]))
            scored += [((recs[i][2], recs[i][3]), d) for i, d in zip(te, docs)]
    finally:
        selector.OVERRIDE = None
        coder.GATE_ENABLED = True
    return {**_score_slots(scored), "folds": "5, grouped by document (gate.doc_group); selector refitted per fold"}


def _corpus_articles(base: Path, wanted: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, Any]]:
    arts = {}
    for fname, ids in wanted.items():
        p = base / "corpus" / "antcorpus" / fname
        if not p.is_file():
            continue
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not any(i in line[:200] for i in ids):
                    continue
                d = json.loads(line)
                if d["id"] in ids:
                    arts[(fname, d["id"])] = d
    return arts


def events_dev(base: Path, path: Path | None = None) -> dict[str, Any]:
    """Per-type P/R/F1 on ``events-dev.jsonl`` (see module doc). Empty dict when the file is absent."""
    path = path or (EVAL / "events-dev.jsonl")
    if not path.is_file():
        return {}
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    wanted: dict[str, set[str]] = {}
    for r in recs:
        wanted.setdefault(r["file"], set()).add(r["id"])
    arts = _corpus_articles(base, wanted)
    keys = sorted(arts)
    docs = {}
    for k, doc in zip(keys, _analyze([arts[k]["text"] for k in keys], [(arts[k].get("date_iso") or "")[:10] or None
                                                                      for k in keys])):
        docs[k] = doc
    counts = {t: Counter() for t in TYPES}
    act = Counter()
    missing = 0
    for r in recs:
        doc = docs.get((r["file"], r["id"]))
        if doc is None:
            missing += 1
            continue
        s, e = r["start"], r["end"]
        pred: dict[str, list] = {}
        for ev in doc.events:
            if ev.modality not in _POS_MODALITY:
                continue
            if any(s <= m.start < e for m in ev.mentions):
                pred.setdefault(ev.type, []).append(ev)
        gold = {g["type"]: g for g in r.get("events", [])}
        for t in TYPES:
            gp, pp = t in gold, t in pred
            if gp and pp:
                counts[t]["tp"] += 1
            elif pp:
                counts[t]["fp"] += 1
            elif gp:
                counts[t]["fn"] += 1
        for t, g in gold.items():
            if t not in pred:
                continue
            ev = pred[t][0]
            for role, attr in (("source", "source"), ("target", "target")):
                gc = g.get(role)
                if gc is None:
                    continue
                pc = _actor_country(getattr(ev, attr))
                if pc != gc and t in _SYMMETRIC:
                    # symmetric events: the parties may come in either order (PLOVER: all are actors)
                    other = _actor_country(ev.target if attr == "source" else ev.source)
                    pc = other if other == gc else pc
                act["n"] += 1
                act["ok"] += pc == gc
    per = {t: prf(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    tot = Counter()
    for c in counts.values():
        tot.update(c)
    macro = sum(per[t]["f1"] for t in TYPES) / len(TYPES)
    return {"per_type": per, "micro": prf(tot["tp"], tot["fp"], tot["fn"]), "macro_f1": round(macro, 4),
            "sentences": len(recs), "missing_articles": missing,
            "actor_country_accuracy": round(100 * act["ok"] / act["n"], 2) if act["n"] else 0.0,
            "actor_slots": act["n"]}


def evaluate(shared_data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Run every events evaluation.

    Input: ``shared_data_dir`` (the staged ``shared/data`` folder); ``limit`` caps sentences per file (smoke
    tests). Output: ``{"assault_f1", "protest_f1" (0–1, all public GSR sentences, in-sample for the gate),
    "assault_f1_cv", "protest_f1_cv" (0–1, grouped 5-fold CV of the gate; None without scikit-learn),
    "actor_accuracy", "actor_accuracy_incl_none" (0–100, spans slots), "per_type" (events-dev per-type P/R/F1),
    "gsr", "gsr_actors", "events_dev", "protocol"}``. Raises ``FileNotFoundError`` when the GSR folder is missing.
    """
    base = Path(shared_data_dir)
    gdir = base / "events" / "arabic_event_gsr"
    if not gdir.is_dir():
        raise FileNotFoundError(f"GSR not found: {gdir}")
    det = gsr_detection(gdir, limit)
    act = gsr_actors(gdir, limit)
    act.pop("_tune_errors", None)
    try:
        from khabar.events.gate import load_gate
        gate_meta = load_gate().get("_meta", {})
    except Exception:  # noqa: BLE001
        gate_meta = {}
    dev = events_dev(base)
    cv = {t: det[t].get("cv", {}) for t in ("ASSAULT", "PROTEST")}
    return {
        "assault_f1": det["ASSAULT"]["all"]["f1"],
        "protest_f1": det["PROTEST"]["all"]["f1"],
        "assault_f1_cv": cv["ASSAULT"].get("f1"),
        "protest_f1_cv": cv["PROTEST"].get("f1"),
        "actor_accuracy": act["all"]["actor_accuracy"],
        "actor_accuracy_incl_none": act["all"]["actor_accuracy_incl_none"],
        "actor_accuracy_cv": (act.get("cv") or {}).get("actor_accuracy"),
        "actor_accuracy_incl_none_cv": (act.get("cv") or {}).get("actor_accuracy_incl_none"),
        "report_split": {"assault_f1": det["ASSAULT"]["report"]["f1"], "protest_f1": det["PROTEST"]["report"]["f1"],
                         "actor_accuracy": act["report"]["actor_accuracy"]},
        "per_type": dev.get("per_type", {}),
        "gsr": det,
        "gsr_actors": act,
        "events_dev": {k: v for k, v in dev.items() if k != "per_type"},
        "gate": gate_meta,
        "protocol": ("GSR: yes=positive, easy/difficult no=negative, ambiguous skipped; predicted positive when an "
                     "event of the type is coded (modality asserted/future/requested) in a sentence the gate keeps "
                     "at its GSR threshold. assault_f1/protest_f1: all public rows, the gate was trained on them "
                     "(in-sample); *_f1_cv: grouped 5-fold cross-validation by document (held-out estimate). "
                     "Splits by sha256('khabar-events:'+id): tune (lexicon tuned on) / report."),
    }

"""Sentence gate for ASSAULT and PROTEST: does the sentence *report* such an event, or only mention one?

News sentences name attacks and protests constantly without reporting one ("منذ اغتيال الحريري", "الرد على
الهجوم", background, commentary). The Arabic event GSR (openeventdata/arabic_event_gsr, MIT) labels exactly this
distinction. The gate is a logistic-regression classifier over a TF-IDF vector of the sentence's word stems
(normalised tokens, clitics stripped; unigrams and adjacent bigrams; sublinear term frequency, L2-normalised).
scikit-learn is needed at training time only; at run time the score is a plain weighted sum (no dependency).

Chosen by grouped 5-fold cross-validation on the public GSR (folds grouped by the document part of the sentence id,
so that sentences of one article never sit on both sides; ``docs/bench/events.md``, session 2): stem n-grams beat
character n-grams, the coder's own trigger/modality/actor features, and their combinations. Session 3: PROTEST adds
the stems within three words of each lexicon trigger (:func:`trigger_window`; grouped CV 0.46 → 0.50 averaged over
four fold assignments); the kind used is stored per type in the artefact (``"features"``: ``w`` or ``w+t``).

Training (:func:`train`): GSR rows labelled yes → 1, easy/difficult no → 0, ambiguous dropped. Artefact:
``khabar/data/models/events_gate.json`` ``{TYPE: {"bias", "threshold", "threshold_gsr", "features", "v": {feature:
[idf, weight]}}, "_meta"}``. The coder drops a sentence's events of a gated type whose probability is below the
threshold of the active operating point (:data:`PROFILE`: "news", the default, or "gsr", see :data:`THRESHOLDS`);
without the artefact no gating happens.
"""
from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

from khabar.paths import MODELS
from khabar.text.normalize import strip_clitics

GATE_PATH = MODELS / "events_gate.json"
GATED = ("ASSAULT", "PROTEST")
_WORD = re.compile(r"\w", re.UNICODE)


def _stem(norm: str) -> str:
    c = strip_clitics(norm)
    return c[-1] if c else norm


def stems(toks) -> list[str]:
    """Stems (last clitic-stripped candidate of ``Token.norm``) of the word tokens of a sentence; punctuation
    and empty tokens are skipped."""
    return [_stem(t.norm) for t in toks if t.norm.strip() and _WORD.search(t.norm)]


def sentence_features(toks, trigs=None, typ: str | None = None, kind: str = "w") -> list[str]:
    """Feature strings of one sentence: stem unigrams ``u:…`` and adjacent stem bigrams ``b:…_…`` (kind ``w``);
    with kind ``w+t`` and a ``typ`` also the trigger window (:func:`trigger_window`).

    Input: the sentence's tokens (:class:`~khabar.document.Token`); ``trigs`` is accepted for the coder's call
    signature and not used (the window uses the lexicon's triggers of ``typ`` found in ``toks`` themselves, so that
    training and run time see the same positions). Output: list of str (with repeats: term frequency counts).
    """
    s = stems(toks)
    out = ["u:" + x for x in s] + ["b:" + a + "_" + b for a, b in zip(s, s[1:])]
    if typ and "t" in kind.split("+"):
        out += trigger_window(toks, typ)
    return out


def trigger_window(toks, typ: str, width: int = 3) -> list[str]:
    """Stems within ``width`` words before (``tw-:``) and after (``tw+:``) each lexicon trigger of ``typ`` in
    ``toks``, and the trigger's own stem (``tr:``). Session 3: raises the grouped-CV F1 of PROTEST
    (docs/bench/events.md)."""
    from khabar.events.coder import sentence_triggers

    words = [(i, _stem(t.norm)) for i, t in enumerate(toks) if t.norm.strip() and _WORD.search(t.norm)]
    pos = {i: k for k, (i, _w) in enumerate(words)}
    s = [w for _i, w in words]
    out: list[str] = []
    for t in sentence_triggers(toks):
        if t.entry.type != typ or t.a not in pos:
            continue
        k = pos[t.a]
        for d in range(-width, width + 1):
            if d and 0 <= k + d < len(s):
                out.append(f"tw{'+' if d > 0 else '-'}:{s[k + d]}")
        out.append("tr:" + s[k])
    return out


def model_features(model: dict[str, Any] | None, toks, typ: str) -> list[str]:
    """:func:`sentence_features` of the kind the type's ``model`` was trained with (``"features"``, default
    ``w``)."""
    return sentence_features(toks, typ=typ, kind=(model or {}).get("features", "w"))


@functools.lru_cache(maxsize=1)
def load_gate() -> dict[str, Any]:
    """The gate artefact (cached), or ``{}`` when absent/unreadable."""
    try:
        return json.loads(GATE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def prob(model: dict[str, Any], feats: list[str]) -> float:
    """P(sentence reports the event) for one type's ``model``: sigmoid(bias + w · x), where x is the sublinear
    TF-IDF vector of ``feats`` over the model's vocabulary, L2-normalised (as scikit-learn's TfidfVectorizer)."""
    v = model["v"]
    tf: dict[str, int] = {}
    for f in feats:
        if f in v:
            tf[f] = tf.get(f, 0) + 1
    z = model["bias"]
    if tf:
        vals = {f: (1.0 + math.log(n)) * v[f][0] for f, n in tf.items()}
        norm = math.sqrt(sum(x * x for x in vals.values())) or 1.0
        z += sum(v[f][1] * x for f, x in vals.items()) / norm
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def score(toks, typ: str) -> float | None:
    """Gate probability of sentence ``toks`` for ``typ`` (None when no model for the type is shipped)."""
    m = load_gate().get(typ)
    if not m or "v" not in m:
        return None
    return prob(m, model_features(m, toks, typ))


def keep(toks, trigs, typ: str) -> bool:
    """True when the sentence's ``typ`` events should be kept (no model for the type → True)."""
    m = load_gate().get(typ)
    if not m or "v" not in m:
        return True
    return prob(m, model_features(m, toks, typ)) >= threshold(m)


def doc_group(sid: str) -> str:
    """The document part of a GSR sentence id (``AAW_ARB_20071026.0026-2`` → ``AAW_ARB_20071026.0026``): the
    grouping key of cross-validation folds."""
    return re.sub(r"[-_]\d+$", "", sid)


def gsr_rows(shared_data_dir: Path | str):
    """``{TYPE: [(id, feats, y)]}`` for the public GSR CSVs (ambiguous rows dropped; ``feats`` over all sentences
    of the row). Requires the GSR folder (``FileNotFoundError`` otherwise)."""
    import csv

    from khabar.document import Document
    from khabar.text.segment import segment

    base = Path(shared_data_dir) / "events" / "arabic_event_gsr"
    data: dict[str, list] = {}
    for typ, fname in (("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv")):
        rows = []
        with open(base / fname, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                lab = (r.get("label") or "").strip()
                if lab not in ("yes", "easy no", "difficult no"):
                    continue
                doc = segment(Document(text=r["text"]))
                rows.append((r["id"], sentence_features(doc.tokens, typ=typ, kind=FEATURES.get(typ, "w")),
                             1 if lab == "yes" else 0))
        data[typ] = rows
    return data


def fit(feats: list[list[str]], y: list[int], C: float = 1.0) -> dict[str, Any]:
    """Fit one type's model (scikit-learn): ``{"bias", "v": {feature: [idf, weight]}}`` (threshold not set)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True)
    M = vec.fit_transform(feats)
    clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
    clf.fit(M, np.array(y))
    names = vec.get_feature_names_out()
    v = {str(n): [round(float(i), 5), round(float(w), 5)] for n, i, w in zip(names, vec.idf_, clf.coef_[0])}
    return {"bias": round(float(clf.intercept_[0]), 6), "v": v}


def cv_probs(ids: list[str], feats: list[list[str]], y: list[int], C: float = 1.0, k: int = 5) -> list[float]:
    """Out-of-fold probabilities by ``k``-fold cross-validation grouped by :func:`doc_group` (scikit-learn's
    GroupKFold: deterministic)."""
    from sklearn.model_selection import GroupKFold

    out = [0.0] * len(y)
    groups = [doc_group(i) for i in ids]
    for tr, te in GroupKFold(k).split(feats, y, groups):
        m = fit([feats[i] for i in tr], [y[i] for i in tr], C)
        for i in te:
            out[i] = prob(m, feats[i])
    return out


# Two operating points of the same classifier (docs/bench/events.md, session 2):
# - "gsr": the GSR's strict notion (a *reported new* event, unanimous annotators, 2007 newswire); threshold = the
#   F1-optimal one of grouped 5-fold cross-validation of the whole decision (trigger found AND probability ≥
#   threshold) on the public GSR. Used by the GSR evaluation.
# - "news" (the coder's default): present-day news wants far lower thresholds — at the GSR ones events-dev PROTEST
#   recall falls to 0 — so the default keeps the gate as a light filter (thresholds chosen on events-dev).
THRESHOLDS: dict[str, dict[str, float]] = {"gsr": {"ASSAULT": 0.45, "PROTEST": 0.45},
                                           "news": {"ASSAULT": 0.20, "PROTEST": 0.10}}
# Feature kind per type (session 3, grouped CV over four fold assignments): the trigger window helps PROTEST only.
FEATURES: dict[str, str] = {"ASSAULT": "w", "PROTEST": "w+t"}
PROFILE = "news"  # operating point used by :func:`keep` ("news" or "gsr")


def threshold(model: dict[str, Any], profile: str | None = None) -> float:
    """Decision threshold of one type's ``model`` for ``profile`` (default :data:`PROFILE`)."""
    p = profile or PROFILE
    return float(model.get("threshold_gsr", model["threshold"]) if p == "gsr" else model["threshold"])


def train(shared_data_dir: Path | str, out: Path | str | None = None, C: float = 1.0,
          thresholds: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """Train the gate on all public GSR rows and write it (default ``khabar/data/models/events_gate.json``).

    ``thresholds`` overrides :data:`THRESHOLDS` (``{"gsr": {TYPE: th}, "news": {TYPE: th}}``). Output: the artefact
    dict (``_meta`` holds the training size) plus ``"thresholds"`` and ``"cv"`` (a pointer) for the CLI.
    Also trains the source/target selector (:func:`khabar.events.selector.train`; written next to the gate as
    ``events_selector.json``; its summary under ``"_selector"`` of the returned dict, not of the gate artefact).
    Requires scikit-learn (training only). Raises ``FileNotFoundError`` without the GSR.
    """
    data = gsr_rows(Path(shared_data_dir))
    art: dict[str, Any] = {}
    meta = {}
    for typ, rows in data.items():
        feats = [r[1] for r in rows]
        y = [r[2] for r in rows]
        m = fit(feats, y, C)
        ths = THRESHOLDS if thresholds is None else thresholds
        m["threshold"] = ths["news"].get(typ, 0.5)
        m["threshold_gsr"] = ths["gsr"].get(typ, 0.5)
        m["features"] = FEATURES.get(typ, "w")
        art[typ] = m
        meta[typ] = {"n": len(y), "pos": int(sum(y)), "features": len(m["v"])}
    art["_meta"] = {"trained_on": "arabic_event_gsr public part (all rows, ambiguous dropped)", "C": C,
                    "features": "stem unigrams + bigrams (+ trigger window where FEATURES says w+t), sublinear "
                                "TF-IDF, L2", "sizes": meta}
    path = Path(out) if out else GATE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(art, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    load_gate.cache_clear()
    # the trained source/target selector is part of the same command (`khabar train events`), written next to the gate
    from khabar.events import selector

    sel = selector.train(shared_data_dir, None if out is None else path.parent / selector.SELECTOR_PATH.name)
    art["_selector"] = {**sel["_meta"], "threshold": sel["threshold"], "types": sel["types"]}
    # for `khabar train events`: the thresholds written (the cross-validated F1 is measured by `khabar eval events`)
    return {**art, "thresholds": {t: {"news": art[t]["threshold"], "gsr": art[t]["threshold_gsr"]} for t in data},
            "cv": "see assault_f1_cv / protest_f1_cv of `khabar eval events`"}

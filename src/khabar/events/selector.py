"""Trained fallback selector of an event's source / target country (issue 6, actor countries; session 3).

The hand rules of :mod:`khabar.events.coder` leave many slots empty or fill them with an actor that has no country
("مسلحون", "الشرطة"). For such a slot (role ``source`` or ``target`` of one trigger) the selector scores every
actor candidate of the sentence — linked entities, places, agent-noun phrases, demonyms (the coder's ``_Mention``
records) — with a logistic regression over binary features: role, event type, trigger form (verb/noun,
definiteness), position of the candidate relative to the trigger (side, token distance bucket, rank among the
candidates of that side), the preposition / clitic before it (مع، على، ضد، بين، من، في، ب، ل), its marker as the
rules read it, entity label, KB kind, agent code, place or not, whether it already fills the other slot, whether
its country is the event place's country, and the state of the slot (empty, or the bare agent code of the
country-less actor in it). The best candidate is used when its probability reaches the model's threshold:
an empty slot gets the candidate's actor (a place gives a country-level actor), a country-less generic actor
gets the candidate's country.

Training (:func:`train`, run by ``khabar train events``): the public GSR spans records
(``shared/data/events/arabic_event_gsr/*_spans.json``, openeventdata, MIT; the GSR's 70 % public train/dev part),
each analysed alone with the sentence gate off; for the first event of the record's type, every slot whose
majority annotator country is known and that the rules leave without a country gives one example per candidate,
labelled 1 when the candidate's country ("NONE" for a country-less candidate) is the slot's majority code and
the candidate overlaps a token of an annotator's span for the role (so country-less candidates teach the model when
to abstain). The threshold was chosen by grouped 5-fold cross-validation (folds by document,
:func:`khabar.events.gate.doc_group`, four fold assignments): the highest strict accuracy whose accuracy including
"no country" slots stays above that of the rules alone. The selector is applied only to the event types it was
trained on (``types`` of the artefact: ASSAULT, PROTEST). Figures: ``docs/bench/events.md``, "Session 3".

Artefact: ``data/models/events_selector.json`` = ``{"bias": float, "w": {feature: weight}, "threshold": float,
"_meta": {...}}``. Absent or unreadable artefact → the selector never fires (the rules alone).
"""
from __future__ import annotations

import json
import logging
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from khabar.paths import MODELS
from khabar.text.normalize import strip_clitics

log = logging.getLogger(__name__)

SELECTOR_PATH = MODELS / "events_selector.json"
ENABLED = True
CONTEXT = True  # slot-context features (words next to the trigger, country-less mentions next to it)
NOCOUNTRY_CANDIDATES = True  # country-less mentions compete too: choosing one means "no country"
LEXICAL = True  # the head word of an unlinked candidate
OTHER_SLOT = False  # the actor of the other slot is a candidate too
OVERRIDE: dict[str, Any] | None = None  # a model used instead of the shipped one (cross-validation)
C_DEFAULT = 0.3
_PREPS = ("مع", "على", "علي", "ضد", "بين", "من", "في", "الى", "الي", "عن", "قبل", "لدى", "بحق")
_NO_COUNTRY_CODES = frozenset(("MIL", "COP", "GOV", "CVL", "OPP", "REB", "REF", "BUS", "MED", "JUD", "LEG", "SPY",
                               "EDU", "HLH", "LAB", "AGR", "CRM", "ELI", "UAF", "RAD", "NGO"))


def actor_country(a) -> str | None:
    """Country-level code of an :class:`~khabar.document.Actor` (``country``, else a CAMEO country/IGO prefix of
    ``actor_code``), ``None`` when it has none (bare agent codes MIL, COP, CVL …)."""
    if a is None:
        return None
    if a.country:
        return a.country
    code = a.actor_code or ""
    if len(code) >= 3 and code[:3].isupper() and code[:3] not in _NO_COUNTRY_CODES:
        return code[:3]
    return None


def _dist_bucket(d: int) -> str:
    return "0" if d <= 0 else "1" if d == 1 else "2" if d == 2 else "3-4" if d <= 4 else "5-8" if d <= 8 else "9+"


def slot_state(m) -> str:
    """``"empty"`` for no mention, else ``"generic:<agent code>"`` for a country-less actor."""
    if m is None:
        return "empty"
    code = (m.actor.actor_code or "")[-3:] if m.actor.actor_code else ("kb" if m.actor.kb_id else "none")
    return "generic:" + code


def candidate_features(toks, t, m, role: str, state: str, others: list, place_country: str | None,
                       rank: int) -> list[str]:
    """Binary features (strings) of candidate mention ``m`` for slot ``role`` ("source"/"target") of trigger ``t``.

    ``toks``: the sentence's tokens; ``state``: :func:`slot_state` of the slot; ``others``: the mentions already
    filling the other slot; ``place_country``: ISO3 of the event place or None; ``rank``: 0 for the nearest
    candidate on its side of the trigger, 1 for the next …"""
    e = t.entry
    side = "before" if m.b <= t.a else "after" if m.a >= t.b else "inside"
    dist = t.a - m.b if side == "before" else m.a - t.b if side == "after" else 0
    kb = (m.actor.kb_id or "").split(":")[0] or "nokb"
    code = m.actor.actor_code or ""
    agent = code[3:] if actor_country(m.actor) and len(code) > 3 else (code if not actor_country(m.actor) else "")
    prev = toks[m.a - 1].norm if m.a > 0 else "<s>"
    prev_c = [c for c in strip_clitics(prev)[:2] if c in _PREPS]
    first = toks[m.a].norm
    clitic = first[0] if len(first) > 4 and first[0] in "بلو" and first[1:3] == "ال" else "-"
    between = [toks[j].norm for j in range(min(m.b, t.b), max(m.a, t.a))] if side != "inside" else []
    comma = any(x in ("،", ",") for x in between)
    prep_between = sorted({c for x in between for c in strip_clitics(x)[:2] if c in _PREPS})
    base = [
        f"type={e.type}", f"pos={e.pos}", f"def={t.definite}", f"state={state}",
        f"side={side}", f"dist={side}:{_dist_bucket(dist)}", f"rank={side}:{min(rank, 3)}",
        f"marker={m.marker}", f"label={m.label}", f"kb={kb}", f"agent={agent or '-'}",
        f"place={m.is_place}", f"hasplace={m.place is not None}", f"generic={m.generic}", f"adj={m.adjective}",
        f"conj={m.conj}", f"prev={prev_c[0] if prev_c else '-'}", f"clitic={clitic}", f"comma={comma}",
        f"other={any(o is m for o in others)}", f"eqplace={bool(place_country) and actor_country(m.actor) == place_country}",
        f"has_country={actor_country(m.actor) is not None}",
    ] + [f"prepbetween={p}" for p in prep_between]
    if LEXICAL and not m.actor.kb_id:
        base.append(f"head={strip_clitics(first)[-1]}")
    out = []
    for f in base:
        out.append(f)
        out.append(f"{role}|{f}")
    out += [f"{role}|type={e.type}|side={side}", f"{role}|{side}|marker={m.marker}",
            f"{role}|type={e.type}|place={m.is_place}", f"{role}|state={state}|place={m.is_place}",
            f"{role}|pos={e.pos}|{side}|rank={min(rank, 3)}"]
    return out


def slot_context(toks, t, mentions: list, role: str) -> list[str]:
    """Features of the slot itself, shared by its candidates: the stems right after / before the trigger and the
    agent codes of country-less mentions next to the trigger (who the annotators would have seen in the slot)."""
    out = []
    for k, j in (("n1", t.b), ("n2", t.b + 1), ("p1", t.a - 1)):
        if 0 <= j < len(toks):
            w = strip_clitics(toks[j].norm)[-1]
            if not any(ch.isdigit() for ch in w):
                out.append(f"{role}|{k}={w}")
            else:
                out.append(f"{role}|{k}=<num>")
    for m in mentions:
        if actor_country(m.actor):
            continue
        side = "before" if m.b <= t.a else "after"
        d = t.a - m.b if side == "before" else m.a - t.b
        if 0 <= d <= 3:
            code = (m.actor.actor_code or ("kb" if m.actor.kb_id else "none"))[-3:]
            out.append(f"{role}|near_nocountry={side}:{code}")
    return out


def candidates(toks, t, mentions: list, role: str, place_country: str | None) -> list[tuple[Any, list[str]]]:
    """``[(mention, features)]`` for slot ``role`` of trigger ``t``: every mention of the sentence that has a
    country and is not already in the slot (reporters excluded)."""
    filled = t.sources if role == "source" else t.targets
    others = t.targets if role == "source" else t.sources
    state = slot_state(filled[0] if filled else None)
    ctx = slot_context(toks, t, mentions, role) if CONTEXT else []
    pool = [m for m in mentions if (NOCOUNTRY_CANDIDATES or actor_country(m.actor)) and m.marker != "reporter"
            and all(m is not f for f in filled) and (OTHER_SLOT or all(m is not o for o in others))]
    before = sorted([m for m in pool if m.b <= t.a], key=lambda m: -m.b)
    after = sorted([m for m in pool if m.a >= t.b], key=lambda m: m.a)
    out = []
    for side in (before, after):
        for r, m in enumerate(side):
            out.append((m, candidate_features(toks, t, m, role, state, others, place_country, r) + ctx))
    return out


@lru_cache(maxsize=1)
def load() -> dict[str, Any] | None:
    """The shipped selector artefact, or None when absent/unreadable (a warning is logged)."""
    try:
        m = json.loads(Path(SELECTOR_PATH).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001
        log.warning("events selector unreadable (%s): %s", SELECTOR_PATH, exc)
        return None
    if not (isinstance(m, dict) and isinstance(m.get("w"), dict) and isinstance(m.get("bias"), (int, float))
            and isinstance(m.get("threshold"), (int, float))):
        log.warning("events selector malformed (%s): needs bias, w, threshold; selector off", SELECTOR_PATH)
        return None
    return m


def prob(model: dict[str, Any], feats: list[str]) -> float:
    """Logistic probability (0–1) of ``feats`` under ``model``."""
    w = model["w"]
    z = model["bias"] + sum(w.get(f, 0.0) for f in set(feats))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def choose(toks, t, mentions: list, role: str, place_country: str | None, model: dict[str, Any] | None = None):
    """The candidate mention for slot ``role`` of ``t`` (probability ≥ the model's threshold), or None."""
    if model is None and ENABLED:
        model = OVERRIDE if OVERRIDE is not None else load()
    if not model or t.entry.type not in model.get("types", ()):
        return None  # trained only on the event types of the spans records (ASSAULT, PROTEST)
    best, bp = None, -1.0
    for m, f in candidates(toks, t, mentions, role, place_country):
        p = prob(model, f)
        if p > bp:
            best, bp = m, p
    return best if best is not None and bp >= model["threshold"] else None


def fit(feats: list[list[str]], y: list[int], C: float = 0.3) -> dict[str, Any]:
    """Logistic regression (scikit-learn liblinear, L2, binary features, features seen ≥ 2 times):
    ``{"bias", "w"}``."""
    import numpy as np
    from collections import Counter
    from sklearn.linear_model import LogisticRegression
    from scipy.sparse import csr_matrix

    cnt = Counter(f for fs in feats for f in set(fs))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in cnt.items() if n >= 2))}
    rows, cols = [], []
    for r, fs in enumerate(feats):
        for f in set(fs):
            if f in vocab:
                rows.append(r)
                cols.append(vocab[f])
    X = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feats), len(vocab)))
    clf = LogisticRegression(C=C, solver="liblinear")
    clf.fit(X, np.array(y))
    names = sorted(vocab, key=vocab.get)
    return {"bias": round(float(clf.intercept_[0]), 5),
            "w": {n: round(float(w), 5) for n, w in zip(names, clf.coef_[0]) if abs(w) > 1e-6}}


# ------------------------------------------------------------------------------------------------ training
def spans_records(gsr_dir: Path | str) -> list[tuple[str, str, str, dict[str, str], list[dict]]]:
    """``[(sentence id, text, event type, {role: majority main code or "NONE"}, spans)]`` of the GSR spans files
    (records without any majority slot dropped). Raises ``FileNotFoundError`` when a file is missing."""
    from khabar.eval.events import spans_rows

    return [(str(r.get("source") or r.get("_id")), r["text"], r.get("event_type"), slots, r.get("spans", []))
            for r, slots in spans_rows(gsr_dir)]


def capture(texts: list[str]):
    """Analyse each text alone (gate and selector off); ``[(doc, [(toks, trig, mentions, place, victims), …])]``
    with the coder's state of every trigger at the point where the selector would run."""
    from khabar.events import coder
    from khabar.pipeline import pipe

    global ENABLED
    old = (ENABLED, coder.GATE_ENABLED, coder._CAPTURE)
    ENABLED, coder.GATE_ENABLED = False, False
    out = []
    try:
        for text in texts:
            coder._CAPTURE = []
            doc = list(pipe([text]))[0]
            out.append((doc, coder._CAPTURE))
    finally:
        ENABLED, coder.GATE_ENABLED, coder._CAPTURE = old
    return out


def examples(recs, caps) -> list[tuple[str, list[tuple[list[str], int]]]]:
    """Per record: ``(document group, [(features, label)])`` over the slots of the first event of the record's type
    that the rules leave without a country (see module doc; label 1 = the candidate's country — "NONE" for a
    country-less one — is the slot's majority code and the candidate overlaps an annotator's span of the role)."""
    from khabar.events.gate import doc_group

    out = []
    for (sid, _text, typ, slots, spans), (doc, cap) in zip(recs, caps):
        exs: list[tuple[list[str], int]] = []
        ev = next((e for e in doc.events if e.type == typ), None)
        hit = None
        if ev is not None:
            hit = next((h for h in cap if h[1].entry.type == typ and h[0][h[1].a].start == ev.trigger.start), None)
        if hit is not None:
            toks, t, ms, pl, victims = hit
            for role, gold in slots.items():
                r = role.split("_")[0]
                filled = t.sources if r == "source" else t.targets
                if filled and actor_country(filled[0].actor):
                    continue
                words = {w for sp in spans for w in sp.get(r + "_actor", []) or []}
                pool = [m for m in ms if all(m is not v for v in victims)] if r == "source" else ms
                for m, f in candidates(toks, t, pool, r, pl.country if pl is not None else None):
                    c = actor_country(m.actor) or "NONE"
                    exs.append((f, int(c == gold and any(toks[j].text in words for j in range(m.a, m.b)))))
        out.append((doc_group(sid), exs))
    return out


def train(shared_data_dir: Path | str, out: Path | str | None = None, C: float = C_DEFAULT,
          threshold: float = 0.15) -> dict[str, Any]:
    """Fit the selector on every public GSR spans record and write the artefact (default :data:`SELECTOR_PATH`).

    ``threshold`` was chosen by grouped cross-validation (docs/bench/events.md, Session 3: the highest mean
    strict accuracy over four fold assignments whose accuracy incl. "no country" slots stays above the rules'). Returns the model. Raises
    ``FileNotFoundError`` when the GSR folder is missing; needs scikit-learn."""
    gdir = Path(shared_data_dir) / "events" / "arabic_event_gsr"
    recs = spans_records(gdir)
    exs = examples(recs, capture([r[1] for r in recs]))
    X = [f for _g, es in exs for f, _y in es]
    y = [lab for _g, es in exs for _f, lab in es]
    model = fit(X, y, C)
    model["threshold"] = threshold
    model["types"] = sorted({r[2] for r in recs if r[2]})
    model["_meta"] = {"C": C, "examples": len(y), "positives": sum(y), "records": len(recs),
                      "source": "arabic_event_gsr public *_spans.json (openeventdata, MIT)"}
    path = Path(out) if out else SELECTOR_PATH
    path.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    if not out:
        load.cache_clear()
    return model

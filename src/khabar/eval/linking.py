"""Entity-linking evaluation (``khabar eval linking``) on ``khabar/data/eval/linking-dev.jsonl``.

Gold file: one JSON object per mention, annotated by reading ANT-corpus articles (never from khabar output):
``{"corpus": "antcorpus/bbc.jsonl.gz", "id": <article id>, "start": int, "end": int, "surface": str,
"label": "PER|ORG|GPE|LOC|MISC", "english": <canonical English name> | "NIL", "split": "dev" | "test" | "test2"}``
(``dev`` articles were used while building the KB and linker; ``test`` / ``test2`` articles were annotated
afterwards, see docs/bench/linking.md for how often each was scored). Offsets are character offsets
into the article's ``text`` field; the article itself is read from ``../shared/data/corpus``.
A record with ``"kind": "role"`` is a role description standing for a person (``المفوض الأوروبي`` → the commissioner
named earlier or holding the office on the article date): it is not given to the linker as a mention; the
prediction is the role entity the linker itself creates over that span (``link="role"``), scored separately.

Method: for each article a Document is built with ``pub_date`` = the article's date, segmented, given the gold
mentions as its entities (label from the gold), and passed to :func:`khabar.link.linker.link`. A mention with a gold
English name is correct when the predicted ``english`` equals it after case/accent/punctuation folding, or has
difflib similarity ≥ 0.85 (the rule of ``score_gold.py``); a NIL mention is correct when ``kb_id`` is None.
``e2e_accuracy`` repeats the check with the full pipeline's own mentions (segment → NER → link): the prediction
is the linked entity overlapping the gold span most (NIL gold: correct when no KB-linked entity overlaps).

Output (0–100 percentages): ``{"accuracy", "in_kb_accuracy", "nil_accuracy", "n", "n_in_kb", "n_nil",
"e2e_accuracy", "splits": {"dev": {"accuracy", "n"}, "test": {…}}, "by_link": {exact|fuzzy|coref|role|translit: n},
"errors": [first 60 wrong mentions]}``; with role records also ``"role_accuracy"``, ``"n_role"`` (and
``"e2e_role_accuracy"``). ``accuracy`` and the split figures count ordinary mentions only.
Raises ``FileNotFoundError`` when the gold file or the shared corpus is missing.
"""
from __future__ import annotations

import difflib
import gzip
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from khabar.paths import EVAL, shared_data

DEFAULT = EVAL / "linking-dev.jsonl"


def fold(s: str | None) -> str:
    """Case/accent/punctuation-folded English name (``"Recep Tayyip Erdoğan"`` → ``"recep tayyip erdogan"``)."""
    s = unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode().lower().replace("-", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", "", s)).strip()


def same_english(gold: str, pred: str | None) -> bool:
    """True when two English names agree after :func:`fold` (or difflib ratio ≥ 0.85)."""
    a, b = fold(gold), fold(pred)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def load_gold(path: Path) -> list[dict]:
    """Records of a gold JSONL file (blank lines skipped)."""
    return [json.loads(l) for l in Path(path).read_text(encoding="utf-8").splitlines() if l.strip()]


def load_articles(needed: dict[str, set[str]], shared: Path) -> dict[tuple[str, str], dict]:
    """Articles ``{(corpus, id): record}`` for the ids needed per corpus file (relative to shared/data/corpus); a
    SaudiNewsNet record's id is its ``url``, its ``content`` / ``date_extracted`` fill ``text`` / ``date_iso``."""
    out = {}
    for corpus, ids in needed.items():
        p = shared / "corpus" / corpus
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not any(i in line for i in ids):
                    continue
                a = json.loads(line)
                rid = a.get("id") or a.get("url")  # SaudiNewsNet records: url / content / date_extracted
                if rid in ids:
                    a.setdefault("text", a.get("content") or "")
                    a.setdefault("date_iso", (a.get("date_extracted") or "")[:10])
                    out[(corpus, rid)] = a
    return out


def evaluate(path: Path | None = None, e2e: bool = True) -> dict:
    """Score linking on the gold file ``path`` (default ``data/eval/linking-dev.jsonl``); see the module doc."""
    from khabar.document import Document, Entity
    from khabar.link.linker import link
    from khabar.text.segment import segment

    path = Path(path) if path else DEFAULT
    if not path.is_file():
        raise FileNotFoundError(f"gold file not found: {path}")
    gold_all = load_gold(path)
    gold = [g for g in gold_all if g.get("kind") != "role"]
    roles_gold = [g for g in gold_all if g.get("kind") == "role"]
    shared = shared_data()
    needed: dict[str, set[str]] = defaultdict(set)
    for g in gold_all:
        needed[g["corpus"]].add(g["id"])
    arts = load_articles(needed, shared)
    by_art: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in gold:
        by_art[(g["corpus"], g["id"])].append(g)
    roles_by_art: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in roles_gold:
        roles_by_art[(g["corpus"], g["id"])].append(g)
        by_art.setdefault((g["corpus"], g["id"]), [])
    n_role = ok_role = e2e_role = 0
    n = ok = n_kb = ok_kb = n_nil = ok_nil = e2e_ok = offset_err = 0
    by_link: Counter = Counter()
    split_n: Counter = Counter()
    split_ok: Counter = Counter()
    errors = []
    pipeline_run = None
    if e2e:
        from khabar.pipeline import run as pipeline_run
    for key, gs in by_art.items():
        art = arts.get(key)
        if art is None:
            offset_err += len(gs)
            continue
        text = art["text"]
        date = (art.get("date_iso") or "")[:10] or None
        doc = Document(text=text, pub_date=date)
        segment(doc)
        ents = []
        for g in sorted(gs, key=lambda g: g["start"]):
            if text[g["start"]:g["end"]] != g["surface"]:
                offset_err += 1
            ents.append((g, Entity(g["start"], g["end"], text[g["start"]:g["end"]], g.get("label", "PER"))))
        doc.entities = [e for _, e in ents]
        link(doc)
        for g, e in ents:
            n += 1
            by_link[e.link or "none"] += 1
            if g["english"] == "NIL":
                n_nil += 1
                good = e.kb_id is None
                ok_nil += good
            else:
                n_kb += 1
                good = same_english(g["english"], e.english)
                ok_kb += good
            ok += good
            split_n[g.get("split", "dev")] += 1
            split_ok[g.get("split", "dev")] += good
            if not good and len(errors) < 60:
                errors.append({"id": g["id"], "split": g.get("split", "dev"), "surface": g["surface"],
                               "gold": g["english"], "pred": e.english, "kb_id": e.kb_id, "link": e.link})
        for g in roles_by_art.get(key, []):
            n_role += 1
            good = _role_ok(g, doc.entities)
            ok_role += good
            if not good and len(errors) < 60:
                errors.append({"id": g["id"], "split": g.get("split", "dev"), "surface": g["surface"], "kind": "role",
                               "gold": g["english"], "pred": _role_pred(g, doc.entities)})
        if pipeline_run is not None:
            pdoc = pipeline_run(Document(text=text, pub_date=date))
            for g in roles_by_art.get(key, []):
                e2e_role += _role_ok(g, pdoc.entities)
            for g in gs:
                over = [p for p in pdoc.entities if p.start < g["end"] and g["start"] < p.end and p.link != "role"]
                over.sort(key=lambda p: -(min(p.end, g["end"]) - max(p.start, g["start"])))
                if g["english"] == "NIL":
                    e2e_ok += not any(p.kb_id for p in over)
                else:
                    e2e_ok += bool(over) and same_english(g["english"], over[0].english)

    def pct(a: int, b: int) -> float:
        return round(100.0 * a / b, 2) if b else 0.0

    res = {"accuracy": pct(ok, n), "in_kb_accuracy": pct(ok_kb, n_kb), "nil_accuracy": pct(ok_nil, n_nil),
           "n": n, "n_in_kb": n_kb, "n_nil": n_nil, "n_articles": len(by_art), "offset_errors": offset_err,
           "splits": {k: {"accuracy": pct(split_ok[k], v), "n": v} for k, v in sorted(split_n.items())},
           "by_link": dict(by_link), "errors": errors}
    if e2e:
        res["e2e_accuracy"] = pct(e2e_ok, n)
    if n_role:
        res["role_accuracy"] = pct(ok_role, n_role)
        res["n_role"] = n_role
        if e2e:
            res["e2e_role_accuracy"] = pct(e2e_role, n_role)
    return res


def _role_pred(g: dict, ents: list) -> str | None:
    """English of the linker's role entity overlapping the gold role span (None when there is none)."""
    over = [e for e in ents if e.link == "role" and e.start < g["end"] and g["start"] < e.end]
    return over[0].english if over else None


def _role_ok(g: dict, ents: list) -> bool:
    """A role record is right when a role entity over its span names the gold person (NIL gold: no KB holder)."""
    over = [e for e in ents if e.link == "role" and e.start < g["end"] and g["start"] < e.end]
    if g["english"] == "NIL":
        return not any(e.kb_id for e in over)
    return any(same_english(g["english"], e.english) for e in over)

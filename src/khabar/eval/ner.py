"""NER evaluation with conlleval's entity-level rules (``khabar eval ner``).

An entity is a maximal B-/I- chunk of one type (conlleval's chunk rules: an ``I-X`` after ``O`` or after another
type starts a new chunk); a predicted entity counts as correct only when its start, end and type all equal a gold
entity's. Precision, recall and F1 are given per type, micro-averaged over all entities, and macro-F1 is the mean
of per-type F1 over the gold types (PER, LOC, ORG, MISC for ANERcorp). Values are percentages (0–100).

ANERcorp has no GPE type, so predicted GPE is scored as LOC, and gold PERS is read as PER.
"""
from __future__ import annotations

from pathlib import Path

GOLD_MAP = {"PERS": "PER", "GPE": "LOC", "FAC": "LOC"}


def chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entities of one BIO tag sequence as a set of (first token, last token + 1, type), conlleval rules."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, None
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or "-" not in t:
            bi, ty = "O", None
        else:
            bi, ty = t.split("-", 1)
        if typ is not None and (bi in ("O", "B") or ty != typ):
            out.add((start, i, typ))
            typ = None
        if bi == "B" or (bi == "I" and typ is None):
            start, typ = i, ty
    return out


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = 100.0 * tp / np_ if np_ else 0.0
    r = 100.0 * tp / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _canon(tags: list[str], mapping: dict[str, str]) -> list[str]:
    out = []
    for t in tags:
        if "-" in t:
            bi, ty = t.split("-", 1)
            out.append(f"{bi}-{mapping.get(ty, ty)}")
        else:
            out.append("O")
    return out


def score(gold: list[list[str]], pred: list[list[str]], mapping: dict[str, str] | None = None) -> dict:
    """Entity-level scores of predicted vs gold tag sequences (lists of equal-length lists of BIO tags).

    Both sides are passed through ``mapping`` (default :data:`GOLD_MAP`: PERS→PER, GPE→LOC). Returns
    ``{"micro_f1", "macro_f1", "precision", "recall", "per_type": {TYPE: {precision, recall, f1, support}}}``.
    """
    mapping = GOLD_MAP if mapping is None else mapping
    tp: dict[str, int] = {}
    npred: dict[str, int] = {}
    ngold: dict[str, int] = {}
    for g, p in zip(gold, pred):
        gc = chunks(_canon(g, mapping))
        pc = chunks(_canon(p, mapping))
        for c in gc:
            ngold[c[2]] = ngold.get(c[2], 0) + 1
        for c in pc:
            npred[c[2]] = npred.get(c[2], 0) + 1
        for c in gc & pc:
            tp[c[2]] = tp.get(c[2], 0) + 1
    per = {}
    for ty in sorted(ngold):
        p, r, f = _prf(tp.get(ty, 0), npred.get(ty, 0), ngold[ty])
        per[ty] = {"precision": round(p, 2), "recall": round(r, 2), "f1": round(f, 2), "support": ngold[ty]}
    P, R, F = _prf(sum(tp.values()), sum(npred.values()), sum(ngold.values()))
    macro = sum(v["f1"] for v in per.values()) / len(per) if per else 0.0
    return {"micro_f1": round(F, 2), "macro_f1": round(macro, 2), "precision": round(P, 2), "recall": round(R, 2),
            "per_type": per}


def read_test(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Tokens and gold tags of a CoNLL file (``token TAG`` or ``token<TAB>TAG``, blank line between sentences)."""
    from khabar.ner.train import read_conll

    sents = read_conll(Path(path))
    return [t for t, _ in sents], [g for _, g in sents]


def evaluate(test_path: Path, model: Path | None = None) -> dict:
    """Tag the test file's own tokens with the shipped model (or ``model``) and score them (see :func:`score`).

    Input: a CoNLL file path. Output: the score dict plus ``sentences``/``tokens`` counts. Raises
    FileNotFoundError when the file or the model is missing.
    """
    from khabar.ner.tagger import tag_sentences

    toks, gold = read_test(Path(test_path))
    pred = tag_sentences(toks, model=model)
    res = score(gold, pred)
    res["sentences"] = len(toks)
    res["tokens"] = sum(len(t) for t in toks)
    return res


def _restrict(tags: list[str], mapping: dict[str, str], keep: set[str]) -> list[str]:
    out = []
    for t in tags:
        if "-" in t:
            bi, ty = t.split("-", 1)
            ty = mapping.get(ty, ty)
            out.append(f"{bi}-{ty}" if ty in keep and bi in ("B", "I") else "O")
        else:
            out.append("O")
    return out


def evaluate_crossdomain(shared: Path, model: Path | None = None,
                         skip_aqmar: tuple[str, ...] = ("Ibn_Tolun_Mosque.txt",)) -> dict:
    """Cross-domain scores of the shipped model (PER/ORG/LOC only, GPE and FAC scored as LOC, MISC ignored):

    - ``aqmar``: the AQMAR Wikipedia articles (not used in training; ``Ibn_Tolun_Mosque.txt`` left out since it
      overlaps WikiFANE); their article-specific MIS0–3 classes are ignored;
    - ``wojood_val``: the Wojood sample's val part (PERS→PER, GPE/FAC→LOC; other Wojood classes ignored).
    Output: ``{"aqmar": score dict, "wojood_val": score dict}`` (see :func:`score`).
    """
    from khabar.ner.tagger import tag_sentences
    from khabar.ner.train import read_conll

    keep = {"PER", "ORG", "LOC"}
    m = {"PERS": "PER", "GPE": "LOC", "FAC": "LOC"}
    out = {}
    sents = []
    for p in sorted((Path(shared) / "ner/aqmar").glob("*.txt")):
        if p.name not in skip_aqmar:
            sents += read_conll(p)
    wo = read_conll(Path(shared) / "ner/wojood-sample/val.txt")
    for name, ss in (("aqmar", sents), ("wojood_val", wo)):
        pred = tag_sentences([t for t, _ in ss], model)
        gold = [_restrict(g, m, keep) for _, g in ss]
        pred = [_restrict(p, m, keep) for p in pred]
        out[name] = score(gold, pred, mapping={})
    return out

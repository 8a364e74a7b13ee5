"""NER stage: fills ``doc.entities`` with PER | ORG | LOC | GPE | MISC mentions (and ``subtype`` where known).

Method: a linear-chain CRF (python-crfsuite) over :func:`khabar.ner.features.sent_features`, trained by
``khabar train ner`` (:mod:`khabar.ner.train`) on ANERcorp's CAMeL train split and the other corpora recorded in
``docs/bench/ner.md``. The coarse CRF predicts PER/ORG/LOC/MISC (ANERcorp's types); a LOC mention is relabelled GPE
when the fine-class CRF (``ner_subtype.crfsuite``, trained on FANE fine classes) calls it a Nation /
Population-Center / State-or-Province / GPE-Cluster, or, without that model, when its words are a country or
city name in the gazetteer. Models are loaded once per process.
"""
from __future__ import annotations

import functools
from pathlib import Path

from khabar.document import Document, Entity
from khabar.ner.features import core, entity_features, resources, sent_features, stems

MODEL = Path(__file__).resolve().parent.parent / "data" / "models" / "ner_crf.crfsuite"
SUB_MODEL = MODEL.with_name("ner_subtype.crfsuite")
MAX_LEN = 120  # tokens per CRF call: longer sentences are cut into windows


@functools.lru_cache(maxsize=4)
def _load(path: str):
    import pycrfsuite

    t = pycrfsuite.Tagger()
    t.open(path)
    return t


def _tagger(model: Path | None):
    p = Path(model) if model else MODEL
    if not p.is_file():
        raise FileNotFoundError(f"NER model not found: {p} (run `khabar train ner`)")
    return _load(str(p))


def _windows(n: int) -> list[tuple[int, int]]:
    return [(a, min(n, a + MAX_LEN)) for a in range(0, n, MAX_LEN)]


def tag_tokens(tokens: list[str], model: Path | None = None) -> list[str]:
    """BIO tags (``B-PER`` …) for one sentence's token strings. Raises FileNotFoundError without a model."""
    if not tokens:
        return []
    tg = _tagger(model)
    out: list[str] = []
    for a, b in _windows(len(tokens)):
        out.extend(tg.tag(sent_features(tokens[a:b])))
    return out


def tag_sentences(sents: list[list[str]], model: Path | None = None) -> list[list[str]]:
    """:func:`tag_tokens` over many sentences (list of token-string lists → list of tag lists)."""
    return [tag_tokens(s, model) for s in sents]


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    from khabar.eval.ner import chunks

    return sorted(chunks(tags))


@functools.lru_cache(maxsize=1)
def _compat() -> dict[str, str]:
    from khabar.ner.train import fane_classes

    try:
        return {k: v[1] for k, v in fane_classes().items()}
    except OSError:
        return {}


def subtype(words: list[str], left: list[str], right: list[str], label: str) -> str | None:
    """FANE fine class of one mention (``words`` with up to two ``left``/``right`` context tokens), restricted to
    classes compatible with ``label`` (LOC admits LOC and GPE classes). Output: a class name such as
    ``Politician``, or None when the subtype model is not shipped or no compatible class scores."""
    if not SUB_MODEL.is_file():
        return None
    import pycrfsuite

    tg = _load(str(SUB_MODEL))
    tg.set(pycrfsuite.ItemSequence([entity_features(words, left, right)]))
    allowed = {"LOC", "GPE"} if label in ("LOC", "GPE") else {label}
    comp = _compat()
    best, bp = None, 0.0
    for cls in tg.labels():
        if comp.get(cls) in allowed:
            p = tg.marginal(cls, 0)
            if p > bp:
                best, bp = cls, p
    return best


def _is_gpe_name(words: list[str]) -> bool:
    res = resources()
    forms = [core(w) for w in words]
    if len(forms) == 1:
        return any("GPE" in res.gaz1.get(f, ()) for f in [forms[0], *stems(forms[0])])
    return any("GPE" in res.gazn.get((f, *forms[1:]), ()) for f in [forms[0], *stems(forms[0])])


def tag(doc: Document) -> Document:
    """Fill ``doc.entities`` from ``doc.tokens``/``doc.sentences`` (in place; returns ``doc``).

    Each entity's ``start``/``end`` are the original-text offsets of its first and last token; ``label`` is
    PER | ORG | LOC | GPE | MISC; ``subtype`` a FANE fine class when the subtype model is shipped. Sentences are
    tagged one at a time (a 5 MB article streams). Without a model file the stage leaves ``entities`` empty and
    adds a warning. Never raises on a well-formed Document.
    """
    try:
        _tagger(None)
    except (FileNotFoundError, OSError) as exc:
        doc.warnings.append(f"ner: {exc}")
        return doc
    ents: list[Entity] = []
    for s in doc.sentences:
        toks = doc.tokens[s.tok_start:s.tok_end]
        if not toks:
            continue
        words = [t.text for t in toks]
        tags = tag_tokens(words)
        for a, b, label in _spans(tags):
            sub = subtype(words[a:b], words[max(0, a - 2):a], words[b:b + 2], label)
            if label == "LOC" and (_compat().get(sub) == "GPE" if sub else _is_gpe_name(words[a:b])):
                label = "GPE"
            st, en = toks[a].start, toks[b - 1].end
            ents.append(Entity(start=st, end=en, text=doc.text[st:en], label=label, subtype=sub))
    doc.entities = ents
    return doc

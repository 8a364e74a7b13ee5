"""Self-training data for the NER CRF: tag raw antcorpus news with a teacher CRF and keep confident sentences.

Usage:
    python scripts/ner_selftrain.py OUT.conll --teacher MODEL.crfsuite [--n 5000] [--threshold 0.9]
        [--novel] [--neural MODEL.npz [--mix 0.4]] [--seed 5] [--corpus antcorpus] [--min-len 6] [--max-len 60]
    python scripts/ner_exp.py NAME --extra-conll OUT.conll ...      (train the student, score dev)

For dev figures the teacher must not have seen the dev blocks: use the CRF trained on the 90 % split
(``scripts/ner_exp.py`` without ``--full``), never the shipped model.

Method (deterministic: the same inputs give the same file):
1. Articles of ``../shared/data/corpus/antcorpus/*.jsonl.gz`` (title + paragraphs; SaudiNewsNet is non-commercial
   and is never read here), duplicates of an earlier text dropped, shuffled with ``random.Random(seed)``.
2. Each article is split and tokenised as at tag time (:func:`khabar.text.segment.segment`); sentences of
   ``min-len``..``max-len`` tokens, mostly Arabic letters, not seen before (normalised text) are candidates.
3. The teacher scores each candidate: per-token tag posteriors by forward-backward over the CRF's state and
   transition weights; the sentence's confidence is the smallest per-token maximum posterior. With ``--neural``
   the teacher is the "accurate" combination: the posteriors of the CRF and of that BiLSTM-CRF averaged (the
   ``mix`` weight stored in the ``.npz``), as in :func:`khabar.ner.tagger.tag_block`.
4. Final tags are the evaluated path's (:func:`khabar.ner.tagger.tag_sentences` on the article's candidate
   sentences: Viterbi — of the combination with ``--neural`` —, boundary repairs, label propagation within the
   article).
5. Kept: confidence >= ``threshold`` and at least one entity (with ``--novel``: at least one PER/LOC/ORG mention
   whose words the NER gazetteer does not list), until ``n`` sentences are kept.
Output: ``token<TAB>TAG`` lines, a blank line between sentences (read by :func:`khabar.ner.train.read_conll`);
a summary JSON line on stdout.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

from khabar.paths import shared_data

_ARABIC = re.compile(r"[\u0621-\u064a]")


def articles(shared: Path, corpus: str = "antcorpus", seed: int = 5) -> list[str]:
    """Distinct article texts (title, newline, body) of the corpus, in a seeded random order."""
    seen: set[str] = set()
    out: list[str] = []
    for p in sorted((shared / "corpus" / corpus).glob("*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                body = (d.get("text") or "").strip()
                if not body or body in seen:
                    continue
                seen.add(body)
                out.append(((d.get("title") or "").strip() + "\n" + body).strip())
    random.Random(seed).shuffle(out)
    return out


def confidence(tokens: list[str], crf, res) -> float:
    """Smallest per-token maximum tag posterior of the CRF (``tagger.LinearCRF``) for one sentence."""
    import numpy as np

    from khabar.ner.bilstm import marginals
    from khabar.ner.features import sent_feature_parts

    feats, vecs = sent_feature_parts(tokens, res)
    z = np.zeros(len(crf.labels))
    m = marginals(crf.emissions(feats, vecs, res.vec_scale), crf.trans, z, z)
    return float(m.max(1).min())


def confidences_mixed(sents: list[list[str]], crf, nn, res) -> list[float]:
    """As :func:`confidence` for several sentences, on the average of the CRF's and the BiLSTM-CRF's posteriors."""
    import numpy as np

    from khabar.ner.bilstm import marginals
    from khabar.ner.features import sent_feature_parts

    labels = tuple(nn.tags)
    perm = [crf.labels.index(t) for t in labels]
    ctr = crf.trans[np.ix_(perm, perm)]
    z = np.zeros(len(labels))
    p = nn.p
    out = []
    for s, sc in zip(sents, nn.scores(sents, res, batch=64)):
        feats, vecs = sent_feature_parts(s, res)
        mc = marginals(crf.emissions(feats, vecs, res.vec_scale)[:, perm], ctr, z, z)
        mix = nn.mix * marginals(sc, p["trans"], p["start"], p["end"]) + (1 - nn.mix) * mc
        out.append(float(mix.max(1).min()))
    return out


def novel(tokens: list[str], tags: list[str], res) -> bool:
    """True when a PER/LOC/ORG mention's words (normalised; first word also without its proclitics) are not a
    gazetteer name."""
    from khabar.eval.ner import chunks
    from khabar.text.normalize import normalize, strip_clitics

    for a, b, ty in chunks(tags):
        if ty not in ("PER", "LOC", "ORG"):
            continue
        words = [normalize(t) for t in tokens[a:b]]
        firsts = {words[0], *strip_clitics(words[0])}
        known = any((res.gaz1.get(f) if len(words) == 1 else res.gazn.get((f, *words[1:]))) for f in firsts)
        if not known:
            return True
    return False


def generate(out: Path, teacher: Path, n: int = 5000, threshold: float = 0.9, want_novel: bool = False,
             seed: int = 5, corpus: str = "antcorpus", min_len: int = 6, max_len: int = 60,
             shared: Path | None = None, log=None, neural: Path | None = None, mix: float | None = None) -> dict:
    """Write the pseudo-labelled file ``out`` (see the module doc); returns counts."""
    from khabar.document import Document
    from khabar.ner import tagger
    from khabar.ner.features import resources
    from khabar.text.normalize import normalize
    from khabar.text.segment import segment

    t0 = time.time()
    shared = shared or shared_data()
    res = resources()
    tagger._tagger(teacher)
    crf = tagger._fast(str(teacher))
    nn = tagger._neural(str(neural)) if neural else None
    if neural and nn is None:
        raise FileNotFoundError(neural)
    if nn is not None and mix is not None:
        nn.mix = mix  # the cached model object: tag_sentences below uses the same weight
    seen: set[str] = set()
    kept: list[tuple[list[str], list[str]]] = []
    stats = {"articles": 0, "candidates": 0, "confident": 0, "with_entity": 0, "kept": 0, "tokens": 0}
    for text in articles(shared, corpus, seed):
        if len(kept) >= n:
            break
        stats["articles"] += 1
        doc = segment(Document(text=text))
        cands = []
        for s in doc.sentences:
            toks = [t.text for t in doc.tokens[s.tok_start:s.tok_end]]
            if not min_len <= len(toks) <= max_len:
                continue
            if sum(bool(_ARABIC.match(t)) for t in toks) < 0.6 * len(toks):
                continue
            key = normalize("".join(toks))
            if key in seen:
                continue
            seen.add(key)
            cands.append(toks)
        if not cands:
            continue
        stats["candidates"] += len(cands)
        conf = (confidences_mixed(cands, crf, nn, res) if nn else [confidence(t, crf, res) for t in cands])
        tags = tagger.tag_sentences(cands, teacher, neural=Path(neural) if neural else False)
        for toks, c, tg in zip(cands, conf, tags):
            if c < threshold:
                continue
            stats["confident"] += 1
            if all(t == "O" for t in tg):
                continue
            stats["with_entity"] += 1
            if want_novel and not novel(toks, tg, res):
                continue
            kept.append((toks, tg))
            if len(kept) >= n:
                break
        if log and stats["articles"] % 500 == 0:
            log({**stats, "kept": len(kept), "s": round(time.time() - t0)})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for toks, tg in kept:
            f.write("".join(f"{a}\t{b}\n" for a, b in zip(toks, tg)) + "\n")
    stats["kept"] = len(kept)
    stats["tokens"] = sum(len(t) for t, _ in kept)
    stats["entities"] = sum(sum(x.startswith("B-") for x in g) for _, g in kept)
    stats["seconds"] = round(time.time() - t0)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--teacher", type=Path, required=True)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--novel", action="store_true")
    ap.add_argument("--neural", type=Path, default=None, help="BiLSTM-CRF .npz averaged with the teacher CRF")
    ap.add_argument("--mix", type=float, default=None, help="neural weight (default: the one stored in the .npz)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--corpus", default="antcorpus")
    ap.add_argument("--min-len", type=int, default=6)
    ap.add_argument("--max-len", type=int, default=60)
    a = ap.parse_args()
    r = generate(a.out, a.teacher, a.n, a.threshold, a.novel, a.seed, a.corpus, a.min_len, a.max_len,
                 log=lambda x: print(json.dumps(x), file=sys.stderr, flush=True), neural=a.neural, mix=a.mix)
    print(json.dumps({"out": str(a.out), "teacher": str(a.teacher), "n": a.n, "threshold": a.threshold,
                      "novel": a.novel, "neural": str(a.neural) if a.neural else None, "mix": a.mix, "seed": a.seed, **r}))


if __name__ == "__main__":
    main()

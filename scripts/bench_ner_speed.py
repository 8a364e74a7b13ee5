"""NER speed on one CPU core: khabar's CRF tagger vs a BERT-base-sized token classifier (random weights).

Usage: python scripts/bench_ner_speed.py [--sentences 400] [--bert-seqs 8]
Input: the CAMeL test split's tokens from ../shared/data (or a synthetic sentence set if absent).
Output: tokens/s of ``khabar.ner.tagger.tag_tokens`` (features + CRF, model loaded beforehand: ``khabar_crf``,
``ratio``, ``ratio_cpu``), of the default mode's BiLSTM-CRF alone (``khabar_bilstm``, ``ratio_cpu_bilstm``) and of
the stage path ``tag_sentences`` in the mode of ``KHABAR_NER`` (blocks of 50 sentences, boundary repair,
propagation, caches emptied first: ``khabar_pipeline``, ``ratio_cpu_pipeline``), tokens/s of a
BERT-base forward pass (12 layers, hidden 768, 12 heads, FFN 3072, vocab 64k, sequence length 128, batch 1; torch
when installed, else numpy — same FLOPs as CAMeLBERT), and their ratio — by wall clock (``ratio``) and by process
CPU time (``ratio_cpu``, robust to other jobs on a shared machine). Threads are pinned to one.
"""
from __future__ import annotations

import argparse
import json
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import numpy as np  # noqa: E402

L, H, HEADS, FFN, VOCAB, SEQ, NLAB = 12, 768, 12, 3072, 64000, 128, 9


def _sentences(n: int) -> list[list[str]]:
    from khabar.paths import shared_data

    sh = shared_data(required=False)
    if sh is not None:
        from khabar.eval.ner import read_test

        toks, _ = read_test(sh / "ner/anercorp/ANERCorp_CamelLab_test.txt")
        return toks[:n]
    base = "قال الرئيس المصري في القاهرة إن الاتحاد الأوروبي سيقدم مساعدات جديدة".split()
    return [base * 2 for _ in range(n)]


def bench_crf(sents: list[list[str]]) -> dict:
    from khabar.ner.tagger import tag_tokens

    tag_tokens(sents[0])  # load model + resources
    n = sum(len(s) for s in sents)
    t0, c0 = time.perf_counter(), time.process_time()
    for s in sents:
        tag_tokens(s)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return {"tokens": n, "seconds": round(dt, 3), "tokens_per_s": round(n / dt, 1),
            "cpu_seconds": round(dc, 3), "tokens_per_cpu_s": round(n / dc, 1)}


def _clear_caches() -> bool:
    from khabar.ner import tagger
    from khabar.ner.features import resources

    resources().cache.clear()
    found = False
    for path in (tagger.NEURAL_MODEL, *tagger.EXTRA_NEURAL_MODELS):
        nn = tagger._neural(str(path))
        if nn is not None:
            nn._cache.clear()
            found = True
    return found


def bench_pipeline(sents: list[list[str]]) -> dict:
    """The shipped path of the NER stage in the mode of ``KHABAR_NER`` (``khabar.ner.tagger.ner_mode``):
    ``tag_sentences`` (blocks of 50 sentences: the mode's model(s), boundary repair, label propagation), with every
    per-token cache emptied first."""
    from khabar.ner import tagger

    tagger.tag_sentences(sents[:1])  # load models + resources
    neural = _clear_caches()
    n = sum(len(s) for s in sents)
    t0, c0 = time.perf_counter(), time.process_time()
    tagger.tag_sentences(sents)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return {"mode": tagger.ner_mode(), "neural": neural, "tokens": n, "seconds": round(dt, 3),
            "tokens_per_s": round(n / dt, 1), "cpu_seconds": round(dc, 3), "tokens_per_cpu_s": round(n / dc, 1)}


def bench_bilstm(sents: list[list[str]]) -> dict | None:
    """The default mode's model alone, as ``bench_crf`` for the CRF: the BiLSTM-CRF's Viterbi tags per block of 50
    sentences (``tag_block(neural=True, mix=1)``), no boundary repair or propagation, caches emptied first."""
    from khabar.ner import tagger

    if tagger._neural(str(tagger.NEURAL_MODEL)) is None:
        return None
    tagger.tag_block(sents[:1], neural=True, mix=1.0)
    _clear_caches()
    n = sum(len(s) for s in sents)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(sents), 50):
        tagger.tag_block(sents[i:i + 50], neural=True, mix=1.0)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return {"tokens": n, "seconds": round(dt, 3), "tokens_per_s": round(n / dt, 1),
            "cpu_seconds": round(dc, 3), "tokens_per_cpu_s": round(n / dc, 1)}


def bench_bert_torch(nseq: int) -> dict:
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(H, HEADS, FFN, batch_first=True, activation="gelu")
    model = torch.nn.Sequential()
    emb = torch.nn.Embedding(VOCAB, H)
    enc = torch.nn.TransformerEncoder(layer, L, enable_nested_tensor=False)
    head = torch.nn.Linear(H, NLAB)
    emb.eval(), enc.eval(), head.eval()
    ids = torch.randint(0, VOCAB, (1, SEQ))
    with torch.inference_mode():
        head(enc(emb(ids)))  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(nseq):
            head(enc(emb(ids))).argmax(-1)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
    del model
    return {"backend": f"torch {torch.__version__}", "tokens": nseq * SEQ, "seconds": round(dt, 3),
            "tokens_per_s": round(nseq * SEQ / dt, 1), "cpu_seconds": round(dc, 3),
            "tokens_per_cpu_s": round(nseq * SEQ / dc, 1)}


def bench_bert_numpy(nseq: int) -> dict:
    rng = np.random.default_rng(0)
    f = np.float32
    emb = rng.standard_normal((VOCAB, H), dtype=f) * 0.02
    layers = [{k: rng.standard_normal(s, dtype=f) * 0.02 for k, s in
               (("qkv", (H, 3 * H)), ("o", (H, H)), ("f1", (H, FFN)), ("f2", (FFN, H)))} for _ in range(L)]
    head = rng.standard_normal((H, NLAB), dtype=f) * 0.02

    def ln(x):
        m = x.mean(-1, keepdims=True)
        return (x - m) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)

    def fwd(ids):
        x = emb[ids]
        for w in layers:
            q, k, v = np.split(x @ w["qkv"], 3, axis=-1)
            q = q.reshape(SEQ, HEADS, -1).transpose(1, 0, 2)
            k = k.reshape(SEQ, HEADS, -1).transpose(1, 2, 0)
            v = v.reshape(SEQ, HEADS, -1).transpose(1, 0, 2)
            a = q @ k / np.sqrt(H // HEADS)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            x = ln(x + (a @ v).transpose(1, 0, 2).reshape(SEQ, H) @ w["o"])
            h = x @ w["f1"]
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))
            x = ln(x + h @ w["f2"])
        return (x @ head).argmax(-1)

    ids = rng.integers(0, VOCAB, SEQ)
    fwd(ids)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(nseq):
        fwd(ids)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return {"backend": f"numpy {np.__version__}", "tokens": nseq * SEQ, "seconds": round(dt, 3),
            "tokens_per_s": round(nseq * SEQ / dt, 1), "cpu_seconds": round(dc, 3),
            "tokens_per_cpu_s": round(nseq * SEQ / dc, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=400)
    ap.add_argument("--bert-seqs", type=int, default=8)
    ap.add_argument("--numpy", action="store_true", help="force the numpy BERT even when torch is installed")
    a = ap.parse_args()
    sents = _sentences(a.sentences)
    pipe = bench_pipeline(sents)
    from khabar.ner.features import resources

    resources().cache.clear()
    crf = bench_crf(sents)
    bil = bench_bilstm(sents)
    try:
        if a.numpy:
            raise ImportError
        bert = bench_bert_torch(a.bert_seqs)
    except ImportError:
        bert = bench_bert_numpy(a.bert_seqs)
    out = {"khabar_crf": crf, "khabar_pipeline": pipe, "bert_base": bert,
           "ratio": round(crf["tokens_per_s"] / bert["tokens_per_s"], 1),
           "ratio_cpu": round(crf["tokens_per_cpu_s"] / bert["tokens_per_cpu_s"], 1),
           "ratio_cpu_pipeline": round(pipe["tokens_per_cpu_s"] / bert["tokens_per_cpu_s"], 1)}
    if bil:
        out["khabar_bilstm"] = bil
        out["ratio_cpu_bilstm"] = round(bil["tokens_per_cpu_s"] / bert["tokens_per_cpu_s"], 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""Training of the character + word BiLSTM-CRF NER (:mod:`khabar.ner.bilstm`) with PyTorch on the CPU.

torch is a training-only dependency (``pip install 'khabar[train-neural]'``, ``torch==2.13.0``); it is imported
inside the functions, so importing this module never needs it. The trained weights are exported to a float16
``.npz`` that :class:`khabar.ner.bilstm.BiLSTMCRF` runs in numpy. Method: Lample et al. (2016), Ma & Hovy (2016)
— BiLSTM over word + character-CNN inputs with a CRF output layer, trained by negative log-likelihood (Adam).
"""
from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import numpy as np


# The configuration chosen on dev (docs/bench/ner.md, session 3); ``epochs`` = 16, between the best epochs of two
# seeds on the far dev (14 and 15; session 6); ``mix`` = the neural side's weight in the accurate mode (two
# BiLSTM-CRFs and the CRF weighted equally).
DEFAULT_ARGS = {"epochs": 16, "patience": 4, "hidden": 100, "char_dim": 25, "char_filters": 50,
                "cl_dims": [8, 16, 16, 24], "dropout": 0.5, "lr": 3e-3, "batch": 32, "seed": 13, "threads": 1,
                "tw_min": 0, "tw_dim": 50, "word_drop": 0.0, "mix": 0.667}


def train_full(sents, out: Path, args: dict | None = None, log=print) -> dict:
    """Train the BiLSTM-CRF on all of ``sents`` ((tokens, BIO tags) pairs) for ``args["epochs"]`` epochs with
    :data:`DEFAULT_ARGS` (overridden by ``args``) and export it to ``out`` (float16 ``.npz``).
    Returns {"model", "sentences", "seconds", "bytes"}. Raises ImportError when torch is not installed."""
    from types import SimpleNamespace

    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise ImportError("training the BiLSTM-CRF needs torch: pip install 'khabar[train-neural]'")

    a = SimpleNamespace(**{**DEFAULT_ARGS, **(args or {})})
    r = train(sents, [], a, Path(out), log)
    return {"model": str(out), "sentences": len(sents), "seconds": r["seconds"], "bytes": Path(out).stat().st_size}


def build(args, n_chars: int, n_tags: int, vec: np.ndarray, n_twords: int = 0):
    import torch
    from torch import nn

    from khabar.ner.bilstm import N_FLAGS

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            full = np.vstack([vec.astype(np.float32), np.zeros((1, vec.shape[1]), np.float32)])
            self.wemb = nn.Embedding.from_pretrained(torch.from_numpy(full), freeze=True)
            self.cemb = nn.Embedding(n_chars, args.char_dim, padding_idx=0)
            self.conv = nn.Conv1d(args.char_dim, args.char_filters, 3, padding=1)
            self.cl = nn.ModuleList([nn.Embedding(k + 1, d) for k, d in zip((32, 128, 512, 2048), args.cl_dims)])
            dim = vec.shape[1] + args.char_filters + sum(args.cl_dims) + N_FLAGS
            self.tw = nn.Embedding(n_twords + 1, args.tw_dim, padding_idx=0) if n_twords else None
            dim += args.tw_dim if n_twords else 0
            self.drop = nn.Dropout(args.dropout)
            self.lstm = nn.LSTM(dim, args.hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * args.hidden, n_tags)
            self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))
            self.start = nn.Parameter(torch.zeros(n_tags))
            self.end = nn.Parameter(torch.zeros(n_tags))

        def emissions(self, b):
            w, cl, fl, ch, tw, lens = b
            B, T = w.shape
            e = self.cemb(ch.view(B * T, -1))  # (BT, L, C)
            h = torch.relu(self.conv(e.transpose(1, 2)))  # (BT, F, L)
            h = h.masked_fill((ch.view(B * T, -1) == 0).unsqueeze(1), 0.0)
            cnn = h.max(2).values.view(B, T, -1)
            parts = [self.wemb(w), cnn] + [m(cl[:, :, k]) for k, m in enumerate(self.cl)] + [fl]
            if self.tw is not None:
                if self.training and getattr(args, "word_drop", 0):
                    tw = tw.masked_fill(torch.rand(tw.shape) < args.word_drop, 0)
                parts.append(self.tw(tw))
            x = self.drop(torch.cat(parts, 2))
            pk = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
            o, _ = self.lstm(pk)
            o, _ = nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=T)
            return self.out(self.drop(o))

        def nll(self, em, tags, mask):
            B, T, K = em.shape
            # gold path score
            s = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
            for t in range(1, T):
                m = mask[:, t]
                s = s + m * (self.trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t:t + 1]).squeeze(1))
            last = tags.gather(1, (mask.sum(1).long() - 1).unsqueeze(1)).squeeze(1)
            s = s + self.end[last]
            # partition
            a = self.start + em[:, 0]
            for t in range(1, T):
                nxt = torch.logsumexp(a.unsqueeze(2) + self.trans.unsqueeze(0), 1) + em[:, t]
                m = mask[:, t].unsqueeze(1)
                a = m * nxt + (1 - m) * a
            z = torch.logsumexp(a + self.end, 1)
            return (z - s).sum()

    return Net()


def batches(encs, tags, idx, size):
    import torch

    for a in range(0, len(idx), size):
        part = [idx[i] for i in range(a, min(a + size, len(idx)))]
        T = max(len(encs[i]["w"]) for i in part)
        B = len(part)
        L = encs[part[0]]["ch"].shape[1]
        nf = encs[part[0]]["fl"].shape[1]
        w = np.full((B, T), 0, np.int64)
        cl = np.zeros((B, T, 4), np.int64)
        fl = np.zeros((B, T, nf), np.float32)
        ch = np.zeros((B, T, L), np.int64)
        tw = np.zeros((B, T), np.int64)
        tg = np.zeros((B, T), np.int64)
        mask = np.zeros((B, T), np.float32)
        lens = []
        for j, i in enumerate(part):
            e = encs[i]
            n = len(e["w"])
            w[j, :n], cl[j, :n], fl[j, :n], ch[j, :n], tw[j, :n] = e["w"], e["cl"], e["fl"], e["ch"], e["tw"]
            if tags is not None:
                tg[j, :n] = tags[i]
            mask[j, :n] = 1
            lens.append(n)
        yield part, (torch.from_numpy(w), torch.from_numpy(cl), torch.from_numpy(fl), torch.from_numpy(ch),
                     torch.from_numpy(tw), torch.tensor(lens)), torch.from_numpy(tg), torch.from_numpy(mask)


def export(net, path: Path, tags: list[str], chars: str, twords: list[str] | None = None,
           mix: float | None = None) -> None:
    """Write the trained weights as float16 arrays (names read by khabar.ner.bilstm.BiLSTMCRF)."""
    sd = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    C = sd["cemb.weight"].shape[1]
    out = {
        "char_emb": sd["cemb.weight"], "char_w": sd["conv.weight"].transpose(2, 1, 0).reshape(3 * C, -1),
        "char_b": sd["conv.bias"], "out_w": sd["out.weight"].T, "out_b": sd["out.bias"],
        "trans": sd["trans"], "start": sd["start"], "end": sd["end"],
    }
    for k in range(4):
        out[f"cl{k}_emb"] = sd[f"cl.{k}.weight"]
    extra = {}
    if mix is not None:
        extra["mix"] = np.array(mix, dtype=np.float32)
    if twords:
        out["tw_emb"] = sd["tw.weight"]
        extra["twords"] = np.array("\n".join(twords))
    for d, suf in (("f", ""), ("b", "_reverse")):
        out[f"lstm_{d}_wx"] = sd[f"lstm.weight_ih_l0{suf}"].T
        out[f"lstm_{d}_wh"] = sd[f"lstm.weight_hh_l0{suf}"].T
        out[f"lstm_{d}_b"] = sd[f"lstm.bias_ih_l0{suf}"] + sd[f"lstm.bias_hh_l0{suf}"]
    out = {k: np.ascontiguousarray(v).astype(np.float16) for k, v in out.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, tags=np.array(tags), chars=np.array(chars), **extra, **out)


def train(train_sents, dev_sents, args, out: Path, log) -> dict:
    import torch

    from khabar.eval.ner import score
    from khabar.ner import features as F
    from khabar.ner.bilstm import encode, viterbi, word_index
    from khabar.ner.tagger import propagate

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    res = F.resources()
    words = word_index()
    vec = np.load(F.VECTORS)
    cc = Counter(c for toks, _ in train_sents for t in toks for c in F._token_info(t, res)["w"])
    chars = "".join(sorted(c for c, n in cc.items() if n >= 2))
    cmap = {c: i + 2 for i, c in enumerate(chars)}
    twl: list[str] = []
    if getattr(args, "tw_min", 0):
        wc = Counter(F._token_info(t, res)["w"] for toks, _ in train_sents for t in toks)
        twl = sorted(w for w, n in wc.items() if n >= args.tw_min and "\n" not in w)
    tmap = {w: i + 1 for i, w in enumerate(twl)} or None
    tagset = ["O"] + [f"{b}-{t}" for t in ("PER", "ORG", "LOC", "MISC") for b in "BI"]
    tix = {t: i for i, t in enumerate(tagset)}
    enc_tr = [encode(t, words, cmap, res, tmap) for t, _ in train_sents]
    y_tr = [np.array([tix.get(g, 0) for g in gs]) for _, gs in train_sents]
    enc_dev = [encode(t, words, cmap, res, tmap) for t, _ in dev_sents]
    net = build(args, len(chars) + 2, len(tagset), vec, len(twl))
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=args.lr)
    best, best_ep, hist = -1.0, 0, []
    t0 = time.time()
    order = list(range(len(enc_tr)))
    for ep in range(1, args.epochs + 1):
        net.train()
        random.shuffle(order)
        # bucket by length inside chunks so batches are dense
        chunks = [sorted(order[i:i + args.batch * 20], key=lambda k: len(enc_tr[k]["w"]))
                  for i in range(0, len(order), args.batch * 20)]
        bl = [c[i:i + args.batch] for c in chunks for i in range(0, len(c), args.batch)]
        random.shuffle(bl)
        tot = 0.0
        for part in bl:
            for _, b, tg, mask in batches(enc_tr, y_tr, part, len(part)):
                em = net.emissions(b)
                loss = net.nll(em, tg, mask) / len(part)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
                opt.step()
                tot += float(loss) * len(part)
        row = {"epoch": ep, "loss": round(tot, 1), "s": round(time.time() - t0)}
        if dev_sents:
            net.eval()
            pred = [None] * len(enc_dev)
            tr_np = net.trans.detach().numpy()
            st, en = net.start.detach().numpy(), net.end.detach().numpy()
            with torch.no_grad():
                for part, b, _, _ in batches(enc_dev, None, list(range(len(enc_dev))), 64):
                    em = net.emissions(b).numpy()
                    for j, i in enumerate(part):
                        n = len(enc_dev[i]["w"])
                        pred[i] = [tagset[k] for k in viterbi(em[j, :n], tr_np, st, en)]
            gold = [g for _, g in dev_sents]
            d = score(gold, pred)
            toks = [t for t, _ in dev_sents]
            pp = []
            for i in range(0, len(toks), 50):
                pp += propagate(toks[i:i + 50], pred[i:i + 50])
            dp = score(gold, pp)
            row.update(f1=d["micro_f1"], p=d["precision"], r=d["recall"], f1_prop=dp["micro_f1"],
                       per={k: v["f1"] for k, v in d["per_type"].items()})
            if d["micro_f1"] > best:
                best, best_ep = d["micro_f1"], ep
                export(net, out, tagset, chars, twl, getattr(args, "mix", None))
                row["saved"] = True
            elif ep - best_ep >= args.patience:
                log(row)
                hist.append(row)
                break
        hist.append(row)
        log(row)
    if not dev_sents:
        export(net, out, tagset, chars, twl, getattr(args, "mix", None))
    return {"best_dev": best, "best_epoch": best_ep, "epochs": hist, "seconds": round(time.time() - t0)}

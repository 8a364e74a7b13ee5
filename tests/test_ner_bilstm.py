"""The numpy BiLSTM-CRF forward pass (khabar.ner.bilstm): agreement with the torch model it was exported from,
and tagging without torch."""
from __future__ import annotations

import importlib.util
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from khabar.ner import bilstm
from khabar.ner.features import VECTORS

SENTS = [
    "قال وزير الخارجية الفرنسي جان لوران في باريس إن الاتحاد الأوروبي سيرسل وفدا إلى القاهرة".split(),
    "وصل الرئيس إلى عمان .".split(),
    ["كلمة"],
    "وأعلنت شركة النفط الوطنية في بغداد عن اتفاق جديد مع Total يوم الاثنين الماضي بعد مفاوضات طويلة".split(),
]
TAGS = ["O"] + [f"{b}-{t}" for t in ("PER", "ORG", "LOC", "MISC") for b in "BI"]

needs_vectors = pytest.mark.skipif(not VECTORS.is_file(), reason="word-vector table not built")


def _random_npz(path, hidden=6, char_dim=4, filters=5, cl_dims=(2, 3, 2, 2), chars="ابتثجحخدرزسشصطعفقلمنهوي", seed=0):
    """A random model in the export format, written with numpy only."""
    rng = np.random.default_rng(seed)
    dim = 100 + filters + sum(cl_dims) + bilstm.N_FLAGS

    def r(*s):
        return (rng.standard_normal(s) * 0.5).astype(np.float16)

    w = {"char_emb": r(len(chars) + 2, char_dim), "char_w": r(3 * char_dim, filters), "char_b": r(filters),
         "out_w": r(2 * hidden, len(TAGS)), "out_b": r(len(TAGS)), "trans": r(len(TAGS), len(TAGS)),
         "start": r(len(TAGS)), "end": r(len(TAGS))}
    w["char_emb"][0] = 0
    for k, (n, d) in enumerate(zip((32, 128, 512, 2048), cl_dims)):
        w[f"cl{k}_emb"] = r(n + 1, d)
    for d in "fb":
        w[f"lstm_{d}_wx"], w[f"lstm_{d}_wh"], w[f"lstm_{d}_b"] = r(dim, 4 * hidden), r(hidden, 4 * hidden), r(4 * hidden)
    np.savez_compressed(path, tags=np.array(TAGS), chars=np.array(chars), **w)


@needs_vectors
def test_numpy_tagging_without_torch(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # any `import torch` now raises ImportError
    p = tmp_path / "m.npz"
    _random_npz(p)
    m = bilstm.BiLSTMCRF(p)
    out = m.tag(SENTS + [[]])
    assert [len(t) for t in out] == [len(s) for s in SENTS] + [0]
    assert all(t in TAGS for s in out for t in s)
    # batching must not change the result: one sentence at a time gives the same scores
    alone = [m.scores([s])[0] for s in SENTS]
    for a, b in zip(alone, m.scores(SENTS)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    marg = m.marginals(SENTS)
    for x in marg:
        np.testing.assert_allclose(x.sum(1), 1.0, atol=1e-6)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        bilstm.BiLSTMCRF(tmp_path / "absent.npz")


def test_viterbi_and_marginals_agree_on_a_peaked_chain():
    rng = np.random.default_rng(1)
    s = rng.standard_normal((7, 4)) * 10
    tr = rng.standard_normal((4, 4))
    z = np.zeros(4)
    best = bilstm.viterbi(s, tr, z, z)
    # brute force over all 4**7 paths
    import itertools

    def sc(path):
        return sum(s[i, k] for i, k in enumerate(path)) + sum(tr[a, b] for a, b in zip(path, path[1:]))

    assert list(max(itertools.product(range(4), repeat=7), key=sc)) == best
    m = bilstm.marginals(s, tr, z, z)
    np.testing.assert_allclose(m.sum(1), 1.0, atol=1e-9)


@needs_vectors
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed (training-only extra)")
def test_numpy_forward_matches_torch(tmp_path):
    import torch

    from khabar.ner import features as F
    from khabar.ner.bilstm_train import build, export

    torch.manual_seed(0)
    chars = "ابتثجحخدرزسشصطعفقلمنهوي"
    args = SimpleNamespace(char_dim=4, char_filters=5, cl_dims=[2, 3, 2, 2], dropout=0.0, hidden=6)
    vec = np.load(F.VECTORS)
    net = build(args, len(chars) + 2, len(TAGS), vec)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.requires_grad:
                p.copy_((torch.randn_like(p) * 0.5).half().float())  # exactly representable in float16
        net.cemb.weight[0] = 0
    p = tmp_path / "m.npz"
    export(net, p, TAGS, chars)
    m = bilstm.BiLSTMCRF(p)
    from khabar.ner.bilstm_train import batches

    res = F.resources()
    encs = [bilstm.encode(s, m.words, m.chars, res) for s in SENTS]
    net.eval()
    with torch.no_grad():
        for part, b, _, _ in batches(encs, None, list(range(len(encs))), len(encs)):
            em = net.emissions(b).numpy()
    ours = m.scores(SENTS)
    for j, i in enumerate(part):
        n = len(SENTS[i])
        # biases are summed in float16 by the export, hence the tolerance
        np.testing.assert_allclose(ours[i], em[j, :n], rtol=2e-2, atol=2e-2)
    tr = net.trans.detach().numpy()
    st, en = net.start.detach().numpy(), net.end.detach().numpy()
    assert m.tag(SENTS) == [[TAGS[k] for k in bilstm.viterbi(em[j, :len(SENTS[i])], tr, st, en)]
                            for j, i in sorted(enumerate(part), key=lambda x: x[1])]


@needs_vectors
def test_tagger_combination_runs_and_falls_back(tmp_path):
    from khabar.ner import tagger

    if not tagger.MODEL.is_file():
        pytest.skip("CRF model not built")
    crf_only = [tagger.tag_tokens(s) for s in SENTS]
    # no BiLSTM file: the CRF's own tags, whatever the default NEURAL_MODEL is
    assert tagger.tag_block(SENTS, neural=tmp_path / "absent.npz") == crf_only
    assert tagger.tag_block(SENTS, neural=False) == crf_only
    for mix in (0.4, 1.0):
        p = tmp_path / f"m{mix}.npz"
        _random_npz(p)
        z = dict(np.load(p))
        np.savez_compressed(p, **z, mix=np.array(mix, dtype=np.float32))
        out = tagger.tag_block(SENTS + [[]], neural=p)
        assert [len(t) for t in out] == [len(s) for s in SENTS] + [0]
        if mix < 1.0:
            for tags in out:  # the constrained decoder never emits an I- without its B-
                for a, b in zip(["O", *tags], tags):
                    assert not b.startswith("I-") or a[2:] == b[2:]
        else:
            assert out[:-1] == bilstm.BiLSTMCRF(p).tag(SENTS)


@needs_vectors
def test_stage_uses_the_neural_model_when_present(tmp_path, monkeypatch):
    from khabar.document import Document
    from khabar.ner import tagger
    from khabar.text.segment import segment

    if not tagger.MODEL.is_file():
        pytest.skip("CRF model not built")
    p = tmp_path / "m.npz"
    _random_npz(p)
    np.savez_compressed(p, **dict(np.load(p)), mix=np.array(0.4, dtype=np.float32))
    monkeypatch.setattr(tagger, "NEURAL_MODEL", p)
    text = " ".join(" ".join(s) for s in SENTS) + "\n\n" + "ضرب الزلزال مدينة القاهرة صباح اليوم ."
    doc = tagger.tag(segment(Document(text=text)))
    for e in doc.entities:  # offsets point at the entity text, labels are the stage's labels
        assert doc.text[e.start:e.end] == e.text and e.label in {"PER", "ORG", "LOC", "GPE", "MISC"}
    sents = [s for s in SENTS]
    monkeypatch.delenv("KHABAR_NER", raising=False)  # default mode: the BiLSTM-CRF alone, the CRF not run
    alone = tagger.tag_sentences(sents, neural=p, mix=1.0)
    assert tagger.tag_sentences(sents) == alone
    monkeypatch.setattr(tagger, "tag_tokens", None)  # the CRF is never called in the default mode
    assert tagger.tag_sentences(sents) == alone
    monkeypatch.undo()
    monkeypatch.setattr(tagger, "NEURAL_MODEL", p)
    monkeypatch.setenv("KHABAR_NER", "accurate")  # the average, with the mix stored in the file
    assert tagger.tag_sentences(sents) == tagger.tag_sentences(sents, neural=p)
    monkeypatch.setenv("KHABAR_NER", "crf")
    assert tagger.tag_sentences(sents) == tagger.tag_sentences(sents, neural=False)


@needs_vectors
def test_accurate_mode_averages_every_shipped_bilstm_with_the_crf(tmp_path, monkeypatch):
    from khabar.ner import tagger

    if not tagger.MODEL.is_file():
        pytest.skip("CRF model not built")
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    for p, seed in ((a, 1), (b, 2)):
        _random_npz(p, seed=seed)
        np.savez_compressed(p, **dict(np.load(p)), mix=np.array(0.667, dtype=np.float32))
    monkeypatch.setattr(tagger, "NEURAL_MODEL", a)
    monkeypatch.setattr(tagger, "EXTRA_NEURAL_MODELS", (b, tmp_path / "absent.npz"))
    monkeypatch.setenv("KHABAR_NER", "accurate")
    both = tagger.tag_block(SENTS)
    assert both == tagger.tag_block(SENTS, neural=[a, b])  # the missing third file is skipped
    assert both == tagger.tag_block(SENTS, neural=[a, b, tmp_path / "absent.npz"], mix=0.667)
    for tags in both:
        for x, y in zip(["O", *tags], tags):
            assert not y.startswith("I-") or x[2:] == y[2:]
    # the neural side alone (mix 1) with two models: their averaged posteriors, the CRF not run
    monkeypatch.setattr(tagger, "tag_tokens", None)
    assert [len(t) for t in tagger.tag_block(SENTS, neural=[a, b], mix=1.0)] == [len(s) for s in SENTS]
    monkeypatch.setenv("KHABAR_NER", "default")  # the default mode: the first model alone
    assert tagger.tag_block(SENTS) == bilstm.BiLSTMCRF(a).tag(SENTS)


# --- session 6 hostile round: unusable files, bad mix values, threads, modes without the CRF ---

def _bad_files(tmp_path):
    from khabar.ner import tagger

    src = tagger.NEURAL_MODEL
    raw = src.read_bytes()
    z = dict(np.load(src))
    files = {"trunc.npz": raw[:5000], "empty.npz": b""}
    for name, b in files.items():
        (tmp_path / name).write_bytes(b)
    variants = {"shape.npz": {"out_w": z["out_w"][:, :7]}, "nan.npz": {"out_b": np.full_like(z["out_b"], np.nan)},
                "tags.npz": {"tags": np.array(list(z["tags"][:-1]) + ["B-X"])},
                "layout.npz": {"lstm_f_wx": z["lstm_f_wx"][:-16], "lstm_b_wx": z["lstm_b_wx"][:-16]}}
    for name, change in variants.items():
        np.savez(tmp_path / name, **{**z, **change})
    return [tmp_path / n for n in (*files, *variants)]


@needs_vectors
def test_an_unusable_bilstm_file_falls_back_to_the_crf_with_a_warning(tmp_path, monkeypatch):
    from khabar.ner import tagger

    if not (tagger.MODEL.is_file() and tagger.NEURAL_MODEL.is_file()):
        pytest.skip("models not built")
    crf_only = [tagger.tag_tokens(s) for s in SENTS]
    for p in _bad_files(tmp_path):
        assert tagger.tag_block(SENTS, neural=p) == crf_only, p.name
        monkeypatch.setattr(tagger, "NEURAL_MODEL", p)
        monkeypatch.delenv("KHABAR_NER", raising=False)
        warns = tagger.mode_warnings()
        assert len(warns) == 1 and p.name in warns[0] and "CRF" in warns[0], (p.name, warns)
        monkeypatch.undo()


@needs_vectors
def test_bad_mix_values_are_refused_and_integers_read_as_switches():
    from khabar.ner import tagger

    if not (tagger.MODEL.is_file() and tagger.NEURAL_MODEL.is_file()):
        pytest.skip("models not built")
    for bad in (float("nan"), -1.0, float("-inf"), -0.0001):
        with pytest.raises(ValueError):
            tagger.tag_block(SENTS, neural=True, mix=bad)
    assert tagger.tag_block(SENTS, neural=0) == tagger.tag_block(SENTS, neural=False)
    assert tagger.tag_block(SENTS, neural=1, mix=1.0) == tagger.tag_block(SENTS, neural=True, mix=1.0)


@needs_vectors
def test_the_bilstm_does_not_need_its_cache_to_keep_entries():
    """Another thread may empty or replace the per-word cache at any time (khabar.analyze from threads): tagging
    must read the rows it has just computed, not the shared cache."""
    from khabar.ner import tagger

    if not tagger.NEURAL_MODEL.is_file():
        pytest.skip("model not built")
    m = bilstm.BiLSTMCRF(tagger.NEURAL_MODEL)
    want = m.tag(SENTS)

    class Forgetful(dict):  # as if another thread cleared the cache after every insertion
        def __setitem__(self, k, v):
            self.clear()
            super().__setitem__(k, v)

    m._cache = Forgetful()
    assert m.tag(SENTS) == want


@needs_vectors
def test_default_mode_runs_without_the_crf_file_and_reports_unknown_modes(tmp_path, monkeypatch):
    from khabar.document import Document
    from khabar.ner import tagger
    from khabar.text.segment import segment

    if not tagger.NEURAL_MODEL.is_file():
        pytest.skip("model not built")
    monkeypatch.setattr(tagger, "MODEL", tmp_path / "absent.crfsuite")
    monkeypatch.setenv("KHABAR_NER", "acurate")
    doc = tagger.tag(segment(Document(text="وقال الرئيس الفرنسي إيمانويل ماكرون في باريس إن الاتفاق مهم .")))
    assert {e.label for e in doc.entities} >= {"PER"}
    assert any("acurate" in w for w in doc.warnings)
    monkeypatch.setenv("KHABAR_NER", "crf")  # the CRF mode needs its file: a clear warning, no entities
    doc = tagger.tag(segment(Document(text="وقال الرئيس الفرنسي إيمانويل ماكرون في باريس .")))
    assert doc.entities == [] and any("NER model not found" in w for w in doc.warnings)


@needs_vectors
def test_an_english_sentence_is_tagged_by_the_crf_in_the_neural_modes(monkeypatch):
    from khabar.ner import tagger

    if not (tagger.MODEL.is_file() and tagger.NEURAL_MODEL.is_file()):
        pytest.skip("models not built")
    en = "Emmanuel Macron visited Paris and met Joe Biden in Washington .".split()
    for mode in ("default", "accurate"):
        monkeypatch.setenv("KHABAR_NER", mode)
        assert tagger.tag_block([en, SENTS[0]])[0] == tagger.tag_tokens(en)

"""NER stage: fills ``doc.entities`` with PER | ORG | LOC | GPE | MISC mentions (and ``subtype`` where known).

Method: a linear-chain CRF (python-crfsuite) over :func:`khabar.ner.features.sent_features` (sparse string
features plus dense word2vec components), trained by
``khabar train ner`` (:mod:`khabar.ner.train`) on ANERcorp's CAMeL train split and the other corpora recorded in
``docs/bench/ner.md``. The coarse CRF predicts PER/ORG/LOC/MISC (ANERcorp's types); a LOC mention is relabelled GPE
when the fine-class CRF (``ner_subtype.crfsuite``, trained on FANE fine classes) calls it a Nation /
Population-Center / State-or-Province / GPE-Cluster, or, without that model, when its words are a country or
city name in the gazetteer. Models are loaded once per process. A character + word BiLSTM-CRF
(``ner_bilstm.npz``, :mod:`khabar.ner.bilstm`, numpy only) is shipped too. Modes (:func:`ner_mode`, environment
``KHABAR_NER``; :func:`tag_block`): ``default`` = the BiLSTM-CRF alone (the CRF is not run; as fast as the CRF and
more accurate on text after the training period — docs/bench/ner.md, session 6), ``accurate`` = the tag
posteriors of the CRF and of two BiLSTM-CRFs (``ner_bilstm.npz``, ``ner_bilstm_2.npz``: two random seeds) averaged
(neural weight ``mix`` stored in the npz), ``crf`` = the CRF alone (also the fallback when the npz
is missing). All are followed by rule-based mention boundary repairs (:mod:`khabar.ner.boundaries`,
``data/lexicons/ner_boundaries.tsv``; session 4).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from khabar.document import Document, Entity
from khabar.ner.boundaries import fix as fix_boundaries
from khabar.ner.kbspans import mark as mark_kb_spans
from khabar.ner.features import core, entity_features, resources, sent_feature_parts, stems

MODEL = Path(__file__).resolve().parent.parent / "data" / "models" / "ner_crf.crfsuite"
SUB_MODEL = MODEL.with_name("ner_subtype.crfsuite")
MAX_LEN = 120  # tokens per CRF call: longer sentences are cut into windows
_LATIN_RE = re.compile(r"[A-Za-z]")
_ARABIC_RE = re.compile(r"[\u0621-\u064a]")


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


@functools.lru_cache(maxsize=4)
def _fast(path: str) -> "LinearCRF":
    return LinearCRF(path)


NEURAL_MODEL = MODEL.with_name("ner_bilstm.npz")  # BiLSTM-CRF (khabar.ner.bilstm): the default mode's tagger
# a second BiLSTM-CRF (same configuration, another random seed), averaged with the first and the CRF in "accurate" mode
EXTRA_NEURAL_MODELS = (MODEL.with_name("ner_bilstm_2.npz"),)


NER_MODES = ("default", "accurate", "crf")


def ner_mode() -> str:
    """The NER mode asked for by the environment variable ``KHABAR_NER`` (case and surrounding spaces ignored):
    ``accurate`` (CRF + two BiLSTM-CRFs averaged), ``crf`` (the CRF alone) or ``default`` (the BiLSTM-CRF alone) —
    also for an empty or unknown value, which :func:`mode_warnings` reports. Figures per mode: docs/bench/ner.md,
    session 6."""
    import os

    v = os.environ.get("KHABAR_NER", "").strip().lower()
    return v if v in NER_MODES else "default"


def accurate_mode() -> bool:
    """True when the environment asks for the slower, more accurate NER (``KHABAR_NER=accurate``): the CRF and the
    BiLSTM-CRFs averaged (about a third of the default speed; docs/bench/ner.md, sessions 3 and 6)."""
    return ner_mode() == "accurate"


_NEURAL_ERRORS: dict[str, str] = {}  # npz path → why it could not be loaded (filled by _neural)


def mode_warnings() -> list[str]:
    """Warnings for the NER mode of this process (list of str, empty when all is as asked): an unknown
    ``KHABAR_NER`` value, or a BiLSTM-CRF file the mode needs that is missing or unusable (the stage then runs the
    CRF, or fewer models). :func:`tag` adds them to ``doc.warnings``."""
    import os

    out = []
    raw = os.environ.get("KHABAR_NER", "")
    if raw.strip() and raw.strip().lower() not in NER_MODES:
        out.append(f"ner: unknown KHABAR_NER value {raw.strip()[:40]!r}: using the default mode "
                   f"(one of {', '.join(NER_MODES)})")
    mode = ner_mode()
    paths = [] if mode == "crf" else [NEURAL_MODEL, *(EXTRA_NEURAL_MODELS if mode == "accurate" else ())]
    for q in paths:
        if _neural(str(q)) is None:
            why = _NEURAL_ERRORS.get(str(q), "missing")
            out.append(f"ner: BiLSTM-CRF model {Path(q).name} not used ({why}): "
                       + ("the CRF tags instead" if q == NEURAL_MODEL else "the accurate mode runs without it"))
    return out


@functools.lru_cache(maxsize=4)
def _neural(path: str):
    """The BiLSTM-CRF at ``path``, or None when the file (or the vector table it needs) is missing or is not a
    usable model (damaged, another input layout, bad weights: :meth:`khabar.ner.bilstm.BiLSTMCRF._check`); the
    reason is kept for :func:`mode_warnings`."""
    from khabar.ner.bilstm import BiLSTMCRF

    try:
        return BiLSTMCRF(Path(path))
    except FileNotFoundError:
        _NEURAL_ERRORS[path] = "missing"
    except Exception as exc:  # noqa: BLE001 — any unreadable file must fall back, not break the stage
        _NEURAL_ERRORS[path] = f"unusable: {type(exc).__name__}: {str(exc)[:120]}"
    return None


def _mostly_latin(words: list[str]) -> bool:
    """More Latin-letter than Arabic-letter tokens (at least two): an English sentence inside Arabic text, which
    the BiLSTM-CRF (trained on Arabic characters) tags badly and the CRF better (session 6 hostile round)."""
    lat = sum(1 for w in words if _LATIN_RE.search(w))
    return lat >= 2 and lat > sum(1 for w in words if _ARABIC_RE.search(w))


@functools.lru_cache(maxsize=4)
def _constraint(tags: tuple[str, ...]):
    """0 / -1e9 transition matrix forbidding O→I-X and B-X/I-X→I-Y (Y ≠ X)."""
    import numpy as np

    m = np.zeros((len(tags), len(tags)))
    for i, a in enumerate(tags):
        for j, b in enumerate(tags):
            if b.startswith("I-") and (a == "O" or a[2:] != b[2:]):
                m[i, j] = -1e9
    return m


def tag_block(sents: list[list[str]], model: Path | None = None,
              neural: "Path | bool | list[Path] | None" = None, mix: float | None = None) -> list[list[str]]:
    """BIO tags for several sentences (list of token-string lists → list of tag lists), no propagation.

    ``neural``: None = :func:`ner_mode` decides (``default``: :data:`NEURAL_MODEL` alone; ``accurate``:
    :data:`NEURAL_MODEL` and :data:`EXTRA_NEURAL_MODELS` averaged with the CRF; ``crf``: the CRF alone); True =
    :data:`NEURAL_MODEL`; a path or a list of paths of BiLSTM-CRF ``.npz`` files; False = the CRF alone.
    ``mix``: weight of the neural side (None = the ``mix`` stored in the first ``.npz``, or 1 in the default mode),
    shared equally by the neural models. With ``mix`` ≥ 1 and one model, the BiLSTM-CRF's own Viterbi tags are
    returned and the CRF is not run; otherwise each token's tag posteriors are averaged (the neural models' mean
    with weight ``mix``, the CRF's with 1 − ``mix``) and decoded by a Viterbi that forbids O→I-X and X→I-Y. A
    sentence with more Latin-letter than Arabic-letter tokens gets the CRF's tags when the CRF is there
    (:func:`_mostly_latin`). Missing or unusable ``.npz`` files are skipped (:func:`mode_warnings` says so); with
    none left: the CRF's own Viterbi tags (:func:`tag_tokens`). Raises FileNotFoundError when the CRF model is
    needed and missing, ValueError for a ``mix`` that is not a number ≥ 0 (above 1 counts as 1).
    """
    import math

    import numpy as np

    from khabar.ner.bilstm import marginals, viterbi

    if mix is not None and not (isinstance(mix, (int, float)) and math.isfinite(mix) and mix >= 0):
        raise ValueError(f"mix must be a number in [0, 1], not {mix!r}")
    if isinstance(neural, int) and not isinstance(neural, bool):
        neural = bool(neural)
    if neural is None:
        m = ner_mode()
        neural = False if m == "crf" else ([NEURAL_MODEL, *EXTRA_NEURAL_MODELS] if m == "accurate" else True)
        if m == "default" and mix is None:
            mix = 1.0
    if neural is False:
        paths: list = []
    elif neural is True:
        paths = [NEURAL_MODEL]
    elif isinstance(neural, (str, Path)):
        paths = [neural]
    else:
        paths = list(neural)
    nns = [n for n in (_neural(str(Path(q))) for q in paths) if n is not None]
    if not nns:
        return [tag_tokens(s, model) for s in sents]
    res = resources()
    labels = tuple(nns[0].tags)
    nns = [n for n in nns if set(n.tags) == set(labels)]  # a model with other tags cannot be averaged
    w = nns[0].mix if mix is None else mix
    if w >= 1.0 and len(nns) == 1:  # the BiLSTM-CRF alone; English sentences go to the CRF when it is there
        out = nns[0].tag(sents, res)
        for k, s in enumerate(sents):
            if s and _mostly_latin(s):
                try:
                    out[k] = tag_tokens(s, model)
                except (FileNotFoundError, OSError):
                    pass
        return out
    zero = np.zeros(len(labels))
    bt = _constraint(labels)
    crf = ctr = perm = None
    if w < 1.0:
        _tagger(model)
        crf = _fast(str(Path(model) if model else MODEL))
        perm = [crf.labels.index(t) for t in labels]
        ctr = crf.trans[np.ix_(perm, perm)]
    w = min(w, 1.0)
    scores = [nn.scores(sents, res, batch=64) for nn in nns]
    out: list[list[str]] = []
    for k, s in enumerate(sents):
        if not s:
            out.append([])
            continue
        if _mostly_latin(s):  # an English sentence: the CRF alone (see _mostly_latin)
            try:
                out.append(tag_tokens(s, model))
                continue
            except (FileNotFoundError, OSError):
                pass
        post = sum(marginals(sc[k], nn.p["trans"], nn.p["start"], nn.p["end"])[:, [nn.tags.index(t) for t in labels]]
                   for nn, sc in zip(nns, scores))
        post = w * post / len(nns)
        if crf is not None:
            mc = []
            for a, b in _windows(len(s)):
                feats, vecs = sent_feature_parts(s[a:b], res)
                mc.append(marginals(crf.emissions(feats, vecs, res.vec_scale)[:, perm], ctr, zero, zero))
            post = post + (1 - w) * np.concatenate(mc)
        out.append([labels[i] for i in viterbi(np.log(post + 1e-12), bt, zero, zero)])
    return out


def tag_tokens(tokens: list[str], model: Path | None = None) -> list[str]:
    """BIO tags (``B-PER`` …) for one sentence's token strings (decoded by :class:`LinearCRF`, the same tags as
    python-crfsuite's tagger). Raises FileNotFoundError without a model."""
    if not tokens:
        return []
    _tagger(model)  # existence check + FileNotFoundError
    tg = _fast(str(Path(model) if model else MODEL))
    res = resources()
    out: list[str] = []
    for a, b in _windows(len(tokens)):
        feats, vecs = sent_feature_parts(tokens[a:b], res)
        out.extend(tg.tag(feats, vecs, res.vec_scale))
    return out


def _key(words: list[str]) -> tuple[str, ...]:
    out = []
    for w in words:
        c = core(w).lower()
        st = stems(c)
        out.append(st[-1] if st else c)
    return tuple(out)


def propagate(sents: list[list[str]], tags: list[list[str]], max_len: int = 4) -> list[list[str]]:
    """Document-level label consistency (a post-process over one document or a block of sentences).

    A word sequence (compared by clitic-stripped normalised forms) that the CRF tagged as an entity more often
    than it left it untagged in the block gets its majority label at its untagged occurrences too. Input/output:
    lists of token-string lists and their BIO tags (a new list of tag lists is returned).
    """
    from khabar.eval.ner import chunks

    lab: dict[tuple[str, ...], dict[str, int]] = {}
    for ws, ts in zip(sents, tags):
        for a, b, ty in chunks(ts):
            if b - a <= max_len:
                k = _key(ws[a:b])
                lab.setdefault(k, {}).setdefault(ty, 0)
                lab[k][ty] += 1
                if ty == "PER" and b - a >= 2 and PROPAGATE_SURNAME:  # "<first> <last>" then "<last>" alone
                    lab.setdefault(k[-1:], {}).setdefault(ty, 0)
                    lab[k[-1:]][ty] += 1
    if not lab:
        return tags
    keys = {k for k in lab if len(k) > 1 or len(k[0]) >= 3}
    lens = sorted({len(k) for k in keys}, reverse=True)
    untagged: dict[tuple[str, ...], int] = {}
    cands: list[tuple[int, int, int, tuple[str, ...]]] = []
    for si, (ws, ts) in enumerate(zip(sents, tags)):
        ks = _key(ws)
        for n in lens:
            for a in range(0, len(ws) - n + 1):
                k = ks[a:a + n]
                if k in keys and all(t == "O" for t in ts[a:a + n]):
                    untagged[k] = untagged.get(k, 0) + 1
                    cands.append((si, a, a + n, k))
    out = [list(t) for t in tags]
    for si, a, b, k in cands:
        counts = lab[k]
        ty = max(counts, key=counts.get)
        if sum(counts.values()) > untagged.get(k, 0) and all(t == "O" for t in out[si][a:b]):
            out[si][a:b] = ["B-" + ty] + ["I-" + ty] * (b - a - 1)
    return out


PROPAGATE_SURNAME = True
BOUNDARY_FIX = True  # khabar.ner.boundaries rules after the tagger, before propagation (docs/bench/ner.md, session 4)
KB_SPANS_EVAL = False  # khabar.ner.kbspans in tag_sentences: off — ANERcorp leaves heads out (dev 83.46 → 82.03)
KB_SPANS = True  # khabar.ner.kbspans in the document stage tag(), with stage=True
PROPAGATE_BLOCK = 50  # sentences per consistency block (0 disables propagation)


def tag_sentences(sents: list[list[str]], model: Path | None = None, block: int | None = None,
                  neural: "Path | bool | list[Path] | None" = None, mix: float | None = None) -> list[list[str]]:
    """Tag many sentences (list of token-string lists → list of BIO tag lists) with :func:`tag_block` (the mode's
    model, see :func:`ner_mode`; ``neural=False`` forces the CRF alone; ``neural`` and ``mix`` as there), repair
    mention boundaries with :func:`khabar.ner.boundaries.fix` (when :data:`BOUNDARY_FIX`), then :func:`propagate` labels within
    consecutive blocks of ``block`` sentences (default :data:`PROPAGATE_BLOCK`)."""
    block = PROPAGATE_BLOCK if block is None else block
    step = block or 50
    tags: list[list[str]] = []
    for i in range(0, len(sents), step):
        tags += tag_block(sents[i:i + step], model, neural, mix)
    if BOUNDARY_FIX:
        tags = [fix_boundaries(w, t) for w, t in zip(sents, tags)]
    if KB_SPANS_EVAL:
        tags = [mark_kb_spans(w, t) for w, t in zip(sents, tags)]
    if block:
        for i in range(0, len(sents), block):
            tags[i:i + block] = propagate(sents[i:i + block], tags[i:i + block])
    return tags


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


def _latin_gazetteer(words: list[str], tags: list[str]) -> list[str]:
    """Label untagged capitalised Latin tokens (machine-translation leftovers) that the gazetteer knows as an
    English country, city or location name (LOC; GPE is decided later): returns a new tag list. Only places:
    in FANE only ~52 % of capitalised Latin tokens after an Arabic word are entities (docs/bench/ner.md), so
    capitalisation alone is not used."""
    res = resources()
    out = list(tags)
    for i, w in enumerate(words):
        if out[i] == "O" and w[:1].isascii() and w[:1].isupper() and len(w) > 2:
            g = res.gaz1.get(w.lower())
            if g:
                if "GPE" in g or "LOC" in g:
                    out[i] = "B-LOC"
    return out


def tag(doc: Document) -> Document:
    """Fill ``doc.entities`` from ``doc.tokens``/``doc.sentences`` (in place; returns ``doc``).

    Each entity's ``start``/``end`` are the original-text offsets of its first and last token; ``label`` is
    PER | ORG | LOC | GPE | MISC; ``subtype`` a FANE fine class when the subtype model is shipped. The tagger's
    mentions are repaired by :func:`khabar.ner.boundaries.fix` (with ``admin=True``: ``محافظة حمص`` keeps its head,
    unlike ANERcorp's annotation) before propagation; after propagation, multi-word KB and institution names
    become one mention (:func:`khabar.ner.kbspans.mark` with ``stage=True``, when :data:`KB_SPANS`:
    ``قوات سوريا الديمقراطية``, ``منطقة تبوك``). Sentences are
    tagged in blocks of :data:`PROPAGATE_BLOCK` (label consistency is enforced inside a block), so a 5 MB article
    streams in bounded memory. Without a model file the stage leaves ``entities`` empty and adds a warning.
    """
    doc.warnings.extend(w for w in mode_warnings() if w not in doc.warnings)
    if ner_mode() != "default" or _neural(str(NEURAL_MODEL)) is None:  # the default mode can run without the CRF
        try:
            _tagger(None)
        except (FileNotFoundError, OSError) as exc:
            doc.warnings.append(f"ner: {exc}")
            return doc
    ents: list[Entity] = []
    sents = [s for s in doc.sentences if s.tok_end > s.tok_start]
    step = PROPAGATE_BLOCK or 50
    for i in range(0, len(sents), step):
        block = sents[i:i + step]
        toks_b = [doc.tokens[s.tok_start:s.tok_end] for s in block]
        words_b = [[t.text for t in toks] for toks in toks_b]
        tags_b = [_latin_gazetteer(w, t) for w, t in zip(words_b, tag_block(words_b))]
        if BOUNDARY_FIX:
            tags_b = [fix_boundaries(w, t, admin=True) for w, t in zip(words_b, tags_b)]
        if PROPAGATE_BLOCK:
            tags_b = propagate(words_b, tags_b)
        if KB_SPANS:  # after propagation: a name merged into a longer one must still count as evidence
            tags_b = [mark_kb_spans(w, t, stage=True) for w, t in zip(words_b, tags_b)]
        for toks, words, tags in zip(toks_b, words_b, tags_b):
            for a, b, label in _spans(tags):
                sub = subtype(words[a:b], words[max(0, a - 2):a], words[b:b + 2], label)
                if label == "LOC" and (_compat().get(sub) == "GPE" if sub else _is_gpe_name(words[a:b])):
                    label = "GPE"
                st, en = toks[a].start, toks[b - 1].end
                ents.append(Entity(start=st, end=en, text=doc.text[st:en], label=label, subtype=sub))
    doc.entities = ents
    return doc


class LinearCRF:
    """A numpy re-implementation of python-crfsuite's first-order CRF decoding (Viterbi over state + transition
    weights) for a model trained on :func:`khabar.ner.features.sent_features`: the string features are summed
    from a weight table and the dense ``0:v<k>`` components as one matrix product, which avoids building a
    160-entry feature dict per token. Gives the same tags as ``pycrfsuite.Tagger`` (checked in the tests).

    Input: the ``.crfsuite`` model path. Raises OSError when the model cannot be read.
    """

    def __init__(self, path: str):
        import numpy as np
        import pycrfsuite

        t = pycrfsuite.Tagger()
        t.open(path)
        info = t.info()
        self.labels = sorted(info.labels, key=lambda x: int(info.labels[x]))
        idx = {x: i for i, x in enumerate(self.labels)}
        nl = len(self.labels)
        attr: dict[str, int] = {}
        for a, _ in info.state_features:
            attr.setdefault(a, len(attr))
        w = np.zeros((len(attr) + 1, nl))  # last row: zeros (padding)
        for (a, lab), v in info.state_features.items():
            w[attr[a], idx[lab]] = v
        self.trans = np.zeros((nl, nl))
        for (a, b), v in info.transitions.items():
            self.trans[idx[a], idx[b]] = v
        dim = 1 + max((int(a[3:]) for a in attr if a.startswith("0:v") and a[3:].isdigit()), default=-1)
        self.dense = np.zeros((max(dim, 1), nl))
        for k in range(dim):
            if f"0:v{k}" in attr:
                self.dense[k] = w[attr[f"0:v{k}"]]
        self.dim = dim
        self.w, self.attr, self.pad = w, attr, len(attr)

    def tag(self, feats: list[list[str]], vecs: list, scale: float) -> list[str]:
        """BIO tags for one sentence from :func:`khabar.ner.features.sent_feature_parts` output."""
        import numpy as np

        n = len(feats)
        if not n:
            return []
        score = self.emissions(feats, vecs, scale)
        back = np.zeros((n, len(self.labels)), dtype=np.int64)
        cur = score[0]
        for i in range(1, n):
            cand = cur[:, None] + self.trans
            back[i] = cand.argmax(0)
            cur = cand.max(0) + score[i]
        best = [int(cur.argmax())]
        for i in range(n - 1, 0, -1):
            best.append(int(back[i, best[-1]]))
        return [self.labels[k] for k in reversed(best)]

    def emissions(self, feats: list[list[str]], vecs: list, scale: float):
        """State scores (n, len(labels)) of one sentence (features as for :meth:`tag`); with :attr:`trans` they
        define the CRF (no start/end weights in crfsuite's model)."""
        import numpy as np

        get = self.attr.get
        ids: list[int] = []
        starts: list[int] = []
        for i, f in enumerate(feats):
            starts.append(len(ids))
            ids.append(self.pad)
            found = set(map(get, f))  # a feature counts once, as in the dicts the model was trained on
            found.discard(None)
            ids.extend(found)
            if self.dim and vecs[i] is None:
                k = get("0:nov")
                if k is not None:
                    ids.append(k)
        score = np.add.reduceat(self.w[ids], starts, axis=0)
        if self.dim:
            rows = [i for i, v in enumerate(vecs) if v is not None]
            if rows:
                m = np.stack([vecs[i] for i in rows]).astype(np.float32)[:, : self.dim] * scale
                score[rows] += m @ self.dense
        return score

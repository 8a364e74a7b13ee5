"""Builds the stage list once and runs it over documents.

Stages, in order (each one module with one public entry, each ``Document -> Document``, in place):

1. ``khabar.text.segment.segment``            sentences + tokens
2. ``khabar.ner.tagger.tag``                   named entities (CRF model in ``khabar/data/models``)
3. ``khabar.link.linker.link``                 KB linking, coreference, actor codes
4. ``khabar.time.tagger.tag_timexes``          TIMEX3 dates/durations anchored on ``pub_date``
5. ``khabar.events.coder.code_events``         PLOVER/CAMEO events
6. ``khabar.quotes.attribution.attribute_quotes``  direct/indirect quotes and speakers
7. ``khabar.noise.report.report_noise``        machine-translation damage

A stage that raises does not lose the document: the error becomes a ``warnings`` entry and later stages still
run (a partial result, never a traceback). Artefacts are loaded once per process by each stage's own cache.
"""
from __future__ import annotations

import datetime as _dt
import functools
import importlib
import itertools
import json
import math
import numbers
import re
import logging
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass
from typing import Any, Callable

from khabar.document import Document

log = logging.getLogger("khabar")

STAGES: list[tuple[str, str, str]] = [
    ("segment", "khabar.text.segment", "segment"),
    ("ner", "khabar.ner.tagger", "tag"),
    ("link", "khabar.link.linker", "link"),
    ("time", "khabar.time.tagger", "tag_timexes"),
    ("events", "khabar.events.coder", "code_events"),
    ("quotes", "khabar.quotes.attribution", "attribute_quotes"),
    ("noise", "khabar.noise.report", "report_noise"),
]

MAX_CHARS = 20_000_000  # longer inputs are truncated with a warning
CHUNK_CHARS = 100_000  # longer inputs are analysed in pieces of about this size


#: Arabic-Indic (U+0660…) and Eastern Arabic-Indic (U+06F0…) digits → ASCII
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class KhabarInputError(ValueError):
    """Raised for input khabar cannot work on (bad date, not text). The message is one clear line."""


def check_date(pub_date: str | None) -> str | None:
    """Validate ``pub_date`` and return it as ``YYYY-MM-DD`` (None for None/empty); raise KhabarInputError.

    Accepts ``YYYY-MM-DD`` or a full ISO 8601 date-time (``2018-02-18T17:21:49+00:00``: its date is kept), in
    ASCII or Arabic-Indic digits (``٢٠٢٥-٠٢-١٨``, ``۲۰۲۵-۰۲-۱۸``), and a :class:`datetime.date` /
    :class:`datetime.datetime`; anything else (trailing text, impossible days, other formats) is refused.
    """
    if isinstance(pub_date, _dt.datetime):
        return pub_date.date().isoformat()
    if isinstance(pub_date, _dt.date):
        return pub_date.isoformat()
    if pub_date is None or str(pub_date).strip() == "":
        return None
    s = str(pub_date).strip().translate(_DIGITS)
    if not s.isascii():
        raise KhabarInputError(f"invalid publication date {pub_date!r}: expected YYYY-MM-DD")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        try:
            return _dt.date.fromisoformat(s).isoformat()
        except ValueError:
            raise KhabarInputError(f"invalid publication date {pub_date!r}: no such day") from None
    try:
        if len(s) == 10:
            return _dt.date.fromisoformat(s).isoformat()
        if len(s) > 10 and s[10] in "T ":
            return _dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    raise KhabarInputError(f"invalid publication date {pub_date!r}: expected YYYY-MM-DD")


_SURROGATE = re.compile("[\ud800-\udfff]")
_ARABIC_SCRIPT_WORD = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff]+")


@functools.lru_cache(maxsize=1)
def _persian_urdu_rule() -> dict[str, Any]:
    """The letter lists and thresholds of :func:`looks_persian_urdu` (``data/lexicons/script_persian_urdu.json``)."""
    from khabar.paths import LEXICONS

    with open(LEXICONS / "script_persian_urdu.json", encoding="utf-8") as fh:
        rule = json.load(fh)
    rule["letters"] = frozenset(rule["letters"])
    rule["arabic_only"] = frozenset(rule["arabic_only"])
    return rule


def looks_persian_urdu(text: str) -> bool:
    """True when ``text`` reads as Persian or Urdu rather than Arabic: many of its Arabic-script words carry a
    letter Arabic spelling does not use (پ چ ژ گ ک ی ے ں …), and few carry one only Arabic uses (ة ي ك ى).

    Input: any str (the first ``sample_chars`` characters are looked at). Output: bool. Letters and thresholds:
    ``khabar/data/lexicons/script_persian_urdu.json``.
    """
    rule = _persian_urdu_rule()
    words = _ARABIC_SCRIPT_WORD.findall(text[: rule["sample_chars"]])
    if len(words) < rule["min_words"]:
        return False
    letters, arabic = rule["letters"], rule["arabic_only"]
    marked = sum(1 for w in words if not letters.isdisjoint(w))
    if marked < rule["min_words"] or marked < rule["min_word_share"] * len(words):
        return False
    return sum(1 for w in words if not arabic.isdisjoint(w)) < rule["arabic_max_share"] * len(words)


_STAGE_FUNCS: list[tuple[str, Callable[[Document], Document]]] | None = None


def stages() -> list[tuple[str, Callable[[Document], Document]]]:
    """The stage functions, imported once per process."""
    global _STAGE_FUNCS
    if _STAGE_FUNCS is None:
        _STAGE_FUNCS = [(name, getattr(importlib.import_module(mod), fn)) for name, mod, fn in STAGES]
    return _STAGE_FUNCS


def _run_stages(doc: Document) -> Document:
    for name, fn in stages():
        try:
            fn(doc)
        except Exception as exc:  # noqa: BLE001 - a stage bug must not lose the document
            log.debug("stage %s failed", name, exc_info=True)
            doc.warnings.append(f"stage {name} failed: {type(exc).__name__}: {exc}")
    return doc


def _shift(obj: Any, chars: int, seen: set[int] | None = None) -> None:
    """Add ``chars`` to every ``start``/``end`` offset inside a record (dataclasses, dicts and lists).

    Objects shared between records (an event's trigger is also its first mention) are shifted once.
    """
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, list):
        for x in obj:
            _shift(x, chars, seen)
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("start", "end") and isinstance(v, int):
                obj[k] = v + chars
            else:
                _shift(v, chars, seen)
        return
    if is_dataclass(obj):
        for f in fields(obj):
            v = getattr(obj, f.name)
            if f.name in ("start", "end") and isinstance(v, int):
                setattr(obj, f.name, v + chars)
            else:
                _shift(v, chars, seen)


def _chunks(text: str, size: int) -> list[tuple[int, int]]:
    """Split ``text`` into pieces of about ``size`` characters, cut after a newline (else a sentence end)."""
    out, a, n = [], 0, len(text)
    while a < n:
        b = min(n, a + size)
        if b < n:
            cut = text.rfind("\n", a + size // 2, b)
            if cut < 0:
                cut = max(text.rfind(". ", a + size // 2, b), text.rfind("؟ ", a + size // 2, b))
            b = cut + 1 if cut >= 0 else b
        out.append((a, b))
        a = b
    return out


def run(doc: Document) -> Document:
    """Run every stage over ``doc`` (in place) and return it. Stage failures become warnings.

    Texts longer than ``CHUNK_CHARS`` (a whole feed pasted as one "article") are analysed in pieces of about
    that size cut at line ends, and the pieces' records are merged back with offsets into the full text; facts
    that span pieces (coreference, event merging) are then only resolved within each piece (a warning says so).
    This keeps time linear and memory bounded on inputs of many megabytes.
    """
    if len(doc.text) > MAX_CHARS:
        doc.warnings.append(f"input truncated from {len(doc.text)} to {MAX_CHARS} characters")
        doc.text = doc.text[:MAX_CHARS]
    if len(doc.text) <= CHUNK_CHARS:
        return _undated_warning(_run_stages(doc))
    pieces = _chunks(doc.text, CHUNK_CHARS)
    doc.warnings.append(f"long input ({len(doc.text)} characters) analysed in {len(pieces)} pieces; "
                        "coreference and event merging do not cross pieces")
    cluster_base = 0
    for a, b in pieces:
        sub = _run_stages(Document(text=doc.text[a:b], pub_date=doc.pub_date, doc_id=doc.doc_id))
        n_tok, n_sent = len(doc.tokens), len(doc.sentences)
        _shift([sub.tokens, sub.sentences, sub.entities, sub.timexes, sub.events, sub.quotes, sub.noise], a)
        for s in sub.sentences:
            s.tok_start += n_tok
            s.tok_end += n_tok
        for ev in sub.events:
            ev.sentence += n_sent
        top = cluster_base
        for e in sub.entities:
            if e.cluster is not None:
                e.cluster += cluster_base
                top = max(top, e.cluster + 1)
        cluster_base = top
        doc.tokens += sub.tokens
        doc.sentences += sub.sentences
        doc.entities += sub.entities
        doc.timexes += sub.timexes
        doc.events += sub.events
        doc.quotes += sub.quotes
        doc.noise += sub.noise
        doc.warnings += [w for w in sub.warnings if w not in doc.warnings]
    return _undated_warning(doc)


def _undated_warning(doc: Document) -> Document:
    """Without a publication date, say how many relative dates (أمس، الأسبوع الماضي) were left without a value."""
    from khabar.time.tagger import NEEDS_PUB
    n = sum(1 for t in doc.timexes if t.value is None and getattr(t, "note", None) == NEEDS_PUB)
    if doc.pub_date is None and n:
        doc.warnings.append(f"no publication date: {n} relative date expression(s) left without a value "
                            "(give --date, or pub_date in Python)")
    return doc


_MARKUP = re.compile(r"^\s*(<!doctype html|<html[\s>]|<\?xml|<rss[\s>]|<feed[\s>])", re.I)


def analyze(text: str, pub_date: str | None = None, doc_id: str | None = None) -> Document:
    """Analyse one article.

    Input: ``text`` (str, the article), ``pub_date`` (``YYYY-MM-DD`` or None; relative dates need it).
    Output: a :class:`~khabar.document.Document`; ``.to_dict()`` gives the JSON contract.
    Raises: ``KhabarInputError`` for an invalid date; ``TypeError`` when ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    date = check_date(pub_date)
    warnings = []
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)  # same length: offsets stay valid
        warnings.append("lone surrogate code points replaced by U+FFFD")
    if looks_persian_urdu(text):
        warnings.append("text looks Persian/Urdu, not Arabic: results unreliable (khabar's models, lexicons and "
                        "knowledge base are for Arabic)")
    if _MARKUP.match(text[:2000]):
        warnings.append("the text looks like an HTML/XML page and is analysed as plain text; extract the article "
                        "first (khabar.io.readers.read_bytes, or 'khabar analyze page.html')")
    doc = Document(text=text, pub_date=date, doc_id=doc_id, warnings=warnings)
    return run(doc)


_NO_DATE_LEFT = "\x00pub_dates ran out"


class _Failed:
    """A batch item already refused in the parent process (not text, or a date that is not one), carried to the
    worker as its one-line message: the item itself may not survive pickling (a lambda, a lock, a file handle)."""

    def __init__(self, msg: str) -> None:
        self.msg = msg


def _portable(pair: tuple[Any, Any]) -> tuple[Any, Any]:
    """``(text, date)`` made safe to send to a worker process: an item that is not a str becomes a :class:`_Failed`
    with the message :func:`analyze` would raise in-process; so does a date :func:`check_date` refuses. A ``str``
    subclass is sent as a plain ``str``."""
    text, date = pair
    if not isinstance(text, str):
        text = _Failed(f"TypeError: text must be str, got {type(text).__name__}")
    elif type(text) is not str:
        text = str.__str__(text)
    if not (isinstance(date, str) and date == _NO_DATE_LEFT):
        try:
            date = check_date(date)
        except Exception as exc:  # noqa: BLE001 - any odd date object is that item's failure only
            date = _Failed(f"{type(exc).__name__}: {exc}")
    return text, date


def _worker(args: tuple[Any, Any]) -> Document:
    text, date = args
    ran_out = isinstance(date, str) and date == _NO_DATE_LEFT
    if isinstance(text, _Failed) or isinstance(date, _Failed):
        bad = text if isinstance(text, _Failed) else date
        d = Document(text=text if isinstance(text, str) else "", pub_date=None)
        d.warnings.append(f"failed: {bad.msg}")
        if ran_out:
            d.warnings.append("no publication date: pub_dates has fewer items than texts")
        return d
    try:
        d = analyze(text, None if ran_out else date)
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        d = Document(text=text if isinstance(text, str) else "", pub_date=None)
        d.warnings.append(f"failed: {type(exc).__name__}: {exc}")
    if ran_out:
        d.warnings.append("no publication date: pub_dates has fewer items than texts")
    return d


def _positive_int(name: str, value: Any) -> int:
    """``value`` as an int ≥ 1 (values below 1 count as 1); TypeError/ValueError with a clear message."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        return max(1, int(value))
    if not math.isfinite(value) or value != int(value):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return max(1, int(value))


def pipe(texts: Iterable[str] | str, pub_dates: Iterable[str | None] | str | None = None, n_process: int = 1,
         chunksize: int = 4) -> Iterator[Document]:
    """Analyse many texts, loading models once per process; yields one Document per input, in input order.

    Input: an iterable of str (a single str is one text; decode bytes first with
    :func:`khabar.io.readers.decode`); ``pub_dates`` an iterable of ``YYYY-MM-DD`` (or None), a single date string
    for all texts, or None. When ``pub_dates`` is shorter than ``texts`` the remaining texts get no date and a
    warning saying so (never dropped), and one :class:`UserWarning` is issued; when it is longer, a
    :class:`UserWarning` is issued at the end. ``n_process`` > 1 uses a process pool (each worker loads the models
    once). An input that fails (bad date, not text) yields a Document with a ``failed: …`` warning, so the output
    always has exactly one Document per input; with ``n_process`` > 1 too: items are checked in the calling
    process, so one that cannot be pickled (a lambda, a lock) fails alone. When the ``texts`` or ``pub_dates``
    iterator itself raises, the Documents of the texts already read are yielded first and the error is then
    raised, whatever ``n_process``. A single :class:`datetime.date` or :class:`datetime.datetime` counts as one
    date for all texts, like a single string.

    Raises (at the call, before any text is analysed): TypeError when ``texts`` is not iterable, ``pub_dates`` is
    bytes or not iterable, or ``n_process``/``chunksize`` is not a number; ValueError when one of these is not a whole finite number.
    """
    if isinstance(texts, (str, bytes)):
        texts = [texts]
    try:
        texts = iter(texts)
    except TypeError:
        raise TypeError(f"texts must be a str or an iterable of str; got {type(texts).__name__}") from None
    given = None
    if isinstance(pub_dates, (bytes, bytearray)):
        raise TypeError("pub_dates must be a date string (YYYY-MM-DD), a datetime.date, None, or an iterable of "
                        f"them; got {type(pub_dates).__name__} (decode it first)")
    if pub_dates is None or isinstance(pub_dates, (str, _dt.date)):
        dates: Iterable[Any] = itertools.repeat(pub_dates)
    else:
        try:
            given = iter(pub_dates)
        except TypeError:
            raise TypeError("pub_dates must be a date string (YYYY-MM-DD), a datetime.date, None, or an iterable "
                            f"of them; got {type(pub_dates).__name__}") from None
        dates = itertools.chain(given, itertools.repeat(_NO_DATE_LEFT))
    n_process = _positive_int("n_process", n_process)
    chunksize = _positive_int("chunksize", chunksize)
    return _pipe(zip(texts, dates), given, n_process, chunksize)


def _pipe(pairs: Iterator[tuple[Any, Any]], given: Iterator[Any] | None, n_process: int,
          chunksize: int) -> Iterator[Document]:
    ran_out = [False]

    def _warn_once(d: Document) -> Document:
        if not ran_out[0] and "no publication date: pub_dates has fewer items than texts" in d.warnings:
            ran_out[0] = True
            import warnings

            warnings.warn("khabar.pipe: pub_dates has fewer items than texts; the remaining texts get no date",
                          UserWarning, stacklevel=3)
        return d

    if n_process <= 1:
        for pair in pairs:
            yield _warn_once(_worker(pair))
    else:
        import multiprocessing as mp

        broke: list[BaseException] = []

        def feed() -> Iterator[tuple[Any, Any]]:
            # runs in the pool's task thread: an input iterator that raises stops the feed, the texts already read
            # are still analysed and yielded, then the error is raised here, as with n_process=1
            try:
                for pair in pairs:
                    yield _portable(pair)
            except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread below
                broke.append(exc)

        ctx = mp.get_context("fork")
        with ctx.Pool(n_process) as pool:
            for d in pool.imap(_worker, feed(), chunksize=chunksize):
                yield _warn_once(d)
        if broke:
            raise broke[0]
    if given is not None and next(given, _NO_DATE_LEFT) is not _NO_DATE_LEFT:
        import warnings

        warnings.warn("khabar.pipe: pub_dates has more items than texts; the extra dates were ignored",
                      UserWarning, stacklevel=2)

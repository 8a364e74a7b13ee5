"""Reading corpora for ``khabar ingest``: folders, JSON Lines (plain or gzip), JSON, TREC-style SGML/XML.

Every input unit (a file, a JSON line, a TREC ``<DOC>``) yields exactly ONE :class:`Record`, in a deterministic
order; a unit that cannot be read yields a record whose ``error`` says why (its ``text`` is None), so nothing is
lost silently. Blank lines of a JSON Lines file are not units (they carry nothing) and yield no record.

Supported inputs (``iter_records(paths)``):

- a folder: walked recursively in sorted order; hidden files and folders (``.name``) are ignored; every other
  file is read by its extension (below); a file of any other extension yields a failed record
  ("unsupported file type").
- ``.txt`` / ``.text``: one article, decoded by :func:`khabar.io.readers.read_bytes` (UTF-8, UTF-16,
  Windows-1256 …); a ``.txt`` whose content starts with ``<DOC>`` is read as TREC (the layout of ANT corpus).
- ``.html`` / ``.htm``: one article, body extracted by :func:`khabar.io.readers.read_bytes` (trafilatura).
- ``.jsonl`` / ``.ndjson``: UTF-8 (a leading byte-order mark is dropped), or UTF-16/UTF-32 with a byte-order
  mark; one record per non-blank line (a line over :data:`MAX_RECORD_BYTES` is one failed record, "record larger
  than … MB", skipped without being held in memory; JSON nested too deeply for the parser is one failed record,
  "invalid JSON: nested too deeply"), a JSON object with the article text in ``text``
  (or, when absent, ``content``, ``body`` or ``article``; required, a string) and the optional ``id``,
  ``title``, ``url``, ``source`` and a date: ``date_iso`` (as in ANT corpus), ``pub_date`` (khabar's own output
  field), ``date``, ``published``,
  ``pubDate``, ``datePublished`` or ``date_published``, first present wins; ``date_extracted`` (a crawl time, as in
  SaudiNewsNet) is used last, with a warning. Other keys are ignored.
- ``.json``: one object (one record) or a list of objects (one record each), same keys as JSON Lines.
- ``.xml`` / ``.trec`` / ``.sgml`` / ``.sgm``: TREC style ``<DOC> <DOCNO>…</DOCNO> <TEXT>…</TEXT> </DOC>``,
  one record per ``<DOC>``; title from ``TITLE``/``HEADLINE``/``HL``, date from ``DATE``/``TIME``/
  ``DATE_TIME``/``PUBDATE``, ``URL``, source from ``SRC``/``SOURCE``; the id may also be a ``<DOC id="…">``
  attribute (Gigaword). Tags inside ``TEXT`` (``<P>``) become paragraph breaks; only real tags (``<name …>``,
  ``</name>``), comments and declarations are removed, so ``3 < 5`` or ``<<quote>>`` stay text; ``<![CDATA[…]]>``
  is unwrapped (its content kept literally); entities are unescaped.
- any of these with a further ``.gz`` (``x.jsonl.gz``, ``x.xml.gz``) is decompressed on the fly.

Every record's strings are storable UTF-8 (:func:`repair`): a file name that is not UTF-8 gets a key with
``\\xNN`` escapes, and lone surrogates (a JSON ``"\\ud800"``) in any field become U+FFFD with a warning.

Dates are normalised to ``YYYY-MM-DD`` (ISO 8601 with or without time/offset, RFC 2822 as in RSS feeds,
``YYYY/MM/DD``, and day-first ``DD/MM/YYYY`` / ``DD-MM-YYYY`` / ``DD.MM.YYYY`` as written in the Arab press); an
unparseable date leaves ``pub_date`` None and adds a warning. Arabic-Indic digits are read as digits.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import email.utils
import gzip
import html as _html
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from khabar.io.readers import MAX_BYTES, ReadError, decode, read_bytes

#: the largest JSON Lines record (one line, in bytes) that is read; a longer line is one failed record, skipped
#: without being held in memory. Same limit as an article given to ``khabar analyze``.
MAX_RECORD_BYTES = MAX_BYTES

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm"}
JSONL_EXT = {".jsonl", ".ndjson"}
JSON_EXT = {".json"}
TREC_EXT = {".xml", ".trec", ".sgml", ".sgm"}
ALL_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | JSON_EXT | TREC_EXT


@dataclass
class Record:
    """One input unit.

    ``key``: unique, stable locator of the unit — the absolute path, plus ``:LINE`` (1-based line of a JSON
    Lines file), ``#N`` (1-based ordinal of a TREC ``<DOC>`` or of an element of a JSON list).
    ``path``/``line``: the same, split (``line`` is the line or ordinal, None for a one-article file).
    ``format``: text | html | jsonl | json | trec. ``text``: the article (None when ``error`` is set).
    ``id``: the id given by the input (None when absent: the store then uses the text's SHA-256).
    ``pub_date``: ``YYYY-MM-DD`` or None. ``error``: why the unit could not be read, else None.
    """

    key: str
    path: str
    line: int | None
    format: str
    text: str | None = None
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    date_raw: str | None = None
    pub_date: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- dates
_YMD = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(r"^\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)")
#: Arabic-Indic (U+0660…) and Eastern Arabic-Indic (U+06F0…) digits → ASCII (``\d`` matches them, int() reads them,
#: but ``datetime`` and RFC 2822 parsing do not)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def parse_date(value: object) -> str | None:
    """Normalise a publication date to ``YYYY-MM-DD``; None when absent or unparseable.

    Accepts ISO 8601 (``2018-02-18``, ``2018-02-18T17:21:49+00:00``: the calendar date as written, no time-zone
    shift), ``YYYY/MM/DD``, day-first ``18/02/2018`` / ``18-02-2018`` / ``18.02.2018`` (the Arab press's order;
    ``02/03/2018`` is 2 March), and RFC 2822 (``Sun, 18 Feb 2018 17:21:49 GMT``).
    """
    if value is None:
        return None
    s = str(value).strip().translate(_DIGITS)
    if not s:
        return None
    m = _YMD.match(s)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    m = _DMY.match(s)
    if m:
        try:
            return _dt.date(int(m.group(4)), int(m.group(3)), int(m.group(1))).isoformat()
        except ValueError:
            return None
    try:
        d = email.utils.parsedate_to_datetime(s)
        if d is not None:
            return d.date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return None


def _clean(v: object) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _set_date(rec: Record, *values: object) -> None:
    raw = next((v for v in values if v not in (None, "")), None)
    if raw is None:
        return
    rec.date_raw = str(raw)
    rec.pub_date = parse_date(raw)
    if rec.pub_date is None:
        rec.warnings.append(f"unparseable date {str(raw)[:40]!r}")


# --------------------------------------------------------------------------- JSON records
_TEXT_KEYS = ("text", "content", "body", "article")
_DATE_KEYS = ("date_iso", "pub_date", "date", "published", "pubDate", "datePublished", "date_published")


class _HugeInt:
    """A JSON integer longer than Python converts to ``int`` (4300 digits): kept as its digits, so a record with a
    huge numeric ``id`` is read (the id is its digits) instead of failing as invalid JSON."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __str__(self) -> str:
        return self.digits


def _parse_int(s: str) -> int | _HugeInt:
    try:
        return int(s)
    except ValueError:
        return _HugeInt(s)


def _loads(s: str) -> object:
    """``json.loads`` where an integer too long for ``int`` is a :class:`_HugeInt`, not an error."""
    return json.loads(s, parse_int=_parse_int)


def _from_obj(obj: object, rec: Record) -> Record:
    """Fill ``rec`` from one decoded JSON value (object with ``text``); sets ``error`` when malformed."""
    if not isinstance(obj, dict):
        rec.error = f"not a JSON object ({type(obj).__name__})"
        return rec
    field = next((k for k in _TEXT_KEYS if obj.get(k) is not None), None)
    text = obj.get(field) if field else None
    if not isinstance(text, str):
        rec.error = ("missing 'text' (or 'content', 'body', 'article')" if text is None
                     else f"{field!r} is not a string "
                          f"({'int' if isinstance(text, _HugeInt) else type(text).__name__})")
    else:
        rec.text = text
    rec.id = _clean(obj.get("id"))
    rec.title = _clean(obj.get("title"))
    rec.url = _clean(obj.get("url"))
    rec.source = _clean(obj.get("source"))
    _set_date(rec, *(obj.get(k) for k in _DATE_KEYS))
    if rec.date_raw is None and _clean(obj.get("date_extracted")):
        _set_date(rec, obj.get("date_extracted"))
        if rec.pub_date:
            rec.warnings.append("publication date taken from 'date_extracted' (the crawl time)")
    return rec


def _decode_line(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode(raw)[0]


def _open_maybe_gz(path: Path):
    """Binary file handle; gzip-decoded when the file starts with the gzip magic bytes, whatever its name
    (a plain file named ``.jsonl.gz`` is read as plain text)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@contextlib.contextmanager
def _open_lines(path: Path) -> Iterator[tuple[Callable[[int], bytes | str], bytes | str, int]]:
    """Open a JSON Lines file (plain or gzip) for reading line by line.

    Yields ``(readline, newline, unit)``: ``readline(n)`` returns at most ``n`` units of the next line (bytes for
    UTF-8 files; str for UTF-16/UTF-32 files, recognised by their byte-order mark, which the codec consumes);
    ``newline`` is ``b"\\n"`` or ``"\\n"``; ``unit`` the bytes per unit at least (1, 2 or 4), to express
    :data:`MAX_RECORD_BYTES` in units.
    """
    fh = _open_maybe_gz(path)
    try:
        head = fh.read(4)
        fh.close()
        fh = _open_maybe_gz(path)
        enc = "utf-32" if head.startswith(_UTF32_BOMS) else "utf-16" if head.startswith(_UTF16_BOMS) else None
        if enc is None:
            yield fh.readline, b"\n", 1
        else:
            fh = io.TextIOWrapper(fh, encoding=enc, errors="replace", newline="\n")
            yield fh.readline, "\n", 4 if enc == "utf-32" else 2
    finally:
        fh.close()


def _lines(readline: Callable[[int], bytes | str], newline: bytes | str,
           limit: int) -> Iterator[tuple[bytes | str | None, int]]:
    """``(line, size)`` for each line of at most ``limit`` units (newline excluded); ``(None, size)`` for a longer
    line, which is read past in pieces of at most 1 MiB (and at most ``limit + 1`` units) and never held whole."""
    while True:
        raw = readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(newline):
            yield raw, len(raw)
            continue
        size = len(raw)
        raw = None
        while True:
            piece = readline(min(1 << 20, limit + 1))
            size += len(piece)
            if not piece or piece.endswith(newline):
                break
        yield None, size


def _iter_jsonl(path: Path, key: str) -> Iterator[Record]:
    n = 0
    try:
        with _open_lines(path) as (readline, newline, unit):
            for n, (raw, size) in enumerate(_lines(readline, newline, MAX_RECORD_BYTES // unit), 1):
                if raw is None:
                    yield Record(key=f"{key}:{n}", path=key, line=n, format="jsonl",
                                 error=f"record larger than {MAX_RECORD_BYTES / 1e6:g} MB "
                                       f"({size * unit / 1e6:.1f} MB or more); skipped")
                    continue
                if n == 1:  # a UTF-8 byte-order mark (files written by Windows tools)
                    if isinstance(raw, bytes):
                        raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
                    else:
                        raw = raw.lstrip("\ufeff")
                if not raw.strip():
                    continue
                rec = Record(key=f"{key}:{n}", path=key, line=n, format="jsonl")
                try:
                    obj = _loads(_decode_line(raw))
                except RecursionError:
                    rec.error = "invalid JSON: nested too deeply"
                    yield rec
                    continue
                except (ValueError, ReadError) as exc:
                    rec.error = f"invalid JSON: {str(exc)[:120]}"
                    yield rec
                    continue
                yield _from_obj(obj, rec)
    except (OSError, EOFError, zlib.error) as exc:
        # a truncated/corrupt gzip stream or an unreadable file: account for the rest as one failed record
        yield Record(key=f"{key}:{n + 1}", path=key, line=n + 1, format="jsonl",
                     error=f"cannot read past line {n}: {type(exc).__name__}: {str(exc)[:120]}")


def _count_jsonl(path: Path) -> int:
    """Non-blank lines of a JSON Lines file, read in 1 MiB pieces (memory does not grow with a line's length)."""
    total = 0
    with _open_lines(path) as (readline, newline, _):
        blank, started = True, False
        while True:
            piece = readline(1 << 20)
            if not piece:
                break
            if not started and total == 0 and isinstance(piece, bytes) and piece.startswith(b"\xef\xbb\xbf"):
                piece = piece[3:]
            started = True
            if piece.strip(" \t\r\n\ufeff" if isinstance(piece, str) else b" \t\r\n\x0b\x0c"):
                blank = False
            if piece.endswith(newline):
                total += not blank
                blank, started = True, False
        if started and not blank:
            total += 1
    return total


def _read_all(path: Path) -> bytes:
    with _open_maybe_gz(path) as fh:
        return fh.read()


def _iter_json(path: Path, key: str) -> Iterator[Record]:
    try:
        obj = _loads(decode(_read_all(path))[0])
    except RecursionError:
        yield Record(key=key, path=key, line=None, format="json", error="invalid JSON file: nested too deeply")
        return
    except (OSError, EOFError, zlib.error, ValueError, ReadError) as exc:
        yield Record(key=key, path=key, line=None, format="json", error=f"invalid JSON file: {str(exc)[:120]}")
        return
    if isinstance(obj, list):
        if not obj:
            yield Record(key=key, path=key, line=None, format="json", error="empty JSON list")
        for i, o in enumerate(obj, 1):
            yield _from_obj(o, Record(key=f"{key}#{i}", path=key, line=i, format="json"))
    else:
        yield _from_obj(obj, Record(key=key, path=key, line=None, format="json"))


# --------------------------------------------------------------------------- TREC
_DOC_OPEN = re.compile(r"<DOC(?:\s[^>]*)?>", re.I)
_DOC_CLOSE = re.compile(r"</DOC\s*>", re.I)
_DOC_ID_ATTR = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.I)
#: what is stripped as markup inside TREC fields: an element tag whose name starts with an ASCII letter
#: (``<P>``, ``</TEXT>``, ``<img src="…"/>``), a comment, a declaration (``<!DOCTYPE …>``) or a processing
#: instruction. A ``<`` followed by anything else (``3 < 5``, ``<<quote>>``, ``<‹…>>``) is text.
_TAGS = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:._-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_PARA = re.compile(r"</?P\s*>", re.I)


def _field(block: str, *names: str) -> str | None:
    for name in names:
        m = re.search(rf"<{name}(?:\s[^>]*)?>(.*?)</{name}\s*>", block, re.I | re.S)
        if m:
            return m.group(1)
    return None


def _trec_text(s: str) -> str:
    """Text of a TREC field: ``<P>`` → line break, tags and comments removed, entities unescaped, CDATA sections
    unwrapped (their content kept literally)."""
    parts = _CDATA.split(s)  # even: markup; odd: CDATA content
    for i in range(0, len(parts), 2):
        p = _PARA.sub("\n", parts[i].replace("<![CDATA[", "").replace("]]>", ""))
        parts[i] = _html.unescape(_TAGS.sub("", p))
    s = "".join(parts)
    lines = [ln.strip() for ln in s.splitlines()]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def looks_trec(text: str) -> bool:
    """True when ``text`` (a file's content) starts with a TREC ``<DOC>`` element (after an XML prolog)."""
    head = re.sub(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<[A-Za-z]+>\s*)?", "", text[:2000])
    return bool(_DOC_OPEN.match(head)) or bool(_DOC_OPEN.match(text.lstrip()[:200]))


def parse_trec(content: str, key: str) -> Iterator[Record]:
    """Records of a TREC-style file's content: one per ``<DOC>`` (see module doc); ``key`` is the file's key.

    A ``<DOC>`` without ``</DOC>`` (truncated file) yields a failed record; a file without any ``<DOC>`` one
    failed record.
    """
    pos, n = 0, 0
    while True:
        m = _DOC_OPEN.search(content, pos)
        if not m:
            break
        n += 1
        rec = Record(key=f"{key}#{n}", path=key, line=n, format="trec")
        nxt_close = _DOC_CLOSE.search(content, m.end())
        nxt_open = _DOC_OPEN.search(content, m.end())
        if not nxt_close or (nxt_open and nxt_open.start() < nxt_close.start()):
            rec.error = "unclosed <DOC> element"
            block = content[m.end(): nxt_open.start() if nxt_open else len(content)]
            rec.id = _clean(_TAGS.sub("", _field(block, "DOCNO") or "")) or None
            yield rec
            pos = nxt_open.start() if nxt_open else len(content)
            continue
        block = content[m.end(): nxt_close.start()]
        pos = nxt_close.end()
        docno = _field(block, "DOCNO")
        attr = _DOC_ID_ATTR.search(m.group(0))
        rec.id = _clean(_html.unescape(_TAGS.sub("", docno))) if docno else (attr.group(1) if attr else None)
        body = _field(block, "TEXT", "BODY")
        if body is None:
            rec.error = "no <TEXT> element"
        else:
            rec.text = _trec_text(body)
        rec.title = _clean(_trec_text(_field(block, "TITLE", "HEADLINE", "HL") or "")) or None
        rec.url = _clean(_trec_text(_field(block, "URL") or "")) or None
        rec.source = _clean(_trec_text(_field(block, "SRC", "SOURCE") or "")) or None
        _set_date(rec, _clean(_trec_text(_field(block, "DATE", "TIME", "DATE_TIME", "PUBDATE") or "")))
        yield rec
    if n == 0:
        yield Record(key=key, path=key, line=None, format="trec", error="no <DOC> element found")


# --------------------------------------------------------------------------- files and folders
def _ext(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_key(s: str) -> str:
    """A file path as valid Unicode: the bytes of a name that is not UTF-8 (surrogate escapes, as ``os`` gives
    them) are written ``\\xNN``, so the key can be stored and printed. Other strings are returned unchanged."""
    if not _SURROGATE.search(s):
        return s
    try:
        return os.fsencode(s).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def repair(rec: Record) -> Record:
    """Make every string of ``rec`` storable as UTF-8 (in place; returns ``rec``).

    ``key``/``path``: see :func:`safe_key`. Lone surrogate code points in ``text``, ``id``, ``title``, ``url``,
    ``source`` or the date (a JSON ``"\\ud800"`` escape) become U+FFFD, one for one (text offsets are kept), with
    a warning naming the fields.
    """
    rec.key, rec.path = safe_key(rec.key), safe_key(rec.path)
    bad = []
    for name in ("text", "id", "title", "url", "source", "date_raw", "pub_date"):
        v = getattr(rec, name)
        if isinstance(v, str) and _SURROGATE.search(v):
            setattr(rec, name, _SURROGATE.sub("\ufffd", v))
            bad.append(name)
    if rec.error and _SURROGATE.search(rec.error):
        rec.error = _SURROGATE.sub("\ufffd", rec.error)
    rec.warnings = [_SURROGATE.sub("\ufffd", w) for w in rec.warnings]
    if bad:
        rec.warnings.append(f"lone surrogate code points in {', '.join(bad)} replaced by U+FFFD")
    return rec


def iter_file(path: Path) -> Iterator[Record]:
    """Records of one file (see module doc). Never raises for unreadable content: yields failed records.

    A path that is not a regular file (a FIFO, a socket, a device, a dangling link) is one failed record: reading
    a FIFO would block forever. Every record is passed through :func:`repair` (storable strings).
    """
    for rec in _iter_file(path):
        yield repair(rec)


def _access_error(path: Path, exc: BaseException) -> Record:
    """The failed record of a path the file system will not even look at (name too long, no permission on a
    folder on the way, symlink loop): one unit, with the system's reason."""
    key = str(path.absolute())
    why = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
    return Record(key=key, path=key, line=None, format="unknown", error=f"cannot access: {why}")


def _iter_file(path: Path) -> Iterator[Record]:
    try:
        key = str(path.absolute()) if path.is_symlink() else str(path.resolve())
        regular = path.is_file()
        exists = regular or path.exists()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop in resolve() on older Pythons
        yield _access_error(path, exc)
        return
    if not regular:
        yield Record(key=key, path=key, line=None, format="unknown",
                     error="not a regular file" if exists else "no such file (dangling link?)")
        return
    ext = _ext(path)
    if ext in JSONL_EXT:
        yield from _iter_jsonl(path, key)
        return
    if ext in JSON_EXT:
        yield from _iter_json(path, key)
        return
    try:
        data = _read_all(path)
    except (OSError, EOFError, zlib.error) as exc:
        yield Record(key=key, path=key, line=None, format="text", error=f"cannot read: {type(exc).__name__}: {exc}")
        return
    if ext in TREC_EXT:
        try:
            content = decode(data)[0]
        except ReadError as exc:
            yield Record(key=key, path=key, line=None, format="trec", error=str(exc))
            return
        yield from parse_trec(content, key)
        return
    if ext in TEXT_EXT or ext in HTML_EXT or ext == "":
        name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
        try:
            if ext in TEXT_EXT:
                content = decode(data)[0]
                if looks_trec(content):
                    yield from parse_trec(content, key)
                    return
            art = read_bytes(data, name)
        except ReadError as exc:
            yield Record(key=key, path=key, line=None, format="html" if ext in HTML_EXT else "text", error=str(exc))
            return
        rec = Record(key=key, path=key, line=None, format=art.format, text=art.text, title=_clean(art.title))
        rec.warnings.extend(art.warnings)
        _set_date(rec, art.date)
        yield rec
        return
    yield Record(key=key, path=key, line=None, format="unknown", error=f"unsupported file type {ext!r}")


class _Unlisted:
    """A folder inside a walked input that could not be listed (no permission): :func:`_walk` yields it so that
    its files, unknown, still count as one failed unit instead of vanishing from the batch."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.path, self.exc = path, exc


def _walk(folder: Path) -> Iterator[Path | _Unlisted]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        while errors:
            exc = errors.pop(0)
            yield _Unlisted(Path(exc.filename) if exc.filename else Path(root), exc)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield Path(root) / f
    for exc in errors:
        yield _Unlisted(Path(exc.filename) if exc.filename else folder, exc)


def iter_records(paths: Iterable[str | os.PathLike]) -> Iterator[Record]:
    """Every record of every input, in order: each path is a file or a folder (walked recursively, sorted).

    A missing path yields one failed record ("no such file or folder"). Output: :class:`Record` objects.
    """
    for p in paths:
        path = Path(p)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:
            yield repair(_access_error(path, exc))
            continue
        if is_dir:
            for f in _walk(path):
                if isinstance(f, _Unlisted):
                    rec = _access_error(f.path, f.exc)
                    rec.error = rec.error.replace("cannot access", "cannot list folder", 1)
                    yield repair(rec)
                else:
                    yield from iter_file(f)
        elif exists:
            yield from iter_file(path)
        else:
            key = str(path.absolute())
            yield repair(Record(key=key, path=key, line=None, format="unknown", error="no such file or folder"))


def count_records(paths: Iterable[str | os.PathLike]) -> int:
    """A fast estimate of how many records :func:`iter_records` will yield (for progress bars and ETA).

    Counts non-blank lines of JSON Lines files and ``<DOC`` openings of TREC files without parsing; other
    files count one. Exact for well-formed inputs.
    """
    total = 0
    for p in paths:
        path = Path(p)
        try:
            files = list(_walk(path)) if path.is_dir() else [path]
        except OSError:
            files = [path]
        for f in files:
            if isinstance(f, _Unlisted):
                total += 1
                continue
            ext = _ext(f)
            try:
                if not f.is_file():
                    total += 1
                    continue
                if ext in JSONL_EXT:
                    total += _count_jsonl(f)
                elif ext in TREC_EXT or ext in TEXT_EXT:
                    data = _read_all(f)
                    k = len(re.findall(rb"<DOC[\s>]", data, re.I)) if ext in TREC_EXT or data.lstrip()[:5].upper() == b"<DOC>" else 0
                    total += max(1, k)
                else:
                    total += 1
            except (OSError, EOFError, zlib.error):
                total += 1
    return total

"""Reading articles from disk: encoding detection, binary rejection, HTML extraction.

``read_text(path)`` accepts UTF-8 (with or without BOM), UTF-16 (with BOM), Windows-1256 and whatever
charset-normalizer identifies; rejects binary files; extracts the article body of HTML pages with trafilatura.
Errors are :class:`ReadError` with a one-line message.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 50_000_000


class ReadError(ValueError):
    """The input cannot be read as an article. ``str(err)`` is a clear one-line reason."""


@dataclass
class Article:
    """A decoded article: ``text``, and what was learnt while reading (``encoding``, ``format``, ``warnings``)."""

    text: str
    encoding: str
    format: str = "text"
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


def _arabic_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0600" <= c <= "\u06ff") / len(letters)


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return ctrl > 0.05 * max(1, len(sample))


_ARABIC_RUN = re.compile(r"[\u0621-\u064a]{3,}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
#: characters other than ASCII and Arabic that ordinary Arabic text holds (quotes, dashes, direction marks)
_TEXT_PUNCT = frozenset("«»…–—“”‘’\u00a0\u200c\u200d\u200e\u200f\u061c")


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    """Thresholds of the encoding detection (``khabar/data/rules/readers.json``)."""
    from khabar.paths import RULES

    with open(RULES / "readers.json", encoding="utf-8") as fh:
        return json.load(fh)


def _is_arabic(c: str) -> bool:
    return ("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\u08a0" <= c <= "\u08ff"
            or "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufefe")


def _reads_as_arabic(sample: str) -> bool:
    """True when ``sample`` (a trial decoding) is mostly Arabic letters, with ASCII and punctuation around them."""
    r = _rules()
    chars = [c for c in sample if not c.isspace()]
    if len(chars) < r["utf16_min_chars"]:
        return False
    arabic = sum(1 for c in chars if _is_arabic(c))
    plausible = arabic + sum(1 for c in chars if "!" <= c <= "~" or c in _TEXT_PUNCT)
    return arabic >= r["utf16_min_arabic_share"] * len(chars) and plausible >= r["utf16_min_plausible_share"] * len(chars)


def _utf16_without_bom(data: bytes) -> tuple[str, list[str]] | None:
    """``(text, warnings)`` of BOM-less UTF-16, else None.

    Recognised by many NUL bytes on one side of each pair (Latin text), or, for Arabic text (code points
    U+06xx: no NUL bytes), by a trial decoding of the first 4 KiB that reads as Arabic (:func:`_reads_as_arabic`).
    The decoding is strict; an odd last byte (a truncated file) is dropped with a warning.
    """
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    enc = next((e for e, zeros in (("utf-16-le", odd), ("utf-16-be", even)) if zeros.count(0) > 0.3 * len(zeros)),
               None)
    if enc is None:
        trial = sample[: len(sample) // 2 * 2]
        enc = next((e for e in ("utf-16-le", "utf-16-be")
                    if _reads_as_arabic(trial.decode(e, errors="replace"))), None)
    if enc is None:
        return None
    try:
        text = data[: len(data) // 2 * 2].decode(enc)
    except UnicodeDecodeError:
        return None
    warns = ["UTF-16 without a byte-order mark"]
    if len(data) % 2:
        warns.append("odd last byte of UTF-16 input dropped (truncated file?)")
    return text, warns


def _mixed_utf8_cp1256(data: bytes) -> tuple[str, str, list[str]] | None:
    """A file pasted together from UTF-8 and Windows-1256 pieces, decoded line by line; None when it is not one.

    A line is Windows-1256 when it is not UTF-8, most of its non-ASCII bytes are invalid UTF-8 (more than
    ``utf8_max_bad_share``, as for whole files) and it decodes to a run of Arabic letters; any other line is UTF-8
    (bad bytes → U+FFFD). The file is "mixed" only when it has both a Windows-1256 line and a UTF-8 line with Arabic
    letters; one decoding per line keeps the text length linear and every offset meaningful. Output:
    ``(text, "utf-8+cp1256", [warning])``.
    """
    lines = data.split(b"\n")
    out: list[str] = []
    n_utf8 = n_cp = 0
    share = _rules()["utf8_max_bad_share"]
    for line in lines:
        try:
            t = line.decode("utf-8")
            n_utf8 += bool(_ARABIC_RUN.search(t))
            out.append(t)
            continue
        except UnicodeDecodeError:
            pass
        loose = line.decode("utf-8", errors="replace")
        bad = loose.count("\ufffd") - line.count(b"\xef\xbf\xbd")
        non_ascii = len(line) - len(line.translate(None, _HIGH_BYTES))
        cp = line.decode("cp1256", errors="replace")
        if bad > share * non_ascii and _ARABIC_RUN.search(cp):
            n_cp += 1
            out.append(cp)
        else:
            out.append(loose)
    if not (n_utf8 and n_cp):
        return None
    return "\n".join(out), "utf-8+cp1256", [
        f"mixed encodings: {n_cp} line(s) read as Windows-1256, the rest as UTF-8"]


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode bytes to ``(text, encoding name, warnings)``. Raises ReadError for binary or undecodable data.

    Order: BOMs (UTF-8, UTF-32, UTF-16); BOM-less UTF-16 (Latin or Arabic text); strict UTF-8; UTF-8 with a
    few bad bytes (the invalid sequences are at most ``utf8_max_bad_share`` of the non-ASCII bytes, see
    ``data/rules/readers.json``; replaced by U+FFFD, with a warning); Windows-1256 when it yields runs of Arabic
    letters; Windows-1252 for Latin text; last charset-normalizer's guess.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", []
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return data.decode("utf-32"), "utf-32", []
        except UnicodeDecodeError as exc:
            raise ReadError(f"bad UTF-32 data: {exc.reason}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise ReadError(f"bad UTF-16 data: {exc.reason}") from None
    u16 = _utf16_without_bom(data)
    if u16 is not None and not _looks_binary(u16[0].encode("utf-8")):
        return u16[0], "utf-16", u16[1]
    if _looks_binary(data):
        raise ReadError("input looks binary (control bytes), not a text or HTML article")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8_cp1256(data)
    if mixed is not None:
        return mixed
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # invalid sequences (not U+FFFD written as such)
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if bad <= _rules()["utf8_max_bad_share"] * non_ascii:
        return loose, "utf-8", [f"{bad} invalid UTF-8 byte sequence(s) replaced by U+FFFD"]
    text = data.decode("cp1256", errors="replace")
    if _arabic_ratio(text) > 0.3 or _ARABIC_RUN.search(text):
        return text, "cp1256", []
    try:
        return data.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding, [f"encoding guessed as {best.encoding}"]
    except Exception:  # noqa: BLE001
        pass
    raise ReadError("cannot decode input: not UTF-8, UTF-16 or Windows-1256 text")


_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<\?xml|<rss|<feed)", re.I)


@functools.lru_cache(maxsize=1)
def _trafilatura() -> tuple[object | None, str | None]:
    """(module, None) when trafilatura imports, else (None, one-line reason)."""
    try:
        import trafilatura
    except Exception as exc:  # noqa: BLE001 - e.g. lxml without lxml_html_clean
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return trafilatura, None


_DTD_OPEN = re.compile(r"<!DOCTYPE\b[^<>\[]*\[", re.I)
_DTD_CLOSE = re.compile(r"\]\s*>")


def _strip_dtd_subset(html: str) -> str:
    """``html`` without a DOCTYPE internal subset opened in its first 4 KiB (linear time; unclosed: unchanged)."""
    m = _DTD_OPEN.search(html, 0, 4096)
    if not m:
        return html
    end = _DTD_CLOSE.search(html, m.end())
    return html if end is None else html[:m.start()] + html[end.end():]


def extract_html(html: str) -> tuple[str, str | None, str | None]:
    """Article body, title and date of an HTML page (trafilatura); falls back to tag stripping.

    Input: the page as text. Output: ``(body, title or None, date string or None)``. Never raises.
    A DOCTYPE internal subset (``<!DOCTYPE r [<!ENTITY …>]>``, XML pages) is removed first: HTML parsers read its
    end ``]>`` as text, and its entities are never expanded (no entity bombs, no external files).
    """
    html = _strip_dtd_subset(html)
    traf, _ = _trafilatura()
    if traf is not None:
        try:
            text = traf.extract(html, include_comments=False, include_tables=False, favor_recall=True)
            meta = traf.extract_metadata(html)
            title = getattr(meta, "title", None) if meta else None
            date = getattr(meta, "date", None) if meta else None
            if text:
                return text, title, date
        except Exception:  # noqa: BLE001
            pass
    import html as _html

    body = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", html)
    body = re.sub(r"(?s)<[^>]+>", "\n", body)
    body = _html.unescape(re.sub(r"\n\s*\n+", "\n", body)).strip()
    return body, None, None


_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_DATE_NAME = re.compile(r"date|time|publish|issued|created|modified", re.I)
_TIME_TAG = re.compile(r"""<time\b[^>]*?\bdatetime\s*=\s*["']?([^"'>\s]+)""", re.I)
_JSONLD_DATE = re.compile(r'"(?:datePublished|dateCreated|dateModified|uploadDate)"\s*:\s*"([^"]{1,60})"')
_YMD = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"^\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)")


def _numeric_date(raw: str) -> tuple[bool, str | None]:
    """``(looks numeric, YYYY-MM-DD or None when no such day)`` of a date written with numbers."""
    raw = raw.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    m = _YMD.match(raw)
    ymd = (m.group(1), m.group(2), m.group(3)) if m else None
    if ymd is None:
        m = _DMY.match(raw)
        ymd = (m.group(4), m.group(3), m.group(1)) if m else None
    if ymd is None:
        return False, None
    try:
        return True, _dt.date(*map(int, ymd)).isoformat()
    except ValueError:
        return True, None


def page_dates(html: str) -> list[str]:
    """The raw date values an HTML page declares: ``content`` of ``<meta>`` tags whose name/property/itemprop
    speaks of a date or time, ``<time datetime>``, and JSON-LD ``datePublished``/``dateCreated``/``dateModified``.
    Input: the page (str). Output: list of str (in page order, at most 50)."""
    out: list[str] = []
    for tag in _META_TAG.findall(html[:500_000]):
        attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(tag)}
        name = " ".join(attrs.get(k, "") for k in ("name", "property", "itemprop", "http-equiv"))
        if attrs.get("content") and _DATE_NAME.search(name):
            out.append(attrs["content"])
    out += _TIME_TAG.findall(html[:500_000]) + _JSONLD_DATE.findall(html[:500_000])
    return out[:50]


def check_page_date(html: str, date: str | None) -> tuple[str | None, str | None]:
    """Keep the date the HTML extractor found only when the page does not contradict it.

    Input: the page and the extracted ``YYYY-MM-DD`` date (or None). Output: ``(date or None, warning or None)``.
    The extractor (htmldate) turns an impossible date such as ``2025-02-30`` or ``2025-99-99`` into a made-up
    one (``2025-02-01``, ``2025-01-01``); so when the page declares a numeric date that is not a real day and
    none of its real numeric dates is the extracted one, the date is dropped with a warning.
    """
    if not date:
        return date, None
    seen = [(raw, *_numeric_date(raw)) for raw in page_dates(html)]
    invalid = [raw for raw, numeric, iso in seen if numeric and iso is None]
    if invalid and date not in {iso for _, _, iso in seen if iso}:
        return None, (f"the page's date metadata {invalid[0][:40]!r} is not a valid date; "
                      "no publication date taken from the page")
    return date, None


def read_bytes(data: bytes, name: str = "<input>") -> Article:
    """Decode and, for HTML, extract an article from raw bytes. Raises ReadError."""
    if len(data) > MAX_BYTES:
        raise ReadError(f"{name}: {len(data)} bytes is over the {MAX_BYTES}-byte limit")
    text, enc, warns = decode(data)
    if _HTML.match(text[:2000]) or (name.lower().endswith((".html", ".htm", ".xml")) and "<" in text):
        body, title, date = extract_html(text)
        date, why = check_page_date(text, date)
        if why:
            warns = list(warns) + [why]
        reason = _trafilatura()[1]
        if reason:
            warns = list(warns) + [f"HTML article extraction unavailable ({reason}); tags were stripped instead, "
                                   "so menus may remain and the page's date and title are not read"]
        return Article(body, enc, "html", title, date, warns)
    return Article(text, enc, warnings=warns)


def read_text(path: str) -> Article:
    """Read an article from ``path`` (``-`` = standard input). Raises ReadError with a one-line reason."""
    if path == "-":
        if sys.stdin is None or getattr(sys.stdin, "buffer", None) is None:
            raise ReadError("no standard input to read from")
        try:
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise ReadError(f"cannot read standard input: {exc}") from None
        return read_bytes(data, "<stdin>")
    if not path or not path.strip():
        raise ReadError("empty path")
    p = Path(path)
    if not p.exists():
        raise ReadError(f"no such file: {path}")
    if p.is_dir():
        raise ReadError(f"{path} is a directory (use 'khabar ingest' for folders)")
    from khabar.io.corpus import JSON_EXT, JSONL_EXT  # (corpus imports this module: import here)

    sfx = p.suffix.lower()
    if sfx in JSONL_EXT | JSON_EXT or sfx == ".gz":
        # a corpus file (one JSON record or many, or compressed): analysing its raw bytes as an article would
        # give silent garbage (keys and URLs read as Arabic text)
        raise ReadError(f"{path} looks like a corpus file (JSON / JSON Lines / compressed); "
                        "use 'khabar ingest' for corpus files")
    if p.is_file() and p.stat().st_size > MAX_BYTES:
        raise ReadError(f"{path}: {p.stat().st_size} bytes is over the {MAX_BYTES}-byte limit")
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror}") from None
    return read_bytes(data, p.name)

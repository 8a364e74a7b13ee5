"""Hostile and unusual input: khabar must never show a traceback and never lose offsets.

The promise tested here (README, ``khabar.pipeline``, ``khabar.io.readers``):

* bad input gives one clear ``error: …`` line and exit status 2, or a (partial) result with a warning;
  never a traceback, never exit status 1 for something the user caused;
* ``khabar.pipe`` yields exactly one Document per input text;
* every record's offsets are valid character offsets into the text: ``text[start:end] == record["text"]``,
  for nested spans too (event trigger and mentions, actors, locations, event dates, quote cues, speakers);
* no stage raises on any ``str`` (the project rule: a stage failure only shows up as a warning, and we check
  that no such warning appears).

API cases run in-process; CLI cases run ``python -m khabar.cli`` in a subprocess. Large inputs here stay at
about 150 000 characters (enough to cross the pipeline's 100 000-character chunking); the multi-megabyte
timings are in the hostile-input report, not here (timing assertions are not allowed in tests).
"""
from __future__ import annotations

import json
import re
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import khabar
from khabar.pipeline import KhabarInputError

# A made-up news-style sentence (not from any corpus or the seed): a quote cue, a person, places, a weekday.
A = "قال وزير الخارجية الروسي سيرجي لافروف يوم الثلاثاء إن موسكو مستعدة للحوار مع واشنطن. "
Q = "وقال المتحدث باسم الحكومة: «لن نقبل أي شروط مسبقة» في القاهرة أمس. "
DATE = "2025-02-18"


# --------------------------------------------------------------------------- helpers
def offset_errors(d: dict, text: str) -> list[str]:
    """Every ``{start, end[, text]}`` record anywhere in the JSON contract ``d`` must slice ``text``."""
    errs: list[str] = []

    def walk(obj, path):
        if isinstance(obj, dict):
            s, e = obj.get("start"), obj.get("end")
            if isinstance(s, int) and isinstance(e, int):
                if not 0 <= s <= e <= len(text):
                    errs.append(f"{path}: range {s}:{e} outside text of length {len(text)}")
                elif obj.get("text") is not None and text[s:e] != obj["text"]:
                    errs.append(f"{path}: text[{s}:{e}]={text[s:e]!r} != {obj['text']!r}")
            elif (s is None) != (e is None):
                errs.append(f"{path}: only one of start/end set ({s}, {e})")
            for k, v in obj.items():
                walk(v, f"{path}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{path}[{i}]")

    for key in ("sentences", "entities", "timexes", "events", "quotes", "noise"):
        walk(d[key], key)
    return errs


def assert_promise(doc: khabar.Document, text: str) -> dict:
    """The API promise for one document: JSON-able contract, valid offsets everywhere, no stage crash.

    Lone surrogates cannot be written as UTF-8: they are replaced one for one by U+FFFD (offsets unchanged)
    and a warning says so.
    """
    if re.search("[\ud800-\udfff]", text):
        text = re.sub("[\ud800-\udfff]", "\ufffd", text)
        assert any("surrogate" in w for w in doc.warnings)
    assert doc.text == text
    d = doc.to_dict()
    json.dumps(d, ensure_ascii=False)
    errs = offset_errors(d, text)
    for i, t in enumerate(doc.tokens):
        if text[t.start:t.end] != t.text:
            errs.append(f"token {i}: text[{t.start}:{t.end}]={text[t.start:t.end]!r} != {t.text!r}")
    assert not errs, errs[:5]
    crashed = [w for w in doc.warnings if " failed:" in w]
    assert not crashed, crashed
    return d


# --------------------------------------------------------------------------- API: hostile strings
API_CASES: dict[str, str] = {
    "empty": "",
    "whitespace-only": "  \n\t\r\n  \u00a0\u3000\u2028",
    "punctuation-only": "!!!...،؛؟«»\"\"''---",
    "single-arabic-letter": "ب",
    "diacritics-only": "\u064e\u064f\u0650\u0651\u0652" * 20,
    "tatweel-only": "ـ" * 250,
    "diacritics-on-tatweel": "ـَـُـِ " * 30,
    "latin-english": "Russian Foreign Minister Sergey Lavrov said on Tuesday in Riyadh that Moscow was ready. "
                     "\"We will talk,\" he told reporters.",
    "arabic-hebrew-persian-urdu": "قال الرئيس שלום עולם گفت وزیر خارجه ایران کہا وزیر اعظم پاکستان نے " * 3,
    "bidi-and-zero-width-marks": A.replace(" ", " \u200f\u200e\u200d\u200c") + "\u202b" + Q + "\u202c",
    "bom-in-the-middle": A + "\ufeff" + Q + "\ufeff",
    "nul-bytes": A + "\x00" + Q + "\x00",
    "c0-c1-controls": "قال\x01\x02\x1b[31m بوتين\x7f\x85 " + A,
    "replacement-chars": A + "\ufffd\ufffd" + Q,
    "lone-surrogate": "\ud800" + A,
    "surrogateescape-bytes": A + "\udcff\udc80" + Q,
    "presentation-forms-and-ligatures": "ﻗﺎﻝ ﺍﻟﺮﺋﻴﺲ ﺑﻮﺗﻴﻦ ﻳﻮﻡ ﺍﻟﺜﻼﺛﺎﺀ ﷺ ﷲ ﻻ " + A,
    "case-changing-latin": "İİİ İstanbul ßtraße ǅ ﬁ " + A + " İlham Aliyev said. " + Q,
    "emoji-and-astral": "🇷🇺 قال 👨‍👩‍👧 بوتين 🙂 𝐀𝐁 𝕏 " + A,
    "numbers-only": "123 456 ٧٨٩ 3.14 1,000,000 ١٢٣٬٤٥٦ " * 20,
    "arabic-indic-digit-dates": "وقع الهجوم في ١٨/٢/٢٠٢٥ وفي ۱۸/۲/۲۰۲۵ وفي １８/２/２０２５ . " + A,
    "absurd-dates": "في 31/2/2025 وفي عام 99999 وفي 1500 هـ وفي 0/0/0000 وفي 32/13/2025 "
                    "وفي 29 فبراير 2023 وفي 99999 هـ وقبل 5000 عام وخلال 999999999 يوما . " + A,
    "unbalanced-quote-marks": "“ « \" " * 3000,
    "quote-openers-only": "قال الرئيس: «" * 2000,
    "deeply-repeated-names": "سيرجي لافروف " * 1000,
    "many-short-sentences": "قال. " * 5000,
    "crlf-and-odd-newlines": A + "\r\n\r\n\v\f\x1c\x1d\x1e" + Q + "\r" + A,
    # ~150 000 characters: crosses the 100 000-character chunk boundary (records are merged back with offsets).
    "long-line-no-punctuation": "كلمة " * 30_000,
    "chunked-article-without-newlines": (A + Q) * 1_200,
}


@pytest.mark.parametrize("name", list(API_CASES))
def test_api_hostile_text(name: str) -> None:
    text = API_CASES[name]
    doc = khabar.analyze(text, pub_date=DATE)
    assert_promise(doc, text)


@pytest.mark.parametrize("pub_date", ["0001-01-01", "9999-12-31", "", None, "2024-02-29"])
def test_api_extreme_pub_dates(pub_date: str | None) -> None:
    text = A + "وزار موسكو العام الماضي وسيزور القاهرة العام المقبل والأسبوع المقبل وغدا وبعد 3 أيام. " + Q
    doc = khabar.analyze(text, pub_date=pub_date)
    d = assert_promise(doc, text)
    for t in d["timexes"]:
        v = t["value"]
        if t["type"] == "DATE" and v and "W" in v:
            assert v[:4].isdigit() and v[4:6] == "-W", f"malformed TIMEX3 week value {v!r}"


# Arabic-Indic digits (٢٠٢٥-٠٢-١٨) are accepted since session 3 (tests/test_ingest_robust.py); full-width ones are not.
@pytest.mark.parametrize("bad", ["2025-02-30", "tomorrow", "18/02/2025", "２０２５-０２-１８", "٢٠٢٥-٠٢-٣٠",
                                 "2025-02-18garbage"])
def test_api_bad_pub_date_is_a_clear_error(bad: str) -> None:
    with pytest.raises(KhabarInputError) as ei:
        khabar.analyze(A, pub_date=bad)
    assert "\n" not in str(ei.value)


@pytest.mark.parametrize("bad", [None, b"\xd9\x82\xd8\xa7\xd9\x84", 42])
def test_api_non_str_is_a_type_error(bad) -> None:
    with pytest.raises(TypeError):
        khabar.analyze(bad)


# --------------------------------------------------------------------------- API: pipe()
def _texts_of(docs) -> list[str]:
    return [d.text for d in docs]


def test_pipe_none_and_bytes_inside_list() -> None:
    texts = [A, None, Q.encode("utf-8"), Q]
    docs = list(khabar.pipe(texts, pub_dates=[DATE] * 4))
    assert len(docs) == 4
    assert docs[0].text == A and docs[3].text == Q
    assert docs[1].warnings and docs[2].warnings  # the bad ones say why
    for d in (docs[0], docs[3]):
        assert_promise(d, d.text)


def test_pipe_generator_input() -> None:
    docs = list(khabar.pipe((t for t in [A, "", Q])))
    assert _texts_of(docs) == [A, "", Q]


def test_pipe_pub_dates_shorter_than_texts() -> None:
    with pytest.warns(UserWarning, match="fewer items than texts"):
        docs = list(khabar.pipe([A, Q, A], pub_dates=[DATE]))
    assert len(docs) == 3, f"{len(docs)} Documents for 3 inputs"
    assert docs[0].pub_date == DATE and not any("fewer" in w for w in docs[0].warnings)
    assert all(d.pub_date is None and any("fewer items than texts" in w for w in d.warnings) for d in docs[1:])


def test_pipe_pub_dates_longer_than_texts_warns() -> None:
    with pytest.warns(UserWarning, match="more items than texts"):
        docs = list(khabar.pipe([A], pub_dates=[DATE, DATE]))
    assert len(docs) == 1 and docs[0].pub_date == DATE


def test_pipe_bad_date_in_batch_keeps_one_document_each() -> None:
    docs = list(khabar.pipe([A, Q], pub_dates=["2025-02-30", DATE]))
    assert len(docs) == 2
    assert docs[0].warnings and docs[1].pub_date == DATE


def test_pipe_two_processes_with_hostile_items() -> None:
    texts = [A, None, b"x", "", "\ud800" + Q, API_CASES["unbalanced-quote-marks"], Q]
    docs = list(khabar.pipe(texts, pub_dates=[DATE] * len(texts), n_process=2))
    assert len(docs) == len(texts)
    for t, d in zip(texts, docs):
        if isinstance(t, str):
            assert_promise(d, t)
        else:
            assert d.warnings


def test_pipe_two_processes_pub_dates_shorter() -> None:
    with pytest.warns(UserWarning, match="fewer items than texts"):
        docs = list(khabar.pipe([A, Q, A, Q], pub_dates=[DATE], n_process=2))
    assert len(docs) == 4, f"{len(docs)} Documents for 4 inputs"


# --------------------------------------------------------------------------- CLI
def cli(args: list[str], stdin: bytes | None = None, close_stdin: bool = False, mem_limit: int | None = None,
        timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``khabar`` as a user would, in a subprocess (optionally with stdin closed or an address-space cap)."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")

    def pre() -> None:
        if mem_limit:
            resource.setrlimit(resource.RLIMIT_AS, (mem_limit, mem_limit))
        if close_stdin:
            os.close(0)

    return subprocess.run([sys.executable, "-m", "khabar.cli", *args], input=stdin,
                          stdin=None if stdin is not None or close_stdin else subprocess.DEVNULL,
                          capture_output=True, env=env, timeout=timeout, preexec_fn=pre)


def assert_clean_exit(p: subprocess.CompletedProcess) -> None:
    """Exit 0 or 2 only; no traceback; on 2 exactly one ``error:`` line."""
    err = p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-500:]
    assert p.returncode in (0, 2), f"exit {p.returncode}: {err.strip()[-300:]}"
    if p.returncode == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), err


def analyse_file(tmp_path: Path, name: str, data: bytes, *extra: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    f = tmp_path / name
    f.write_bytes(data)
    p = cli(["analyze", str(f), "--date", DATE, "--format", "json", *extra])
    assert_clean_exit(p)
    return p, (json.loads(p.stdout) if p.returncode == 0 else None)


ENCODED: dict[str, tuple[bytes, str]] = {
    # name: (file bytes, the text a correct reader decodes)
    "cp1256.txt": ((A + Q).encode("cp1256"), A + Q),
    "utf16le-bom.txt": (b"\xff\xfe" + (A + Q).encode("utf-16-le"), A + Q),
    "utf16be-bom.txt": (b"\xfe\xff" + (A + Q).encode("utf-16-be"), A + Q),
    "utf32-bom.txt": ((A + Q).encode("utf-32"), A + Q),
    "latin1-french.txt": (("Le ministre a déclaré mardi à Paris : « Nous sommes prêts. » Élysée, Noël. " * 3)
                          .encode("latin-1"),
                          "Le ministre a déclaré mardi à Paris : « Nous sommes prêts. » Élysée, Noël. " * 3),
    # a Windows-1256 wire story that is mostly Latin (agency credits) with one Arabic sentence
    "cp1256-mostly-latin.txt": (("Reuters AP AFP wire update: " * 3 + "قال لافروف. " + "Copyright 2025 news wire. " * 3)
                                .encode("cp1256"),
                                "Reuters AP AFP wire update: " * 3 + "قال لافروف. " + "Copyright 2025 news wire. " * 3),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_cli_encodings_decode_to_the_right_text(tmp_path: Path, name: str) -> None:
    data, text = ENCODED[name]
    p, d = analyse_file(tmp_path, name, data)
    if d is not None:  # a clear exit-2 error is acceptable; a wrong decoding is not
        assert not offset_errors(d, text), (d["source"], offset_errors(d, text)[:3])
        assert d["text_sha256"] == khabar.Document(text=text).text_sha256, f"decoded as {d['source']['encoding']}"


@pytest.mark.parametrize("name,data", [
    ("utf16le-nobom.txt", (A + Q).encode("utf-16-le")),
    ("utf16be-nobom.txt", (A + Q).encode("utf-16-be")),
])
def test_cli_utf16_without_bom_is_read_or_clearly_refused(tmp_path: Path, name: str, data: bytes) -> None:
    p, d = analyse_file(tmp_path, name, data)
    if d is not None:
        assert not offset_errors(d, A + Q)


def test_cli_invalid_utf8_bytes_keep_the_utf8_text(tmp_path: Path) -> None:
    data = A.encode() + b"\xff\xfe\xc0\x80" + Q.encode()
    p, d = analyse_file(tmp_path, "bad-utf8.txt", data)
    assert d is not None
    text = data.decode("utf-8", "replace")
    assert d["source"]["encoding"].replace("_", "-").startswith("utf-8"), d["source"]
    assert not offset_errors(d, text)
    assert d["warnings"], "undecodable bytes were replaced without a warning"


def test_cli_one_stray_byte_does_not_turn_utf8_into_mojibake(tmp_path: Path) -> None:
    data = (A * 5).encode() + b"\xe1" + (Q * 5).encode()
    p, d = analyse_file(tmp_path, "stray.txt", data)
    assert d is not None
    assert any("لافروف" in e["text"] for e in d["entities"]), f"decoded as {d['source']['encoding']}"


def test_cli_empty_file(tmp_path: Path) -> None:
    p, d = analyse_file(tmp_path, "empty.txt", b"")
    assert d is not None and d["entities"] == [] and d["sentences"] == []
    assert b"warning" in p.stderr


def test_cli_html_inputs(tmp_path: Path) -> None:
    broken = ("<html><body><p>" + A + "<div><p>" + Q + "<b>").encode()
    p, d = analyse_file(tmp_path, "broken.html", broken)
    assert d is not None and any("لافروف" in e["text"] for e in d["entities"])
    meta = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
            "<title>خبر</title></head><body><article><p>" + A + "</p><p>" + Q + "</p></article></body></html>")
    p, d = analyse_file(tmp_path, "cp1256.html", meta.encode("cp1256"))
    assert d is not None and any("لافروف" in e["text"] for e in d["entities"])


def test_cli_html_with_only_scripts(tmp_path: Path) -> None:
    page = b"<html><head><script>var x = 'Lavrov';</script></head><body><script>alert(1)</script></body></html>"
    p, d = analyse_file(tmp_path, "scripts.html", page)
    assert d is not None and d["entities"] == [] and d["noise"] == []


def test_cli_xml_feed_markup_is_not_analysed_as_text(tmp_path: Path) -> None:
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار</title><item>'
            "<title>خبر</title><description>" + A + "</description></item></channel></rss>").encode()
    p, d = analyse_file(tmp_path, "feed.xml", feed)
    assert d is not None
    leaked = [r["text"] for r in d["noise"] + d["entities"] if r["text"] in ("rss version", "channel", "description",
                                                                              "xml version", "item", "title")]
    assert not leaked, f"XML markup analysed as article text: {leaked}"


@pytest.mark.parametrize("name,data", [
    ("binary.bin", bytes(range(256)) * 40),
    ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(1000)),
])
def test_cli_binary_file_is_a_clear_error(tmp_path: Path, name: str, data: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    p = cli(["analyze", str(f)])
    assert_clean_exit(p)
    assert p.returncode == 2


@pytest.mark.parametrize("path", ["DIR", "MISSING", ""])
def test_cli_bad_paths_are_clear_errors(tmp_path: Path, path: str) -> None:
    arg = {"DIR": str(tmp_path), "MISSING": str(tmp_path / "nope.txt"), "": ""}[path]
    p = cli(["analyze", arg])
    assert_clean_exit(p)
    assert p.returncode == 2
    if path == "":
        assert b"directory" not in p.stderr, "an empty path is reported as a directory"


@pytest.mark.parametrize("bad", ["2025-02-30", "tomorrow", "2025-02-18garbage"])
def test_cli_bad_date_is_a_clear_error(tmp_path: Path, bad: str) -> None:
    f = tmp_path / "a.txt"
    f.write_text(A, encoding="utf-8")
    p = cli(["analyze", str(f), "--date", bad])
    assert_clean_exit(p)
    assert p.returncode == 2


def test_cli_stdin_binary_is_a_clear_error() -> None:
    p = cli(["analyze", "-"], stdin=bytes(range(256)) * 20)
    assert_clean_exit(p)
    assert p.returncode == 2


def test_cli_stdin_closed_is_a_clear_error() -> None:
    p = cli(["analyze", "-"], close_stdin=True)
    assert_clean_exit(p)
    assert p.returncode == 2


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_cli_endless_input_is_refused_without_reading_it_all() -> None:
    # An endless device must hit the reader's byte limit, not read until memory runs out (capped at 2 GiB here).
    p = cli(["analyze", "/dev/zero"], mem_limit=2 * 1024 ** 3, timeout=60)
    assert_clean_exit(p)
    assert p.returncode == 2


def test_cli_pretty_output_with_rich_markup_in_the_article(tmp_path: Path) -> None:
    # Square brackets are ordinary text in an article; the pretty tables must not read them as rich markup.
    f = tmp_path / "brackets.txt"
    f.write_text("وقال المتحدث باسم الحكومة: «لن نقبل [/] أي [bold]شروط[/bold] مسبقة» في القاهرة أمس.\n"
                 "وقال لافروف إن Kyiv [/y] and Key Allies وافقوا.\n", encoding="utf-8")
    p = cli(["analyze", str(f), "--date", DATE])
    assert_clean_exit(p)
    assert p.returncode == 0 and "[/]" in p.stdout.decode("utf-8")


@pytest.mark.parametrize("args", [["analyze", "[/]"], ["analyze", "-", "--date", "[/]"]])
def test_cli_error_message_with_brackets(args: list[str]) -> None:
    p = cli(args, stdin=A.encode())
    assert_clean_exit(p)
    assert p.returncode == 2 and b"[/]" in p.stderr


def test_cli_pretty_output_does_not_pass_terminal_escapes_through(tmp_path: Path) -> None:
    # An article is untrusted: ESC sequences in it (colour, OSC window title) must not reach the terminal raw.
    f = tmp_path / "escapes.txt"
    f.write_text("وقال لافروف: «نعم \x1b[31mRED\x1b]0;pwned\x07 لا» في القاهرة أمس.\n", encoding="utf-8")
    p = cli(["analyze", str(f), "--date", DATE])  # stdout is a pipe: rich adds no colour codes of its own
    assert_clean_exit(p)
    assert b"\x1b" not in p.stdout


# --------------------------------------------------------------------------- session 4
class _EvilDate:
    """A pub_date object whose comparison and str() raise (a buggy caller type)."""

    def __eq__(self, other):
        raise RuntimeError("no comparison")

    def __str__(self):
        raise RuntimeError("no str")

    __hash__ = None


@pytest.mark.parametrize("n_process", [1, 2])
def test_pipe_unpicklable_items_fail_alone(n_process: int) -> None:
    # A worker process gets its items by pickling: a lambda or a lock in the batch used to raise PicklingError and
    # lose the whole batch under n_process=2; a date whose == raises escaped the per-item guard in both modes.
    import threading

    texts = [A, (lambda: 1), Q, threading.Lock(), A, Q]
    dates = [DATE, DATE, (lambda: 2), DATE, _EvilDate(), DATE]
    docs = list(khabar.pipe(texts, pub_dates=dates, n_process=n_process))
    assert len(docs) == len(texts)
    assert [bool(d.warnings) for d in docs] == [False, True, True, True, True, False]
    assert all(w.startswith("failed: ") for d in docs[1:5] for w in d.warnings)
    assert docs[2].text == Q and docs[3].text == ""
    for d in (docs[0], docs[5]):
        assert_promise(d, d.text)


@pytest.mark.parametrize("n_process", [1, 2])
def test_pipe_input_iterator_that_raises_keeps_the_texts_read(n_process: int) -> None:
    # With a process pool, an error raised by the caller's iterator used to discard the texts it had already given.
    def source():
        yield A
        yield Q
        raise ValueError("source broke")

    got = []
    with pytest.raises(ValueError, match="source broke"):
        for d in khabar.pipe(source(), n_process=n_process):
            got.append(d)
    assert [d.text for d in got] == [A, Q]


def test_jsonl_huge_integer_id_is_read(tmp_path: Path) -> None:
    # A JSON integer over Python's 4300-digit int limit is valid JSON: the record used to fail as "invalid JSON".
    from khabar.io.corpus import iter_records

    big = "9" * 5000
    f = tmp_path / "big.jsonl"
    f.write_text('{"id": %s, "text": "%s"}\n{"id": "b", "text": %s}\n' % (big, A.strip(), big), encoding="utf-8")
    recs = list(iter_records([f]))
    assert len(recs) == 2
    assert recs[0].error is None and recs[0].id == big and recs[0].text == A.strip()
    assert recs[1].error == "'text' is not a string (int)"


@pytest.mark.parametrize("name", ["entities.xml", "entities.html"])
def test_cli_doctype_internal_subset_is_not_article_text(tmp_path: Path, name: str) -> None:
    # An XML page with a DTD internal subset (entity declarations, here an entity "bomb" and an external file):
    # the entities must stay unexpanded and the subset's closing "]>" used to be analysed as the first text.
    page = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY f SYSTEM "file:///etc/hostname">]><rss><channel><item><description>&b; &f; ' + A
            + "</description></item></channel></rss>")
    p, d = analyse_file(tmp_path, name, page.encode())
    assert d is not None
    assert "]>" not in d["text"] and "aaaaaaaaaa" not in d["text"], d["text"][:80]
    assert any("لافروف" in e["text"] for e in d["entities"])


@pytest.mark.parametrize("sub", ["quotes", "linking", "timex"])
@pytest.mark.parametrize("content", ["", "{bad\n", "[]\n", '{"x": 1}\n', "DIR"])
def test_cli_eval_with_a_bad_gold_file_is_a_clear_error(tmp_path: Path, sub: str, content: str) -> None:
    # An empty gold file used to score 0 with exit 0; broken or foreign JSON gave "error: TypeError …" with exit 1.
    f = tmp_path if content == "DIR" else tmp_path / "gold.jsonl"
    if content != "DIR":
        f.write_text(content, encoding="utf-8")
    p = cli(["eval", sub, "--path", str(f), "--format", "json"])
    assert_clean_exit(p)
    assert p.returncode == 2 and p.stdout == b""


def test_cli_eval_ner_on_a_file_without_tokens_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "x.conll"
    f.write_text("{bad\n", encoding="utf-8")
    p = cli(["eval", "ner", "--test", str(f), "--format", "json"])
    assert_clean_exit(p)
    assert p.returncode == 2 and p.stdout == b""


LONG_NAME = "a" * 5000  # over every file system's NAME_MAX / PATH_MAX: stat() fails with ENAMETOOLONG


@pytest.mark.parametrize("args", [["analyze", LONG_NAME], ["events", "--db", LONG_NAME + ".duckdb"],
                                  ["eval", "quotes", "--path", LONG_NAME], ["ingest", LONG_NAME, "--db", "DB"]])
def test_cli_path_too_long_is_a_clear_error(tmp_path: Path, args: list[str]) -> None:
    # Path.exists() raises OSError for ENAMETOOLONG (it only swallows "not found"): exit 1 and a 5000-character line.
    args = [str(tmp_path / "s.duckdb") if a == "DB" else a for a in args]
    p = cli(args)
    assert_clean_exit(p)
    assert p.returncode == 2 and len(p.stderr) < 400


def test_cli_ingest_path_too_long_among_good_inputs_is_one_failed_unit(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(A, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    p = cli(["ingest", str(good), LONG_NAME, "--db", str(db), "-q", "--date", DATE])
    assert_clean_exit(p)
    assert p.returncode == 0
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = sorted(con.execute("SELECT status, reason FROM documents").fetchall(), key=str)
    con.close()
    assert [r[0] for r in rows] == ["failed", "ok"], rows
    assert "too long" in rows[0][1]


def test_ingest_a_folder_that_cannot_be_listed_is_a_failed_unit(tmp_path: Path, monkeypatch) -> None:
    # os.walk skips a folder it cannot list without a word: its articles vanished from the batch's accounting.
    from khabar.io import corpus

    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(Q, encoding="utf-8")
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    recs = list(corpus.iter_records([tmp_path]))
    assert sorted((Path(r.key).name, r.error) for r in recs) == [
        ("a.txt", None), ("locked", "cannot list folder: Permission denied")]
    assert corpus.count_records([tmp_path]) == 2


def test_cli_ingest_more_workers_than_cpus_is_capped_with_a_warning(tmp_path: Path) -> None:
    # Each worker loads every model: --workers 100000 used to be taken as is (memory exhaustion on a real corpus).
    good = tmp_path / "a.txt"
    good.write_text(A, encoding="utf-8")
    p = cli(["ingest", str(good), "--db", str(tmp_path / "s.duckdb"), "-q", "-w", "100000", "--date", DATE])
    assert_clean_exit(p)
    assert p.returncode == 0 and b"--workers 100000 is more than" in p.stderr
    assert b"ok 1" in p.stderr


def test_cli_file_of_utf8_and_cp1256_lines_reads_both_halves(tmp_path: Path) -> None:
    # Two feeds pasted together, one UTF-8 and one Windows-1256: the whole file used to be read as Windows-1256,
    # so the UTF-8 half became mojibake without a word.
    data = (A + "\n").encode("utf-8") * 3 + (Q + "\n").encode("cp1256") * 3
    p, d = analyse_file(tmp_path, "mixed.txt", data)
    assert d is not None
    text = (A + "\n") * 3 + (Q + "\n") * 3
    assert d["text_sha256"] == khabar.Document(text=text).text_sha256, d["source"]
    assert any("mixed encodings" in w for w in d["warnings"])
    assert not offset_errors(d, text)


def test_stray_bytes_and_pure_cp1256_are_not_taken_for_mixed() -> None:
    from khabar.io.readers import decode

    assert decode((A * 3).encode() + b"\xe1\n" + Q.encode())[1] == "utf-8"
    assert decode(((A + "\n") * 3 + "Reuters 2025\n").encode("cp1256"))[1] == "cp1256"


def test_analyze_refuses_a_corpus_file_with_a_hint(tmp_path):
    """Session 5 new-user trial: a JSON Lines record (or a .gz corpus) given to `analyze` was analysed as raw text."""
    import gzip

    from khabar.io.readers import ReadError, read_text

    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "x", "text": "قال الوزير إن الاجتماع انتهى."}\n', encoding="utf-8")
    packed = tmp_path / "many.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as fh:
        fh.write('{"id": "x", "text": "نص"}\n')
    for p in (one, packed):
        with pytest.raises(ReadError, match="khabar ingest"):
            read_text(str(p))

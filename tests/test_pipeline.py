"""The skeleton's contract: API shapes, offsets, segmentation, reading, and bad input never tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import khabar
from khabar.io.readers import ReadError, read_bytes, read_text
from khabar.pipeline import KhabarInputError
from khabar.text.normalize import normalize, strip_clitics

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cairo-talks.txt"
KEYS = {"text_sha256", "pub_date", "sentences", "entities", "timexes", "events", "quotes", "noise"}


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "khabar.cli", *args], input=stdin, capture_output=True, timeout=900)


def test_analyze_returns_contract_with_valid_offsets():
    text = EXAMPLE.read_text(encoding="utf-8")
    doc = khabar.analyze(text, pub_date="2025-03-02")
    d = doc.to_dict()
    assert KEYS <= set(d)
    assert d["pub_date"] == "2025-03-02"
    assert len(d["sentences"]) == 7
    for s in d["sentences"]:
        assert 0 <= s["start"] < s["end"] <= len(text)
    for key in ("entities", "timexes", "quotes", "noise"):
        for rec in d[key]:
            assert text[rec["start"]:rec["end"]] == rec["text"], (key, rec)
    json.dumps(d, ensure_ascii=False)  # serialisable


def test_pipe_yields_one_document_per_input_in_order():
    texts = ["التقى الوزير نظيره في القاهرة.", "", "Latin only text.", "قصف في غزة يوم الاثنين."]
    docs = list(khabar.pipe(texts, pub_dates=["2025-01-01"] * 4))
    assert [d.text for d in docs] == texts
    docs2 = list(khabar.pipe(texts, n_process=2))
    assert [d.text for d in docs2] == texts


def test_invalid_date_is_a_clear_error():
    with pytest.raises(KhabarInputError):
        khabar.analyze("نص", pub_date="2025-02-30")


def test_segmentation_keeps_quotes_together_and_offsets():
    text = "قال الوزير: “هذا مهم. جدا”. ثم غادر!\nسطر ثان"
    doc = khabar.analyze(text)
    spans = [text[s["start"]:s["end"]] for s in doc.to_dict()["sentences"]]
    assert spans[0].startswith("قال الوزير") and "جدا”." in spans[0]
    assert spans[-1] == "سطر ثان"
    for t in doc.tokens:
        assert text[t.start:t.end] == t.text


def test_normalize_and_clitics():
    assert normalize("إِيمانُويل") == "ايمانويل"
    assert normalize("١٨/٢/٢٠٢٥") == "18/2/2025"
    assert normalize("مدرسة") == "مدرسه"
    assert "الرياض" in strip_clitics(normalize("وبالرياض"))


def test_reader_decodes_cp1256_and_utf16(tmp_path):
    s = "أعلنت الحكومة السعودية اليوم عن خطة جديدة للتنمية في الرياض"
    p = tmp_path / "a.txt"
    p.write_bytes(s.encode("cp1256"))
    art = read_text(str(p))
    assert art.text == s and art.encoding == "cp1256"
    assert read_bytes(s.encode("utf-16")).text == s
    assert read_bytes(b"\xef\xbb\xbf" + s.encode()).text == s


def test_reader_rejects_binary_and_missing(tmp_path):
    p = tmp_path / "b.bin"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ReadError):
        read_text(str(p))
    with pytest.raises(ReadError):
        read_text(str(tmp_path / "missing.txt"))


def test_reader_extracts_html():
    html = ("<html><head><title>خبر</title></head><body><nav>القائمة</nav><article><p>"
            + "التقى رئيس الوزراء وفدا من رجال الأعمال في بغداد لمناقشة الاستثمار. " * 5
            + "</p></article></body></html>").encode()
    art = read_bytes(html, "page.html")
    assert art.format == "html" and "بغداد" in art.text and "<p>" not in art.text


def test_reader_uses_html_metadata_and_drops_navigation():
    html = ('<html><head><title>زيارة إلى بغداد</title>'
            '<meta property="article:published_time" content="2024-05-06T09:30:00+03:00"></head><body>'
            '<nav>الرئيسية | رياضة | اقتصاد | اتصل بنا</nav><article><p>'
            + "وصل وزير الخارجية الأردني إلى بغداد صباح اليوم في زيارة رسمية تستمر يومين. " * 4
            + "</p></article><footer>جميع الحقوق محفوظة</footer></body></html>").encode()
    art = read_bytes(html, "page.html")
    assert art.date and art.date.startswith("2024-05-06"), "trafilatura (with lxml_html_clean) must read the date"
    assert "اتصل بنا" not in art.text and "جميع الحقوق" not in art.text and not art.warnings


@pytest.mark.parametrize("content,expect_ok", [
    (b"", True),
    ("خبر قصير جدا".encode("cp1256"), True),
    (bytes(range(256)) * 10, False),
])
def test_cli_bad_input_never_tracebacks(tmp_path, content, expect_ok):
    p = tmp_path / "in.txt"
    p.write_bytes(content)
    r = run_cli("analyze", str(p), "--format", "json")
    assert b"Traceback" not in r.stderr
    if expect_ok:
        assert r.returncode == 0, r.stderr
        d = json.loads(r.stdout)
        assert KEYS <= set(d)
    else:
        assert r.returncode != 0 and r.stderr.decode().startswith("error:")


def test_cli_missing_path_and_bad_date(tmp_path):
    r = run_cli("analyze", str(tmp_path / "nope.txt"))
    assert r.returncode == 2 and b"Traceback" not in r.stderr and b"no such file" in r.stderr
    r = run_cli("analyze", str(EXAMPLE), "--date", "18-02-2025")
    assert r.returncode == 2 and b"Traceback" not in r.stderr and b"invalid publication date" in r.stderr


def test_cli_cp1256_file_is_decoded(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("–", "-")
    p = tmp_path / "w.txt"
    p.write_bytes(text.encode("cp1256"))
    r = run_cli("analyze", str(p), "--format", "json", "--date", "2025-03-02")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["text_sha256"] == khabar.analyze(text).text_sha256
    assert d["source"]["encoding"] == "cp1256"


def test_cli_large_article(tmp_path):
    one = EXAMPLE.read_text(encoding="utf-8")
    big = (one + "\n") * (5_000_000 // (len(one.encode()) + 1) + 1)
    p = tmp_path / "big.txt"
    p.write_text(big, encoding="utf-8")
    assert p.stat().st_size >= 5_000_000
    r = run_cli("analyze", str(p), "--format", "jsonl", "--date", "2025-03-02")
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(r.stdout)
    assert len(d["sentences"]) > 1000


def test_cli_pretty_and_stdin():
    r = run_cli("analyze", "-", "--date", "2025-03-02", stdin=EXAMPLE.read_bytes())
    assert r.returncode == 0, r.stderr
    assert "Entities" in r.stdout.decode()


def _spans(o):
    """Every (start, end, text) triple nested anywhere in a JSON-like object."""
    if isinstance(o, dict):
        if isinstance(o.get("start"), int) and isinstance(o.get("text"), str):
            yield o["start"], o["end"], o["text"]
        for v in o.values():
            yield from _spans(v)
    elif isinstance(o, list):
        for v in o:
            yield from _spans(v)


def test_long_input_in_pieces_keeps_every_offset(monkeypatch):
    from khabar import pipeline

    text = (EXAMPLE.read_text(encoding="utf-8") + "\n") * 6
    whole = khabar.analyze(text, "2025-03-02").to_dict()
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2000)
    doc = khabar.analyze(text, "2025-03-02")
    d = doc.to_dict()
    assert any("pieces" in w for w in doc.warnings)
    triples = list(_spans({k: d[k] for k in ("entities", "timexes", "events", "quotes", "noise")}))
    assert triples and all(text[a:b] == t for a, b, t in triples)
    assert [(s["start"], s["end"]) for s in d["sentences"]] == [(s["start"], s["end"]) for s in whole["sentences"]]
    assert len(d["entities"]) >= len(whole["entities"]) * 0.9
    for ev in d["events"]:
        s = d["sentences"][ev["sentence"]]
        assert s["start"] <= ev["trigger"]["start"] < s["end"]


def test_run_on_sentence_is_cut_at_clause_marks():
    from khabar.text.segment import MAX_SENTENCE_TOKENS
    clause = "أعلن المتحدث باسم الحكومة العراقية أن الوزراء ناقشوا خطة لإعادة إعمار المدن المتضررة، "
    text = clause * 60  # one line, no full stop: about 840 tokens
    doc = khabar.analyze(text, "2024-01-01")
    sizes = [s.tok_end - s.tok_start for s in doc.sentences]
    assert len(doc.sentences) > 1 and max(sizes) <= MAX_SENTENCE_TOKENS
    assert all(doc.tokens[s.tok_end - 1].text == "،" for s in doc.sentences[:-1])  # cut after a clause mark
    assert sum(sizes) == len(doc.tokens) and any("run-on" in w for w in doc.warnings)
    assert all(text[s.start:s.end].strip() == text[s.start:s.end] for s in doc.sentences)


def test_api_warns_when_given_an_html_page():
    page = "<!DOCTYPE html><html><body><p>زار الوزير القاهرة أمس.</p></body></html>"
    doc = khabar.analyze(page, "2024-01-01")
    assert any("HTML" in w for w in doc.warnings)
    assert not any("HTML" in w for w in khabar.analyze("زار الوزير القاهرة أمس.", "2024-01-01").warnings)


def test_direction_marks_and_zero_width_joiners_do_not_split_names():
    from khabar.text.segment import tokenize

    assert [t.text for t in tokenize("سيرغي \u200fلافروف")] == ["سيرغي", "لافروف"]
    assert [t.norm for t in tokenize("لا\u200cفروف \u200eقال\ufeff")] == ["لافروف", "قال"]
    clean = "وقال وزير الخارجية الروسي سيرغي لافروف إن بلاده مستعدة للحوار."
    noisy = clean.replace("سيرغي لافروف", "سيرغي \u200fلا\u200cفروف")
    names = lambda t: [e.english for e in khabar.analyze(t, "2024-01-01").entities]  # noqa: E731
    assert names(noisy) == names(clean)


def test_undated_relative_dates_are_reported():
    import khabar
    doc = khabar.analyze("وصل الوزير أمس إلى القاهرة.")
    assert any("no publication date" in w for w in doc.warnings)
    assert not any("no publication date" in w for w in khabar.analyze("وصل الوزير أمس إلى القاهرة.",
                                                                        pub_date="2025-01-01").warnings)

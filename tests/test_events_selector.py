"""Trained source/target selector of the event coder (khabar.events.selector; session 3). Sentences written for
these tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from khabar.events import coder, selector


@pytest.fixture(autouse=True)
def no_gate(monkeypatch):
    monkeypatch.setattr(coder, "GATE_ENABLED", False)


def _events(text: str, typ: str):
    import khabar

    return [e for e in khabar.analyze(text, "2020-01-01").events if e.type == typ]


def test_selector_fills_the_target_of_a_protest_before_an_embassy():
    # the rules leave the target empty; the selector takes the embassy's nationality (GSR convention)
    evs = _events("تظاهر مئات الطلاب أمام السفارة الأمريكية في القاهرة.", "PROTEST")
    assert evs and evs[0].target is not None and evs[0].target.country == "USA"
    assert evs[0].source is None or evs[0].source.country != "USA"


def test_selector_gives_a_countryless_local_force_the_country_of_the_place():
    evs = _events("استهدف هجوم انتحاري مركزا للشرطة في مدينة قندهار الأفغانية.", "ASSAULT")
    assert evs and evs[0].target is not None and evs[0].target.country == "AFG"


def test_selector_fills_an_empty_target_with_the_attacked_country():
    evs = _events("قصفت الطائرات مواقع في جنوب لبنان أمس.", "ASSAULT")
    assert evs and evs[0].target is not None and evs[0].target.country == "LBN"
    # a place chosen as actor becomes a country-level actor (no city/region KB id)
    assert not (evs[0].target.kb_id or "").startswith(("city:", "region:"))


def test_selector_off_or_missing_keeps_the_rules(monkeypatch, tmp_path: Path):
    text = "تظاهر مئات الطلاب أمام السفارة الأمريكية في القاهرة."
    monkeypatch.setattr(selector, "ENABLED", False)
    evs = _events(text, "PROTEST")
    assert evs and evs[0].target is None
    monkeypatch.setattr(selector, "ENABLED", True)
    monkeypatch.setattr(selector, "SELECTOR_PATH", tmp_path / "absent.json")
    selector.load.cache_clear()
    try:
        assert selector.load() is None
        evs = _events(text, "PROTEST")
        assert evs and evs[0].target is None
        bad = tmp_path / "bad.json"
        bad.write_text('{"w": {}}', encoding="utf-8")  # malformed: no bias / threshold → off, no traceback
        monkeypatch.setattr(selector, "SELECTOR_PATH", bad)
        selector.load.cache_clear()
        assert selector.load() is None
        d = __import__("khabar").analyze(text, "2020-01-01")
        assert not d.warnings or all("events" not in w for w in d.warnings)
    finally:
        selector.load.cache_clear()


def test_selector_only_for_trained_types_and_threshold():
    class E:  # a minimal trigger entry / trigger / mention for choose()
        def __init__(self, typ):
            self.type, self.pos, self.flags = typ, "v", ()

    class T:
        def __init__(self, typ):
            self.entry, self.a, self.b, self.definite, self.sources, self.targets = E(typ), 2, 3, False, [], []

    from khabar.document import Actor, Token

    from khabar.events.coder import _Mention
    toks = [Token(i * 6, i * 6 + 5, w, w) for i, w in enumerate(["وقالت", "مصادر", "هاجم", "الجيش", "قرية"])]
    m = _Mention(3, 4, Actor(country="XXX", actor_code="XXXMIL", text="الجيش"), None)
    model = {"bias": 5.0, "w": {}, "threshold": 0.5, "types": ["ASSAULT"]}
    assert selector.choose(toks, T("ASSAULT"), [m], "source", None, model) is m
    assert selector.choose(toks, T("CONSULT"), [m], "source", None, model) is None  # not trained on CONSULT
    assert selector.choose(toks, T("ASSAULT"), [m], "source", None, {**model, "bias": -5.0}) is None


def test_gate_protest_uses_the_trigger_window():
    # session 3: the PROTEST gate adds the stems around each lexicon trigger (grouped CV 0.42 → 0.47)
    from khabar.document import Document
    from khabar.events import gate
    from khabar.text.segment import segment

    d = segment(Document(text="وتظاهر مئات العمال أمام مقر الوزارة أمس للمطالبة بزيادة الأجور."))
    f = gate.sentence_features(d.tokens, typ="PROTEST", kind="w+t")
    assert any(x.startswith("tr:") for x in f) and any(x.startswith("tw+:") for x in f)
    assert not any(x.startswith("tr:") for x in gate.sentence_features(d.tokens, typ="PROTEST"))
    m = gate.load_gate()
    assert m["PROTEST"]["features"] == "w+t" and m["ASSAULT"].get("features", "w") == "w"
    assert gate.model_features(m["PROTEST"], d.tokens, "PROTEST") == f

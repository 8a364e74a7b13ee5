"""Tests of the event coder (khabar.events), its lexicon builder and its evaluation.

Sentences here are written for the tests (not taken from any data set or from the seed). Documents are segmented
with khabar's segmenter and their entities/timexes filled by hand, so the coder is tested on its own.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.document import Document, Entity, Timex
from khabar.events.coder import code_events
from khabar.text.segment import segment


def _doc(text: str, ents: list[tuple[str, str, str | None, str | None, str | None]] = (),
         timexes: list[tuple[str, str]] = (), pub_date: str | None = "2024-05-10") -> Document:
    """Build a Document: ``ents`` = (surface, label, country, actor_code, kb_id) found by first occurrence after
    the previous one; ``timexes`` = (surface, value)."""
    d = segment(Document(text=text, pub_date=pub_date))
    pos = 0
    for surf, label, country, code, kb_id in ents:
        i = text.index(surf, pos)
        d.entities.append(Entity(i, i + len(surf), surf, label, country=country, actor_code=code, kb_id=kb_id,
                                 english=kb_id.split(":")[-1].title() if kb_id else None, link="exact"))
        pos = i + 1
    for surf, value in timexes:
        i = text.index(surf)
        d.timexes.append(Timex(i, i + len(surf), surf, "DATE", value))
    return d


@pytest.fixture(autouse=True)
def no_gate(request, monkeypatch):
    """Role/modality tests exercise the coder without the GSR-trained sentence gate (tested on its own)."""
    if not request.node.name.startswith(("test_gate", "test_evaluation", "test_seed")):
        from khabar.events import coder
        monkeypatch.setattr(coder, "GATE_ENABLED", False)


def _types(d: Document) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in d.events:
        out.setdefault(e.type, []).append(e)
    return out


def test_consult_vso_with_partner_place_and_date():
    text = "التقى وزير الخارجية الألماني مع نظيره الياباني في جنيف يوم الأربعاء لبحث الأزمة."
    d = _doc(text, [("جنيف", "GPE", "CHE", "CHE", "city:CHE:geneva")], [("يوم الأربعاء", "2024-05-08")])
    d.entities.insert(0, Entity(text.index("وزير"), text.index(" مع"), "وزير الخارجية الألماني", "PER",
                                country="DEU", actor_code="DEUGOV", link="role"))
    # the partner is a role noun with a nationality adjective ("نظيره الياباني")
    d.entities.append(Entity(text.index("نظيره"), text.index(" في"), "نظيره الياباني", "PER", country="JPN",
                             actor_code="JPNGOV", link="role"))
    d.entities.sort(key=lambda e: e.start)
    code_events(d)
    ev = _types(d)["CONSULT"][0]
    assert ev.source.country == "DEU"
    assert ev.target.country == "JPN"
    assert ev.location is not None and ev.location.kb_id == "city:CHE:geneva"
    assert ev.date == {"value": "2024-05-08", "source": "timex", "start": text.index("يوم الأربعاء"),
                       "end": text.index("يوم الأربعاء") + len("يوم الأربعاء")}
    assert ev.mode == "third-party" and ev.cameo == "044"
    assert ev.trigger.text == "التقى"
    assert text[ev.trigger.start:ev.trigger.end] == "التقى"


def test_date_falls_back_to_pub_date_and_modality_default():
    d = _doc("زار الرئيس الفرنسي بغداد.", [("بغداد", "GPE", "IRQ", "IRQ", "city:IRQ:baghdad")])
    d.entities.insert(0, Entity(4, 18, "الرئيس الفرنسي", "PER", country="FRA", actor_code="FRAGOV", link="role"))
    code_events(d)
    ev = _types(d)["CONSULT"][0]
    assert ev.mode == "visit" and ev.cameo == "042"
    assert ev.date == {"value": "2024-05-10", "source": "pub_date"}
    assert ev.modality == "asserted"
    assert ev.source.country == "FRA"


def test_agent_noun_with_demonym_gives_country_and_code():
    pytest.importorskip("khabar.kb.store")
    text = "قصفت الطائرات الإسرائيلية مواقع في جنوب لبنان."
    d = _doc(text, [("لبنان", "GPE", "LBN", "LBN", "country:LBN")])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert ev.source is not None and ev.source.country == "ISR"
    assert ev.source.actor_code == "ISRMIL"
    assert ev.location is not None and ev.location.country == "LBN"


def test_plural_demonyms_coordinated_make_symmetric_pair():
    pytest.importorskip("khabar.kb.store")
    d = _doc("اجتمع دبلوماسيون صينيون وهنود في نيودلهي لبحث الحدود.")
    code_events(d)
    ev = _types(d)["CONSULT"][0]
    assert {ev.source.country, ev.target.country} == {"CHN", "IND"}


def test_negated_future_conditional_requested():
    d = _doc("لم تهاجم القوات المواقع.")
    code_events(d)
    assert [e.modality for e in d.events if e.type == "ASSAULT"] == ["negated"]

    d = _doc("ستفرض الحكومة عقوبات جديدة على الشركات.")
    code_events(d)
    assert [e.modality for e in d.events if e.type == "SANCTION"] == ["future"]

    d = _doc("إذا هاجم المسلحون القرية سترد الشرطة.")
    code_events(d)
    assert "asserted" not in [e.modality for e in d.events if e.type == "ASSAULT"]

    # a call for a ceasefire is a REQUEST, the ceasefire itself is not coded as done
    d = _doc("دعت فرنسا إلى وقف إطلاق النار في غزة.", [("فرنسا", "GPE", "FRA", "FRA", "country:FRA"),
                                                  ("غزة", "GPE", "PSE", "PSE", "city:PSE:gaza")])
    code_events(d)
    t = _types(d)
    assert "RETREAT" not in t
    req = t["REQUEST"][0]
    assert req.modality == "requested" and req.mode == "yield"
    assert req.source.country == "FRA"


def test_negated_acceptance_is_reject():
    d = _doc("قالت الحكومة إنها لن تقبل الشروط.")
    code_events(d)
    t = _types(d)
    assert "REJECT" in t and t["REJECT"][0].modality == "asserted"
    assert "AGREE" not in t


def test_counted_victims_after_verb_are_targets():
    pytest.importorskip("khabar.kb.store")
    d = _doc("قتل مسلحون خمسة جنود باكستانيين في هجوم.")
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert ev.target is not None and ev.target.country == "PAK"


def test_mentions_of_one_meeting_merge_and_place_comes_from_later_mention():
    text = ("عقد مسؤولون مصريون وأتراك محادثات يوم الاثنين. "
            "وجرت المحادثات في قصر الضيافة في العاصمة أنقرة. "
            "وقال مسؤول إن الاجتماع كان إيجابيا.")
    d = _doc(text, [("أنقرة", "GPE", "TUR", "TUR", "city:TUR:ankara")], [("يوم الاثنين", "2024-05-06")])
    code_events(d)
    consult = [e for e in d.events if e.type == "CONSULT"]
    assert len(consult) == 1
    ev = consult[0]
    assert len(ev.mentions) == 3
    assert {d.sentence_of(m.start) for m in ev.mentions} == {0, 1, 2}
    assert ev.location is not None and ev.location.kb_id == "city:TUR:ankara"
    assert ev.date["value"] == "2024-05-06"


def test_different_actors_do_not_merge():
    text = "هاجمت القوات الروسية مدينة خاركيف. وفي مكان آخر هاجمت القوات الهندية مواقع في كشمير."
    d = _doc(text, [("خاركيف", "GPE", "UKR", "UKR", "city:UKR:kharkiv")])
    code_events(d)
    pytest.importorskip("khabar.kb.store")
    assert len([e for e in d.events if e.type == "ASSAULT"]) == 2


def test_gate_drops_background_reference_keeps_report():
    from khabar.events.gate import load_gate

    if not load_gate():
        pytest.skip("gate artefact not built (khabar.events.gate.train)")
    d = _doc("منذ اغتيال الزعيم قبل عشر سنوات والبلاد تعيش أزمة سياسية.")
    code_events(d)
    assert "ASSAULT" not in _types(d)
    d = _doc("قتل مسلحون خمسة جنود في هجوم على نقطة تفتيش.")
    code_events(d)
    assert "ASSAULT" in _types(d)


def test_trigger_inside_a_name_is_ignored():
    # "فيصل" must not be read as ف + يصل (arrive)
    d = _doc("قال فيصل إن الطقس جميل.", [("فيصل", "PER", "SAU", "SAUGOV", "per:faisal")])
    code_events(d)
    assert d.events == []


@pytest.mark.parametrize("text", ["", "   ", "hello world only latin", "\x00\x01\ufffd", "؟؟؟ ... !!!", "قتل" * 5000])
def test_never_raises(text):
    d = Document(text=text)
    code_events(d)  # segmentation is run when missing
    assert isinstance(d.events, list)
    assert not any(w.startswith("events:") for w in d.warnings)


def test_large_input_runs():
    para = "شنت الطائرات غارات على مواقع المسلحين شمال المدينة، وقالت الشرطة إنها اعتقلت عشرة أشخاص. "
    d = segment(Document(text=para * 3000))  # ~270 KB
    code_events(d)
    assert len(d.events) > 0
    assert all(0 <= m.start < m.end <= len(d.text) for e in d.events for m in e.mentions)


def test_every_event_has_valid_fields():
    from khabar.eval.events import TYPES

    text = ("تظاهر آلاف الطلاب أمام البرلمان احتجاجا على القانون. واعتقلت الشرطة عشرات المحتجين. "
            "ورفضت الحكومة المطالب، وهددت المعارضة بالإضراب.")
    d = _doc(text)
    code_events(d)
    assert {"PROTEST", "COERCE", "REJECT", "THREATEN"} <= {e.type for e in d.events}
    for e in d.events:
        assert e.type in TYPES
        assert e.cameo and e.cameo.isdigit()
        assert e.modality in {"asserted", "negated", "requested", "future", "conditional"}
        assert e.mentions and e.trigger == e.mentions[0]
        assert d.text[e.trigger.start:e.trigger.end] == e.trigger.text
    json.dumps(d.to_dict(), ensure_ascii=False)


def test_build_lexicon(shared: Path, tmp_path: Path):
    from khabar.events.build_lexicon import build

    lex = build(shared, out=tmp_path / "lex.json")
    assert (tmp_path / "lex.json").is_file()
    assert lex["stats"]["hand_rows"] > 50
    assert lex["stats"]["upetrarch_patterns"] > 500
    types = {r["type"] for r in lex["hand"]}
    from khabar.eval.events import TYPES
    assert set(TYPES) <= types
    assert lex["cameo2plover"]["044"][0] == "CONSULT"
    assert all(p["type"] in TYPES for p in lex["upetrarch"])


def test_events_dev_set_shape():
    from khabar.eval.events import TYPES
    from khabar.paths import EVAL

    recs = [json.loads(x) for x in (EVAL / "events-dev.jsonl").read_text(encoding="utf-8").splitlines() if x]
    assert len(recs) >= 150
    assert set(TYPES) <= {e["type"] for r in recs for e in r["events"]}
    for r in recs:
        assert set(r) >= {"file", "id", "start", "end", "events"}
        assert "text" not in r  # references only, no sentences copied


def test_evaluation_floors(shared: Path):
    from khabar.eval.events import evaluate

    r = evaluate(shared, limit=600)  # first 600 GSR rows per file (speed); full figures in docs/bench/events.md
    # floors a little under the figures measured with the same limit (session 2: shipped gate 0.85 / 0.85 on rows
    # it was trained on; grouped cross-validation 0.58 / 0.15 on 600 rows; events-dev micro-F1 0.64)
    assert r["assault_f1"] >= 0.70
    assert r["protest_f1"] >= 0.60
    try:
        import sklearn  # noqa: F401  (the cross-validation retrains the gate)
    except ImportError:
        assert r["assault_f1_cv"] is None
    else:
        assert r["assault_f1_cv"] is not None and r["assault_f1_cv"] >= 0.45
        assert r["protest_f1_cv"] is not None and r["assault_f1_cv"] > r["gsr"]["ASSAULT"]["no_gate"]["f1"]
        # session 3: trained slot selector, grouped 5-fold CV over all 403 spans records (49.0 / 70.3; rules alone
        # 25.0 / 69.3)
        assert r["actor_accuracy_cv"] is not None and r["actor_accuracy_cv"] >= 40
        assert r["actor_accuracy_incl_none_cv"] >= 69
    assert r["events_dev"]["micro"]["f1"] >= 0.58
    assert set(r["per_type"]) == set(__import__("khabar.eval.events", fromlist=["TYPES"]).TYPES)
    assert 0 <= r["actor_accuracy"] <= 100


def test_seed_required_consult(seed):
    import khabar

    art, _ = seed
    d = khabar.analyze(art.read_text(encoding="utf-8"), "2025-02-18")
    ok = [e for e in d.events if e.type == "CONSULT" and {a.country for a in e.sources + e.targets} >= {"RUS", "USA"}
          and e.location is not None and e.location.english == "Riyadh" and (e.date or {}).get("value") == "2025-02-18"]
    assert len(ok) == 1
    assert len(ok[0].mentions) >= 2


# ---------------------------------------------------------------------------------------------------------------
# Regressions from the new-user trial (docs/bench/events.md, "Fixes after user trial"). Sentences written for the
# tests; one test per class of error.

def _has(d: Document, typ: str, modality: str | None = "asserted") -> list:
    return [e for e in d.events if e.type == typ and (modality is None or e.modality == modality)]


def test_trial_lexical_time_homograph_is_not_an_attack():
    # فجر = dawn (followed by a time word / after عند / definite), not فجّر "blew up"
    for text in ("سقطت قذيفة على سوق الخضار فجر الأربعاء.", "وصل الوفد عند الفجر إلى العاصمة.",
                 "غادر الصيادون الميناء منذ فجر يوم الجمعة."):
        d = code_events(_doc(text))
        assert not [e for e in d.events if e.cameo == "183"], text
    # the verb still codes: "فجّر مسلحون سيارة مفخخة"
    d = code_events(_doc("فجر مسلحون جسرا قرب الحدود."))
    assert [e for e in d.events if e.type == "ASSAULT"]


def test_trial_ceasefire_topic_accident_and_flight_are_not_events():
    text = "ناقش وزير الخارجية الإيطالي مع نظيره المصري تثبيت وقف إطلاق النار في ليبيا."
    d = code_events(_doc(text, [("ليبيا", "GPE", "LBY", "LBY", "country:LBY")]))
    assert not _has(d, "ASSAULT", None) and not _has(d, "RETREAT", None)
    cons = _has(d, "CONSULT")
    assert cons and (cons[0].location is None or cons[0].location.country != "LBY")  # Libya is the topic
    d = code_events(_doc("أعلنت الحكومة السودانية وقفا لإطلاق النار في الإقليم."))
    assert not _has(d, "ASSAULT", None)
    d = code_events(_doc("لقي 30 شخصا مصرعهم في تحطم طائرة ركاب قرب المطار."))
    assert not _has(d, "ASSAULT", None)
    d = code_events(_doc("ألغت شركة الطيران رحلة إلى باريس بسبب الطقس."))
    assert not _has(d, "COERCE", None)
    d = code_events(_doc("استقال رئيس الوزراء الإيطالي من منصبه أمس."))
    assert not _has(d, "RETREAT", None)  # resignation is not a PLOVER RETREAT


def test_trial_roles_host_svo_counterpart_and_dual():
    text = "استقبل الرئيس الكيني وليام روتو رئيس الوزراء الهندي ناريندرا مودي في نيروبي."
    d = code_events(_doc(text, [("وليام روتو", "PER", "KEN", "KENGOV", "per:william-ruto"),
                                ("ناريندرا مودي", "PER", "IND", "INDGOV", "per:narendra-modi"),
                                ("نيروبي", "GPE", "KEN", "KEN", "city:KEN:nairobi")]))
    ev = _has(d, "CONSULT")[0]
    assert ev.mode == "host" and ev.source.kb_id == "per:william-ruto" and ev.target.kb_id == "per:narendra-modi"
    # SVO with co-ordinated subjects: sources are the subjects, not a later noun
    text = "المغرب وتونس يرفضان أي محاولة لتهجير السكان من أرضهم."
    d = code_events(_doc(text, [("المغرب", "GPE", "MAR", "MAR", "country:MAR"),
                                ("وتونس", "GPE", "TUN", "TUN", "country:TUN")]))
    rej = _has(d, "REJECT")[0]
    assert {a.country for a in rej.sources} == {"MAR", "TUN"} and not rej.targets
    assert not _has(d, "COERCE", None)  # the displacement is the object of the rejected attempt
    # "التقى X نظيره Y" → target Y; "وبحث الجانبان" → the same two parties (one event)
    text = "التقى وزير الخارجية الهندي راجيف كومار نظيره الصيني لي مينغ في بكين. وبحث الجانبان ملف الحدود."
    d = code_events(_doc(text, [("راجيف كومار", "PER", "IND", "INDGOV", "per:rajiv-kumar"),
                                ("لي مينغ", "PER", "CHN", "CHNGOV", "per:li-ming"),
                                ("بكين", "GPE", "CHN", "CHN", "city:CHN:beijing")]))
    cons = _has(d, "CONSULT")
    assert len(cons) == 1 and len(cons[0].mentions) == 2
    assert cons[0].source.kb_id == "per:rajiv-kumar" and cons[0].target.kb_id == "per:li-ming"


def test_trial_roles_attacker_demonym_reporter_and_place():
    text = "أعلنت السلطات العراقية مقتل 9 أشخاص في غارات تركية على قرية حدودية."
    d = code_events(_doc(text))
    ev = _has(d, "ASSAULT")[0]
    assert ev.source is not None and ev.source.country == "TUR"
    assert all("غارات" not in (a.text or "") for a in ev.sources + ev.targets)
    assert all(a.country != "TUR" for a in ev.targets)
    text = "قال مراسل قناة الجزيرة إن القوات السورية قصفت مدينة إدلب."
    d = code_events(_doc(text, [("الجزيرة", "ORG", "QAT", "QATMED", "org:al-jazeera"),
                                ("إدلب", "GPE", "SYR", "SYR", "city:SYR:idlib")]))
    ev = _has(d, "ASSAULT")[0]
    assert all(a.kb_id != "org:al-jazeera" for a in ev.sources + ev.targets)
    assert ev.source is not None and ev.source.country == "SYR"
    # a correspondent named right after the speech verb is not a participant of the reported event
    text = "وقال مراسل بي بي سي إن اشتباكات عنيفة اندلعت في المدينة."
    d = code_events(_doc(text, [("بي بي سي", "ORG", "GBR", "GBRMED", "org:bbc")]))
    assert all(a.kb_id != "org:bbc" for e in d.events for a in e.sources + e.targets)
    text = "يزور رئيس الوزراء الياباني كينجي ساتو برلين لإجراء محادثات مع المستشار الألماني."
    d = code_events(_doc(text, [("كينجي ساتو", "PER", "JPN", "JPNGOV", "per:kenji-sato"),
                                ("برلين", "GPE", "DEU", "DEU", "city:DEU:berlin")]))
    ev = [e for e in d.events if e.mode == "visit"][0]
    assert [a.kb_id for a in ev.sources] == ["per:kenji-sato"]
    assert any(a.country == "DEU" for a in ev.targets)


def test_trial_modality_future_plan_and_negation_scope():
    text = "ومن المقرر أن يزور وزير الخارجية التركي أنقرة الأسبوع المقبل."
    d = code_events(_doc(text))
    assert _has(d, "CONSULT", "future") and not _has(d, "CONSULT")
    # talks that are the purpose of a scheduled visit are scheduled too
    text = "ومن المقرر أن يزور الوزير التركي هاكان فيدان موسكو في 20 مايو لإجراء محادثات مع نظيره الروسي."
    d = code_events(_doc(text, [("هاكان فيدان", "PER", "TUR", "TURGOV", "per:hakan-fidan"),
                                ("موسكو", "GPE", "RUS", "RUS", "city:RUS:moscow")], [("20 مايو", "2024-05-20")]))
    assert d.events and not _has(d, "CONSULT")
    d = code_events(_doc("رفضت الحكومة الألمانية خطة لترحيل اللاجئين."))
    assert _has(d, "REJECT") and not _has(d, "COERCE", None)
    # the negation governs the verb right after it (أنهى), not the protests
    d = code_events(_doc("لم تنه الشرطة الاحتجاجات في الساحة الرئيسية."))
    assert not _has(d, "PROTEST", "negated")
    # "did not provide any evidence" is not a rejection; "will not accept" is
    d = code_events(_doc("لم يقدم المتحدث أي دليل على ذلك."))
    assert not _has(d, "REJECT", None)
    d = code_events(_doc("قال الوزير إن بلاده لن تقبل الاتفاق."))
    assert _has(d, "REJECT")


def test_trial_date_of_own_clause_only():
    text = "اتفقت مصر والسودان على تمديد الهدنة التي بدأت في يناير 2020."
    d = code_events(_doc(text, [("مصر", "GPE", "EGY", "EGY", "country:EGY"),
                                ("والسودان", "GPE", "SDN", "SDN", "country:SDN")],
                         [("يناير 2020", "2020-01")]))
    ev = _has(d, "AGREE")[0]
    assert ev.date["source"] == "pub_date" and ev.date["value"] == "2024-05-10"
    # the timex of a relative clause after a comma belongs to that clause ("…، التي بدأت في …")
    text = "أكد الرئيسان أنهما اتفقا على إنهاء الحرب، التي بدأت في مارس 2019."
    d = code_events(_doc(text, [], [("مارس 2019", "2019-03")]))
    assert _has(d, "AGREE") and all(e.date["value"] != "2019-03" for e in d.events)
    # a timex in the trigger's own clause is still used
    text = "وقعت مصر والسودان اتفاقا في يناير 2020."
    d = code_events(_doc(text, [("مصر", "GPE", "EGY", "EGY", "country:EGY"),
                                ("والسودان", "GPE", "SDN", "SDN", "country:SDN")],
                         [("يناير 2020", "2020-01")]))
    assert any(e.date["value"] == "2020-01" for e in d.events)


def test_trial_no_merge_across_sentences_with_other_participants():
    text = ("استضافت فرنسا اجتماعا طارئا لوزراء الدفاع الأوروبيين. "
            "وفي سياق آخر، أجرى الرئيس الفرنسي محادثات مع الرئيس الأمريكي.")
    d = code_events(_doc(text, [("فرنسا", "GPE", "FRA", "FRA", "country:FRA")]))
    cons = _has(d, "CONSULT")
    assert len(cons) == 2
    host = [e for e in cons if e.mode == "host"][0]
    assert all(m.start < text.index("وفي") for m in host.mentions)  # nothing from the other sentence
    assert not any(a.country == "USA" for a in host.targets)
    # indefinite talks without participants in the next sentence are not this meeting
    text = "استضافت فرنسا اجتماعا طارئا للقادة الأوروبيين. وتتواصل محادثات السلام في جنيف."
    d = code_events(_doc(text, [("فرنسا", "GPE", "FRA", "FRA", "country:FRA"),
                                ("جنيف", "GPE", "CHE", "CHE", "city:CHE:geneva")]))
    host = [e for e in d.events if e.mode == "host"][0]
    assert all(m.start < text.index("وتتواصل") for m in host.mentions)
    # a dated past meeting does not absorb this week's talks between the same countries
    text = ("التقى مسؤولون أمريكيون وروس في جنيف عام 2021. "
            "وأجرى الأمريكيون والروس محادثات في الرياض.")
    d = code_events(_doc(text, [("جنيف", "GPE", "CHE", "CHE", "city:CHE:geneva"),
                                ("الرياض", "GPE", "SAU", "SAU", "city:SAU:riyadh")],
                         [("عام 2021", "2021")]))
    assert len(_has(d, "CONSULT")) == 2


def test_trial_location_topic_is_not_the_place():
    text = "بحث وزير الخارجية المصري مع نظيره القطري في القاهرة الأوضاع في السودان."
    d = code_events(_doc(text, [("القاهرة", "GPE", "EGY", "EGY", "city:EGY:cairo"),
                                ("السودان", "GPE", "SDN", "SDN", "country:SDN")]))
    ev = _has(d, "CONSULT")[0]
    assert ev.location is not None and ev.location.kb_id == "city:EGY:cairo"
    text = "بحث وزير الخارجية المصري سامح شكري مع نظيره القطري الأوضاع في مدينة الفاشر."
    d = code_events(_doc(text, [("سامح شكري", "PER", "EGY", "EGYGOV", "per:sameh-shoukry"),
                                ("الفاشر", "GPE", "SDN", "SDN", "city:SDN:el-fasher")]))
    assert _has(d, "CONSULT") and all(e.location is None for e in d.events)
    text = "ناقش الوزيران الأوضاع في السودان."
    d = code_events(_doc(text, [("السودان", "GPE", "SDN", "SDN", "country:SDN")]))
    assert all(e.location is None for e in d.events)


def test_fronted_date_is_not_blocked_by_the_previous_sentence():
    """A timex opening the sentence governs its clause even when the sentence before ends with منذ …"""
    import khabar

    t = ("تراجعت العلاقات بين البلدين إلى أدنى مستوى منذ عقود. "
         "منذ نحو عامين، التقى وزير الخارجية الروسي سيرجي لافروف نظيره الأمريكي أنتوني بلينكن في نيودلهي.")
    doc = khabar.analyze(t, "2025-02-18")
    consult = [e for e in doc.events if e.type == "CONSULT"]
    assert consult and consult[0].date and consult[0].date["value"] == "2023"


# ---------------------------------------------------------------------------------------------------------------
# Session 2 (2026-11-29): sentence gate (TF-IDF stems, two operating points) and actor-country attribution.
# Sentences written for the tests.

def test_gate_profiles_and_features():
    from khabar.events import gate

    m = gate.load_gate()
    if not m:
        pytest.skip("gate artefact not built (khabar.events.gate.train)")
    for typ in gate.GATED:
        assert "v" in m[typ]  # TF-IDF vocabulary: {feature: [idf, weight]}
        # the GSR operating point is stricter than the news default
        assert gate.threshold(m[typ], "gsr") > gate.threshold(m[typ], "news")
    report = segment(Document(text="قتل مسلحون خمسة جنود وأصابوا ثلاثة آخرين في هجوم على نقطة تفتيش أمس."))
    background = segment(Document(text="منذ اغتيال الزعيم قبل عشر سنوات والبلاد تعيش أزمة سياسية خانقة."))
    assert gate.score(report.tokens, "ASSAULT") > gate.score(background.tokens, "ASSAULT")
    assert gate.doc_group("AAW_ARB_20071026.0026-2") == "AAW_ARB_20071026.0026"
    assert gate.doc_group("abc123_36") == "abc123"


def test_no_trigger_inside_a_linked_organisation_name():
    # "طالبان" is the Taliban here, not the dual verb "they (two) demanded" (REQUEST)
    text = "أعلنت حركة طالبان مسؤوليتها عن تفجير سيارة مفخخة قرب مركز للشرطة."
    d = _doc(text, [("حركة طالبان", "ORG", "AFG", "AFGREB", "org:taliban")])
    code_events(d)
    assert "REQUEST" not in _types(d)


def test_subject_of_undergo_is_the_target():
    text = "تعرضت القوات البريطانية لهجوم بالقذائف شمال البلاد."
    d = _doc(text, [("القوات البريطانية", "ORG", "GBR", "GBRMIL", None)])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert ev.source is None
    assert ev.target is not None and ev.target.country == "GBR"


def test_partitive_counted_group_is_the_victim():
    text = "قتل الجيش العشرات من الجنود السوريين في المعارك."
    d = _doc(text)
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert [a.country for a in ev.targets][:1] == ["SYR"]


def test_local_army_inherits_the_country_of_the_place(monkeypatch):
    from khabar.events import coder

    monkeypatch.setattr(coder, "INHERIT_LOCATION_COUNTRY", True)  # option (off by default, see coder)
    text = "قصف الجيش مواقع المسلحين في مدينة حلب."
    d = _doc(text, [("حلب", "GPE", "SYR", "SYR", "city:SYR:aleppo")])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert ev.source is not None and ev.source.country == "SYR"
    # civilians keep no country (annotation convention of the GSR)
    d = _doc("قتل مسلحون عشرة مدنيين في مدينة حلب.", [("حلب", "GPE", "SYR", "SYR", "city:SYR:aleppo")])
    code_events(d)
    assert all(a.country is None for e in _types(d)["ASSAULT"] for a in e.targets)


def test_kb_has_armed_groups_of_orgs_actors():
    # curated armed groups / parties with their country (kb/orgs_actors.tsv, read by `khabar build kb`)
    from khabar.kb.build import curated_entities

    ents = curated_entities()
    for name, country in (("جيش المهدي", "IRQ"), ("فتح الإسلام", "LBN"), ("نمور التاميل", "LKA")):
        assert any(name in e["aliases"] and e["country"] == country for e in ents), name


def test_unidentified_attackers_are_the_preverbal_subject():
    # "مجهولون" (unidentified persons) is the attacker; the diplomat after the verb is the victim, not the source
    d = _doc("مجهولون خطفوا أمس دبلوماسيا فرنسيا في العاصمة.")
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert [a.country for a in ev.targets][:1] == ["FRA"]
    assert ev.source is None or ev.source.country != "FRA"


def test_evaluation_counts_igo_as_a_country_level_code():
    # the GSR annotators give NATO / UN actors the CAMEO code "IGO"; a bare agent code (MIL) carries no country
    from khabar.document import Actor
    from khabar.eval.events import _actor_country

    assert _actor_country(Actor(english="NATO", country=None, actor_code="IGOWSTNAT")) == "IGO"
    assert _actor_country(Actor(english=None, country=None, actor_code="MIL")) == "NONE"
    assert _actor_country(Actor(english=None, country="IRQ", actor_code="IRQMIL")) == "IRQ"


def test_victims_of_a_victim_noun_are_not_the_attackers_of_a_later_trigger():
    from khabar import analyze

    d = analyze("وقالت الشرطة إن الهجوم جاء بعد إصابة ثلاثة جنود أتراك في انفجار عبوة ناسفة قرب الحدود.", "2020-05-01")
    for ev in d.events:
        if ev.type == "ASSAULT" and ev.source is not None:
            assert ev.source.country != "TUR", (ev.trigger, ev.source)


def test_considered_is_not_a_promise_and_a_rally_is_not_a_meeting():
    from khabar import analyze

    types = lambda s: [(e.type, e.trigger.text) for e in analyze(s, "2020-01-01").events]  # noqa: E731
    assert not any(t == "AGREE" for t, _ in types("وتعد هذه القمة الأهم في المنطقة منذ عقد كامل."))
    assert ("AGREE", "ويعد") in types("ويعد رئيس الوزراء الكندي بتقديم منح دراسية للطلاب اللاجئين.")
    assert not any(t == "CONSULT" for t, _ in types("ونظم الحزب المعارض لقاء جماهيريا حاشدا في مدينة الإسكندرية."))


def test_a_city_in_the_streets_is_the_place_and_the_protested_party_the_target():
    from khabar import analyze

    d = analyze("وخرج متظاهرون إلى شوارع بغداد احتجاجا على قرار الحكومة العراقية خفض الرواتب.", "2020-01-01")
    prot = [e for e in d.events if e.type == "PROTEST"]
    assert prot
    for ev in prot:
        assert ev.source is None or (ev.source.english or "") != "Baghdad"
        assert ev.target is None or ev.target.country == "IRQ"


def test_a_place_naming_an_accord_is_not_its_party():
    from khabar import analyze

    d = analyze("ووقع الجانبان اتفاق مدريد للتعاون التجاري الأسبوع الماضي.", "2020-01-01")
    assert all((e.source is None or e.source.country != "ESP") for e in d.events if e.type == "AGREE")


def test_dual_pronoun_on_a_rejection_makes_both_parties_sources():
    from khabar import analyze

    t = ("استقبل الرئيس التونسي قيس سعيد في قرطاج الرئيس الجزائري عبد المجيد تبون. "
         "وأكد الرئيسان رفضهما أي تدخل أجنبي في ليبيا.")
    d = analyze(t, "2022-06-01")
    rej = [e for e in d.events if e.type == "REJECT"]
    assert rej, [(e.type, e.trigger.text) for e in d.events]
    names = {a.country for a in rej[0].sources}
    assert names == {"TUN", "DZA"} and not any(a.country in ("TUN", "DZA") for a in rej[0].targets)


def test_the_denier_of_an_occurrence_is_not_its_agent():
    from khabar import analyze

    d = analyze("ونفى المتحدث باسم وزارة الداخلية التونسية حدوث مواجهات في العاصمة.", "2020-01-01")
    for ev in d.events:
        if ev.type == "ASSAULT":
            assert ev.modality == "negated" and (ev.source is None or ev.source.country != "TUN")


def _pairs(d: Document) -> list[tuple]:
    return [(e.type, e.modality, e.source and e.source.country, e.target and e.target.country) for e in d.events]


def test_title_complement_is_not_a_second_actor():
    text = "استقبل أمير قطر الشيخ حمد بن ناصر رئيس وزراء الأردن سامي نور في الدوحة."
    d = _doc(text, [("قطر", "GPE", "QAT", "QAT", "country:QAT"), ("حمد بن ناصر", "PER", "QAT", "QATGOV", "per:x"),
                    ("الأردن", "GPE", "JOR", "JOR", "country:JOR"), ("سامي نور", "PER", "JOR", "JORGOV", "per:y"),
                    ("الدوحة", "GPE", "QAT", "QAT", "city:QAT:doha")])
    code_events(d)
    ev = _types(d)["CONSULT"][0]
    assert (ev.source.text, ev.target.text) == ("حمد بن ناصر", "سامي نور")


def test_coordinated_accusation_object_and_own_country_and_ceasefire():
    text = "رفض الوزير سامي نور تصريحات المسؤولين، واتهم فرنسا بتأجيج التوتر."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("فرنسا", "GPE", "FRA", "FRA", "country:FRA")])
    code_events(d)
    acc = _types(d)["ACCUSE"][0]
    assert (acc.source.country, acc.target.country) == ("JOR", "FRA")
    text = "قال الوزير سامي نور إن بلاده ستدعم فرنسا."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("فرنسا", "GPE", "FRA", "FRA", "country:FRA")])
    code_events(d)
    sup = _types(d)["SUPPORT"][0]
    assert (sup.source.country, sup.target.country, sup.modality) == ("JOR", "FRA", "future")
    d = _doc("وطالب الوزير بوقف فوري لإطلاق النار في المدينة.")
    code_events(d)
    assert "ASSAULT" not in _types(d)


def test_negated_meeting_jussive_and_relative_ma_is_not_negation():
    text = "لم يلتق الوزير سامي نور بالرئيس رامي فهد."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("رامي فهد", "PER", "EGY", "EGYGOV", "per:z")])
    code_events(d)
    assert ("CONSULT", "negated", "JOR", "EGY") in _pairs(d)
    d = _doc("قصفت القوات الأردنية مواقع المسلحين، ما أسفر عن مقتل عشرة منهم.")
    code_events(d)
    assert all(e.modality == "asserted" for e in _types(d)["ASSAULT"])
    d = _doc("أدى خروج قطار عن سكته إلى سقوط عشرة قتلى.")
    code_events(d)
    assert "ASSAULT" not in _types(d)


def test_haythu_clause_shares_the_date_of_the_occasion():
    text = "واستقبل الوزير سامي نور الأسبوع الماضي نظيره رامي فهد في عمان، حيث أكد الرجلان رفضهما للخطة."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("رامي فهد", "PER", "EGY", "EGYGOV", "per:z"),
                    ("عمان", "GPE", "JOR", "JOR", "city:JOR:amman")], [("الأسبوع الماضي", "2024-W18")])
    code_events(d)
    rej = _types(d)["REJECT"][0]
    assert rej.date["value"] == "2024-W18" and rej.date["source"] == "timex"


def test_here_is_not_congratulate_and_an_unset_timetable_is_not_a_withdrawal():
    d = _doc("وهنا تكمن المشكلة التي تواجه الحكومة.")
    code_events(d)
    assert "SUPPORT" not in _types(d)
    d = _doc("وهنأ الوزير سامي نور نظيره بالفوز.", [("سامي نور", "PER", "JOR", "JORGOV", "per:y")])
    code_events(d)
    assert "SUPPORT" in _types(d)
    d = _doc("لكن الرئيس لم يحدد جدولا زمنيا للانسحاب من المدينة.")
    code_events(d)
    assert "RETREAT" not in _types(d)


def test_raid_by_genitive_attacker_and_city_with_preposition_b_is_a_place():
    text = "قتل قيادي في الحركة بصنعاء في غارة لتحالف الجنوب على مقر الحركة."
    d = _doc(text, [("بصنعاء", "GPE", "YEM", "YEM", "city:YEM:sanaa"),
                    ("لتحالف الجنوب", "ORG", "SAU", "SAUMIL", "org:coalition")])
    code_events(d)
    evs = _types(d)["ASSAULT"]
    assert any(a.kb_id == "org:coalition" for e in evs for a in e.sources)
    assert all(a.kb_id != "city:YEM:sanaa" for e in evs for a in e.sources + e.targets)


def test_publishing_is_not_deploying_and_a_retold_attack_is_one_event():
    d = _doc("ونشرت الوكالة صورا للموقع بعد الحادث.")
    code_events(d)
    assert "MOBILIZE" not in _types(d)
    text = ("قتل عشرة أشخاص في هجوم انتحاري استهدف مقر اللجنة في المدينة يوم الأربعاء. "
            "وقال المتحدث إن الحصيلة قد ترتفع. وأوضح أن المهاجمين فجروا أنفسهم داخل المبنى.")
    d = _doc(text, [], [("يوم الأربعاء", "2024-05-08")])
    code_events(d)
    assert len(_types(d)["ASSAULT"]) == 1


def test_the_source_of_a_report_is_not_the_attacker():
    text = "وقال المتحدث باسم الشرطة سامي نور إن انتحاريين فجرا نفسيهما داخل مقر البلدية."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y")])
    code_events(d)
    assert all(a.kb_id != "per:y" for e in _types(d)["ASSAULT"] for a in e.sources)
    # without a reported clause the same person is the subject
    d = _doc("وهاجم الوزير سامي نور مقر البلدية.", [("سامي نور", "PER", "JOR", "JORGOV", "per:y")])
    code_events(d)
    assert any(a.kb_id == "per:y" for e in d.events for a in e.sources)


def test_killed_by_the_fire_of_names_the_attacker():
    text = "قالت مصادر طبية إن فلسطينيا قتل برصاص القوات الأردنية."
    d = _doc(text)
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert ev.source is not None and ev.source.country == "JOR"
    assert all(a.country != "JOR" for a in ev.targets)


def test_partner_marker_reaches_a_person_after_a_title():
    text = "أجرى الوزير سامي نور الأربعاء محادثة هاتفية مع العاهل الأردني رامي فهد."
    d = _doc(text, [("سامي نور", "PER", "EGY", "EGYGOV", "per:y"), ("رامي فهد", "PER", "JOR", "JORGOV", "per:z")])
    code_events(d)
    ev = _types(d)["CONSULT"][0]
    assert (ev.source.kb_id, ev.target.kb_id) == ("per:y", "per:z")


def test_exports_and_issued_are_not_seizures():
    for text in ("وارتفعت صادرات النفط إلى الصين.", "وجاء في بيان صادر عن الوزارة أن الاجتماع انتهى."):
        d = _doc(text)
        code_events(d)
        assert "COERCE" not in _types(d), text
    d = _doc("وصادرت الشرطة أسلحة من المنزل.")
    code_events(d)
    assert "COERCE" in _types(d)


def test_a_refused_action_is_the_rejections_object_not_an_event():
    text = "رفض الوزير سامي نور الاعتذار لفرنسا."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("لفرنسا", "GPE", "FRA", "FRA", "country:FRA")])
    code_events(d)
    types = _types(d)
    assert set(types) == {"REJECT"}
    assert (types["REJECT"][0].source.country, types["REJECT"][0].target.country) == ("JOR", "FRA")


def test_accusation_content_is_not_a_participant_and_blocked_aid_is_not_aid():
    text = "اتهمت المنظمة الحوثيين بعرقلة وصول المساعدات إلى المدنيين."
    d = _doc(text, [("الحوثيين", "ORG", "YEM", "YEMREB", "org:houthis")])
    code_events(d)
    acc = _types(d)["ACCUSE"][0]
    assert acc.target is not None and acc.target.kb_id == "org:houthis"
    assert "AID" not in _types(d)


def test_an_event_dated_after_publication_is_future():
    text = "ويزور الوزير سامي نور القاهرة الشهر المقبل."
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("القاهرة", "GPE", "EGY", "EGY", "city:EGY:cairo")],
             [("الشهر المقبل", "2024-06")], pub_date="2024-05-10")
    code_events(d)
    assert [e.modality for e in _types(d)["CONSULT"]] == ["future"]
    d = _doc(text, [("سامي نور", "PER", "JOR", "JORGOV", "per:y"), ("القاهرة", "GPE", "EGY", "EGY", "city:EGY:cairo")],
             [("الشهر المقبل", "2024-05")], pub_date="2024-05-10")
    code_events(d)
    assert [e.modality for e in _types(d)["CONSULT"]] == ["asserted"]


def test_a_birth_date_is_not_the_events_date():
    text = "واعتقلت الشرطة رجلا من مواليد 1980 في المدينة."
    d = _doc(text, [], [("1980", "1980")], pub_date="2024-05-10")
    code_events(d)
    ev = _types(d)["COERCE"][0]
    assert ev.date["value"] == "2024-05-10" and ev.date["source"] == "pub_date"


def test_the_owner_of_positions_hit_is_the_target():
    # the subject is dropped ("its aircraft bombed …"): the group after "positions" is hit, not hitting
    text = "وقالت الوزارة إن طائراتها قصفت مواقع حركة النور قرب الحدود."
    d = _doc(text, [("حركة النور", "ORG", "SYR", "SYRREB", "org:nour")])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert all(a.kb_id != "org:nour" for a in ev.sources)
    assert any(a.kb_id == "org:nour" for a in ev.targets)


# ---------------------------------------------------------------- session 4: errors of the real-article judging
def test_a_comma_set_time_adverbial_does_not_cut_off_the_object():
    text = "اتهمت وزارة الخارجية الفرنسية، الأحد، الحكومة الإيرانية بدعم الميليشيات المسلحة."
    d = _doc(text, [("وزارة الخارجية الفرنسية", "ORG", "FRA", "FRAGOV", "org:fr_mfa"),
                    ("الحكومة الإيرانية", "ORG", "IRN", "IRNGOV", None)])
    code_events(d)
    types = _types(d)
    acc = types["ACCUSE"][0]
    assert acc.source.country == "FRA" and acc.target is not None and acc.target.country == "IRN"
    assert "SUPPORT" not in types  # the alleged support is not asserted
    text = "وكان وزير الدفاع سامي نور اتهم في وقت سابق، روسيا بتنفيذ هجمات إلكترونية."
    d = _doc(text, [("سامي نور", "PER", "GBR", "GBRGOV", "per:x"), ("روسيا", "GPE", "RUS", "RUS", "country:RUS")])
    code_events(d)
    types = _types(d)
    assert types["ACCUSE"][0].target is not None and types["ACCUSE"][0].target.country == "RUS"
    assert "ASSAULT" not in types


def test_a_victim_nouns_nationality_is_the_victim():
    text = "أفادت مصادر طبية بمقتل سوري في قصف روسي على ريف المدينة."
    d = _doc(text)
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert [a.country for a in ev.sources] == ["RUS"]
    assert "SYR" in [a.country for a in ev.targets]


def test_the_one_asked_after_min_is_the_requests_target():
    text = "طلبت الحكومة الفرنسية من ألمانيا تقديم مساعدات عاجلة."
    d = _doc(text, [("الحكومة الفرنسية", "ORG", "FRA", "FRAGOV", None), ("ألمانيا", "GPE", "DEU", "DEU", "country:DEU")])
    code_events(d)
    types = _types(d)
    ev = types["REQUEST"][0]
    assert ev.source.country == "FRA" and ev.target is not None and ev.target.country == "DEU"
    assert "AID" not in types


def test_a_quoted_requested_action_and_a_necessary_action_are_not_asserted():
    text = 'وطالب الاتحاد الأوروبي "بالإفراج الفوري عن الصحفيين المعتقلين" في تركيا.'
    d = _doc(text, [("الاتحاد الأوروبي", "ORG", None, "IGOEUR", "org:eu")])
    code_events(d)
    assert [e.type for e in d.events] == ["REQUEST"]
    text = "وشدد الوزير سامي نور على ضرورة أن تفرض عقوبات جديدة على روسيا."
    d = _doc(text, [("سامي نور", "PER", "DEU", "DEUGOV", "per:x"), ("روسيا", "GPE", "RUS", "RUS", "country:RUS")])
    code_events(d)
    assert [e.modality for e in _types(d)["SANCTION"]] == ["requested"]


def test_a_state_of_alert_is_not_conditional_and_no_protest_will_be_organised_is_negated():
    d = _doc("ووضع الرئيس المصري الجيش في حالة تأهب قصوى.")
    code_events(d)
    assert [e.modality for e in _types(d)["MOBILIZE"]] == ["asserted"]
    d = _doc("وقال المنظمون إنه لن تنظم مظاهرة أمام السفارة.")
    code_events(d)
    assert [e.modality for e in _types(d)["PROTEST"]] == ["negated"]


def test_aid_workers_and_inspection_operations_are_not_events():
    d = _doc("وتحدث الصحفي مع عدد من موظفي المساعدات الإنسانية في العاصمة.")
    code_events(d)
    assert "AID" not in _types(d)
    d = _doc("وقالت المنظمة إن السلطات أعاقت إيصال المساعدات الإنسانية إلى المدن.")
    code_events(d)
    assert "AID" not in _types(d)
    d = _doc("وأكد المسؤول أن واشنطن تصر على استمرار عمليات التفتيش في المواقع النووية.",
             [("واشنطن", "GPE", "USA", "USA", "city:USA:washington")])
    code_events(d)
    assert "ASSAULT" not in _types(d)


def test_a_verb_with_a_plural_subject_suffix_takes_the_np_after_it_as_object():
    text = "وأثار القرار غضب الناشطين في المدينة، ودعوا المواطنين إلى التظاهر أمام البرلمان."
    d = _doc(text)
    code_events(d)
    ev = _types(d)["REQUEST"][0]
    assert not any(a.text == "المواطنين" for a in ev.sources)
    assert any(a.text == "المواطنين" for a in ev.targets)
    # a counted group before such a verb is then its subject, not its victim
    text = "وقال المسؤول إن العشرات من مستوطني المنطقة هاجموا المواطنين في القرية."
    d = _doc(text, [("مستوطني المنطقة", "ORG", "ISR", "ISRSET", None)])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert [a.actor_code for a in ev.sources] == ["ISRSET"]
    assert any(a.text == "المواطنين" for a in ev.targets)


def test_the_subject_inside_a_multiword_verb_trigger_is_the_source():
    text = "أطلقت الشرطة العراقية النار في الهواء لتفريق متظاهرين أمام مبنى المحافظة."
    d = _doc(text, [("الشرطة العراقية", "ORG", "IRQ", "IRQCOP", None)])
    code_events(d)
    ev = _types(d)["ASSAULT"][0]
    assert [a.actor_code for a in ev.sources] == ["IRQCOP"]


def test_a_country_name_at_a_clause_start_is_not_an_adjective():
    # السعودية is also the adjective "Saudi"; after "وكانت" it is the subject
    text = "وكانت السعودية استهدفت ألمانيا في السابق بسبب مواقفها."
    d = _doc(text, [("السعودية", "GPE", "SAU", "SAU", "country:SAU"), ("ألمانيا", "GPE", "DEU", "DEU", "country:DEU")])
    code_events(d)
    ev = d.events[0]
    assert ev.source is not None and ev.source.country == "SAU"
    assert ev.target is not None and ev.target.country == "DEU"


def test_a_mention_after_the_partners_of_an_agreement_is_not_a_party():
    text = "بدأت الحافلات في دخول البلدتين في إطار اتفاق بين تركيا وروسيا حول إجلاء سكان."
    d = _doc(text, [("تركيا", "GPE", "TUR", "TUR", "country:TUR"), ("روسيا", "GPE", "RUS", "RUS", "country:RUS")])
    code_events(d)
    ev = _types(d)["AGREE"][0]
    assert {a.country for a in ev.sources + ev.targets} == {"TUR", "RUS"}
    # …nor is a group named before the agreement
    text = "وكانت البلدة تحاصرها منذ سنوات حركة النور في إطار اتفاق بين تركيا وروسيا حول إجلاء سكان."
    d = _doc(text, [("حركة النور", "ORG", "SYR", "SYRREB", "org:nour"), ("تركيا", "GPE", "TUR", "TUR", "country:TUR"),
                    ("روسيا", "GPE", "RUS", "RUS", "country:RUS")])
    code_events(d)
    ev = _types(d)["AGREE"][0]
    assert {a.country for a in ev.sources + ev.targets} == {"TUR", "RUS"}


def test_allaqa_commented_and_hung_posters_are_not_suspensions():
    d = _doc("وعلق الوزير سامي نور على القرار بالقول إنه غير مقبول.", [("سامي نور", "PER", "EGY", "EGYGOV", "per:x")])
    code_events(d)
    assert "SANCTION" not in _types(d)
    d = _doc("وعلق أنصار الحزب، الأحد، ملصقات على جدران السفارة الفرنسية.")
    code_events(d)
    assert "SANCTION" not in _types(d)
    d = _doc("وعلقت الحكومة المصرية المحادثات مع إثيوبيا.",
             [("الحكومة المصرية", "ORG", "EGY", "EGYGOV", None), ("إثيوبيا", "GPE", "ETH", "ETH", "country:ETH")])
    code_events(d)
    assert [e.source.country for e in _types(d)["SANCTION"]] == ["EGY"]


def test_those_confirming_a_death_are_not_its_victims():
    import khabar

    for text in ("ونقلت الوكالة عن مسؤولين مصريين تأكيدهم مقتل ثلاثة أشخاص في المدينة.",
                 "وأكدت وزارة الصحة اللبنانية أن هناك خمسة قتلى في الانفجار."):
        d = khabar.analyze(text, "2024-05-10")  # full pipeline: the trained selector fills empty slots
        evs = [e for e in d.events if e.type == "ASSAULT"]
        assert evs and all(a.country not in ("EGY", "LBN") for e in evs for a in e.sources + e.targets), text


def test_a_visit_that_someone_will_make_is_future():
    text = "وتأتي تصريحات الوزير قبل زيارة رسمية سيقوم بها الرئيس سامي نور إلى باريس."
    d = _doc(text, [("سامي نور", "PER", "TUR", "TURGOV", "per:x")])
    code_events(d)
    assert [e.modality for e in _types(d)["CONSULT"]] == ["future"]


def test_a_country_after_a_preposition_is_not_an_adjective_and_an_apology_from_names_its_target():
    text = "وأكد رئيس الوزراء سامي نور الأربعاء أنه يرفض الاعتذار من السعودية."
    d = _doc(text, [("سامي نور", "PER", "CAN", "CANGOV", "per:x"), ("السعودية", "GPE", "SAU", "SAU", "country:SAU")])
    code_events(d)
    ev = _types(d)["REJECT"][0]
    assert ev.source.country == "CAN" and ev.target is not None and ev.target.country == "SAU"


def test_boilerplate_notifications_allegiance_and_a_judge_are_not_events():
    for text in ("يمكنكم تسلم إشعارات بأهم الموضوعات بعد تحميل التطبيق على هاتفكم.",
                 "وقال مسؤولون إن مقاتلين يدينون بالولاء لتنظيم متشدد ينتشرون في المنطقة.",
                 "وأشار إلى أنه سيمثل أمام قاضي التحقيق الأربعاء."):
        d = _doc(text)
        code_events(d)
        assert d.events == [], text


def test_the_one_condemning_an_attack_is_not_its_attacker():
    import khabar

    d = khabar.analyze("وأدانت الحكومة المصرية الهجوم على السفارة.", "2024-05-10")  # with the trained selector
    ev = next(e for e in d.events if e.type == "ASSAULT")
    assert all(a.country != "EGY" for a in ev.sources + ev.targets)
    assert any(e.type == "ACCUSE" and e.source is not None and e.source.country == "EGY" for e in d.events)


def test_an_unlinked_misc_name_is_not_an_actor():
    # "مليارات دولار" / "الله أكبر" tagged MISC by the NER with no KB entry: never a source or a target
    text = "وقال الوزير إن البلدين وقعا صفقة أسلحة بقيمة ثلاثة مليارات دولار بين مصر وفرنسا."
    d = _doc(text, [("مصر", "GPE", "EGY", "EGY", "country:egypt"), ("فرنسا", "GPE", "FRA", "FRA", "country:france")])
    i = text.index("دولار")
    d.entities.append(Entity(i, i + len("دولار"), "دولار", "MISC", english="Dollar", link="translit"))
    d.entities.sort(key=lambda e: e.start)
    code_events(d)
    assert d.events
    assert all(a.text != "دولار" for e in d.events for a in e.sources + e.targets)
    assert any(a.country == "EGY" for e in d.events for a in e.sources)


def test_those_calling_for_an_inquiry_are_not_parties_of_the_event_investigated():
    import khabar

    # the one asking for an investigation into an attack is neither its attacker nor its victim
    d = khabar.analyze("طالبت الحكومة الأردنية بتحقيق في الغارة على مدينة درعا.", "2024-05-10")
    ev = next(e for e in d.events if e.type == "ASSAULT")
    assert all(a.country != "JOR" for a in ev.sources + ev.targets)
    d = khabar.analyze("دعت الأمم المتحدة، السبت، إلى إجراء تحقيق في الهجوم الذي شهدته مدينة بنغازي.", "2024-05-10")
    ev = next(e for e in d.events if e.type == "ASSAULT")
    assert all(a.actor_code != "IGOUNO" for a in ev.sources + ev.targets)


def test_the_subject_of_a_relative_verb_is_its_head_not_the_mention_after_it():
    # "الذي يدعم X": X is the one supported; with an object pronoun ("التي تدعمها X") X is the supporter
    text = "وقال قائد في التحالف الذي يدعم الرئيس بشار الأسد لرويترز إن السكان سيغادرون البلدة."
    d = code_events(_doc(text, [("بشار الأسد", "PER", "SYR", "SYRGOV", "person:bashar al-assad"),
                                ("رويترز", "ORG", "GBR", "GBRMED", "org:reuters")]))
    ev = next(e for e in d.events if e.type == "SUPPORT")
    assert all(a.country != "SYR" for a in ev.sources)
    assert any(a.country == "SYR" for a in ev.targets)
    text = "وقالت المعارضة التي تدعمها تركيا إن مقاتليها سيطروا على القرية."
    d = code_events(_doc(text, [("تركيا", "GPE", "TUR", "TUR", "country:turkey")]))
    ev = next(e for e in d.events if e.type == "SUPPORT")
    assert any(a.country == "TUR" for a in ev.sources)


def test_a_coordinated_verb_shares_the_previous_verbs_subject_not_its_object():
    text = "طردت السعودية السفير الكندي واستدعت سفيرها."
    d = code_events(_doc(text, [("السعودية", "GPE", "SAU", "SAU", "country:saudi arabia"),
                                ("السفير الكندي", "PER", "CAN", "CANGOV", None)]))
    ev = next(e for e in d.events if e.trigger.text.startswith("واستدعت"))
    assert [a.country for a in ev.sources] == ["SAU"]
    d = code_events(_doc("اعتقلت الشرطة المصرية عشرات المتظاهرين وأطلقت النار في الهواء."))
    ev = next(e for e in d.events if e.type == "ASSAULT")
    assert ev.sources and ev.sources[0].actor_code == "EGYCOP"
    assert all(a.actor_code != "OPP" for a in ev.sources)
    # a subject right after the co-ordinated verb is its own
    d = code_events(_doc("اعتقل المسلحون الصحفي وقصف الجيش العراقي مواقعهم."))
    ev = next(e for e in d.events if e.trigger.text.startswith("وقصف"))
    assert ev.sources and ev.sources[0].actor_code == "IRQMIL"


def test_a_comma_after_the_subject_of_accuse_keeps_the_object_and_its_allegation():
    # "اتهمت X، Y بقصف …": the comma sets off the subject; Y is the one accused and the shelling is only alleged
    text = "اتهمت الخارجية التركية، الحكومة السورية بقصف المدينة."
    d = code_events(_doc(text, [("الخارجية التركية", "ORG", "TUR", "TURGOV", None),
                                ("الحكومة السورية", "ORG", "SYR", "SYRGOV", None)]))
    assert [e.type for e in d.events] == ["ACCUSE"]
    ev = d.events[0]
    assert [a.actor_code for a in ev.sources] == ["TURGOV"]
    assert [a.actor_code for a in ev.targets] == ["SYRGOV"]
    # a place phrase after the comma is not an object: "اتهم الوزير، في مؤتمر بالقاهرة، …" keeps its bound
    from khabar.events.coder import _after_bound, resources, sentence_triggers
    d = _doc("اتهم الوزير المصري، في مؤتمر بالقاهرة، الحكومة بالفشل.")
    toks = d.tokens
    t = next(x for x in sentence_triggers(toks) if x.entry.type == "ACCUSE")
    assert toks[_after_bound(toks, t, resources()) + 1].text == "،"



def test_a_relative_verb_with_a_pronoun_back_to_its_head_keeps_the_subject_after_it():
    # "التي أفرجت عنها الشرطة": the police released her (عنها refers back to the head); so does "الذي دعا فيه X"
    text = "وقالت الناشطة التي أفرجت عنها الشرطة البريطانية إنها ستعود إلى عملها."
    d = code_events(_doc(text, [("الشرطة البريطانية", "ORG", "GBR", "GBRCOP", None)]))
    ev = next(e for e in d.events if e.type == "RETREAT")
    assert [a.actor_code for a in ev.sources] == ["GBRCOP"]
    text = "ففي الوقت الذي دعا فيه أردوغان إلى هدنة، رفض بوتين ذلك."
    d = code_events(_doc(text, [("أردوغان", "PER", "TUR", "TURGOV", "person:erdogan"),
                                ("بوتين", "PER", "RUS", "RUSGOV", "person:putin")]))
    ev = next(e for e in d.events if e.type == "REQUEST")
    assert [a.actor_code for a in ev.sources] == ["TURGOV"]


# ---- session 4, round 3: one event per real action (issue #6 item 3)

def test_unnamed_summary_of_arrests_merges_with_the_later_account():
    # the summary mention ("احتجاز") has no agents; the account two sentences later names them: one action
    text = ("تحدثت منظمات حقوقية عن احتجاز عشرات الصحفيين خلال الأسبوع. وقال محامون إن بعضهم مريض. "
            "واعتقلت الشرطة التركية الصحفيين في أنقرة.")
    pytest.importorskip("khabar.kb.store")
    d = code_events(_doc(text, [("أنقرة", "GPE", "TUR", "TUR", "city:TUR:ankara")]))
    arrests = _types(d)["COERCE"]
    assert len(arrests) == 1
    ev = arrests[0]
    assert {d.sentence_of(m.start) for m in ev.mentions} == {0, 2}
    assert ev.source is not None and ev.source.country == "TUR"  # the later agents are the sources, not targets


def test_unnamed_summary_does_not_take_agents_of_another_day():
    # the same shape, but the later arrests are dated to another day: two actions
    text = ("تحدثت منظمات حقوقية عن احتجاز عشرات الصحفيين يوم الاثنين. وقال محامون إن بعضهم مريض. "
            "واعتقلت الشرطة التركية صحفيين آخرين في أنقرة يوم الخميس.")
    pytest.importorskip("khabar.kb.store")
    d = code_events(_doc(text, [("أنقرة", "GPE", "TUR", "TUR", "city:TUR:ankara")],
                         [("يوم الاثنين", "2024-05-06"), ("يوم الخميس", "2024-05-09")]))
    assert len(_types(d)["COERCE"]) == 2


def test_a_demand_repeated_in_the_next_sentence_is_one_request():
    text = "وطالبت المنظمة بفتح تحقيق في وفاة السجناء. وجاءت مطالبة المنظمة بالتحقيق بعد نشر التقرير."
    d = code_events(_doc(text))
    req = _types(d)["REQUEST"]
    assert len(req) == 1 and len(req[0].mentions) == 2


def test_two_criticisms_by_a_named_person_in_next_sentences_stay_apart():
    # the first is by a named (unlinked) person, the second is another criticism: not merged by the repeat rule
    text = ("انتقد الوزير كارل سياسة الحكومة في التعليم. "
            "وقال كارل إن الحكومة تعرضت لانتقادات من الرئيس الفرنسي إيمانويل ماكرون.")
    d = code_events(_doc(text, [("كارل", "PER", None, None, None), ("كارل", "PER", None, None, None),
                                ("إيمانويل ماكرون", "PER", "FRA", "FRAGOV", "per:emmanuel-macron")]))
    assert len(_types(d)["ACCUSE"]) == 2


# ---- session 4, round 3: accusers and critics whose subject names no actor; publishing is not deploying

def test_accusers_that_name_no_actor_leave_the_named_object_as_target():
    pytest.importorskip("khabar.kb.store")
    cases = [
        ("ويتهم أنصار البيئة اليابان بتلويث البحر.", "اليابان", "JPN"),  # object_then_b verb, NP subject
        ("وانتقدت السفارة كندا، قائلة إن قرارها خاطئ.", "كندا", "CAN"),  # one definite noun as the subject
        ("وقال المتحدث إن التقرير ينتقد فرنسا لتقصيرها.", "فرنسا", "FRA"),  # SVO after a complementiser
    ]
    for text, name, iso in cases:
        d = code_events(_doc(text, [(name, "GPE", iso, iso, f"country:{iso}")]))
        acc = _types(d)["ACCUSE"][0]
        assert not any(a.country == iso for a in acc.sources), text
        assert any(a.country == iso for a in acc.targets), text


def test_a_title_before_a_person_is_still_the_accuser():
    # apposition: "المتحدث باسم الحكومة X" is X; the gap rule leaves persons alone
    pytest.importorskip("khabar.kb.store")
    text = "واتهم الناطق جون سميث الحكومة بالكذب."
    d = code_events(_doc(text, [("جون سميث", "PER", None, None, None)]))
    acc = _types(d)["ACCUSE"][0]
    assert any(a.text == "جون سميث" for a in acc.sources)


def test_publishing_a_report_is_not_a_deployment():
    amnesty = [("منظمة العفو الدولية", "ORG", None, "NGO", "org:amnesty-international")]
    for text in ("نشرت منظمة العفو الدولية الخميس تقريرا عن السجون.",
                 "اتهمت منظمة العفو الدولية في تقرير نشرته الخميس، القوات الحكومية بتعذيب السجناء."):
        d = code_events(_doc(text, amnesty))
        assert "MOBILIZE" not in _types(d), text
    text = "نشرت روسيا قوات على الحدود."
    d = code_events(_doc(text, [("روسيا", "GPE", "RUS", "RUS", "country:RUS")]))
    assert "MOBILIZE" in _types(d)


def test_the_organisation_right_after_a_demand_verb_is_the_one_demanding():
    # "طالبت X بـ" at the start of a clause: X demands (the one asked would follow X or come with من)
    text = "وطالبت منظمة العفو الدولية بفتح تحقيق في وفاة السجناء."
    d = code_events(_doc(text, [("منظمة العفو الدولية", "ORG", None, "NGO", "org:amnesty-international")]))
    req = _types(d)["REQUEST"][0]
    assert req.source is not None and req.source.kb_id == "org:amnesty-international"
    assert not req.targets


def test_threatening_content_is_not_a_threat():
    amnesty = [("فيسبوك", "ORG", "USA", "USAMED", "org:facebook")]
    d = code_events(_doc("وقالت فيسبوك إنها ستحذف أي محتوى ينطوي على تهديد للأقليات.", amnesty))
    assert "THREATEN" not in _types(d)
    d = code_events(_doc("وجهت فيسبوك تهديدا للحكومة.", amnesty))
    assert "THREATEN" in _types(d)


def test_an_accuser_with_a_report_aside_keeps_the_object_after_the_comma():
    # "اتهمت X في تقرير نشرته الخميس، Y بـ…": the comma closes the aside of the subject, Y is the accused
    text = "اتهمت منظمة العفو الدولية في تقرير نشرته الخميس، القوات الحكومية بتعذيب السجناء."
    d = code_events(_doc(text, [("منظمة العفو الدولية", "ORG", None, "NGO", "org:amnesty-international")]))
    acc = _types(d)["ACCUSE"][0]
    assert acc.source is not None and acc.source.kb_id == "org:amnesty-international"
    assert acc.targets and acc.targets[0].text.startswith("القوات")


@pytest.mark.parametrize("text", ["وقال المتحدث باسم الحكومة الألمانية إن اللاجئ لا يشكل تهديدا لأحد.",
                                  "وأكد الوزير أن إيران تمثل تهديدا للمنطقة."])
def test_posing_a_threat_is_not_a_threat_made(text):
    # "poses / represents a threat" describes a danger; PLOVER THREATEN is a threat someone makes
    import khabar
    assert not [e for e in khabar.analyze(text, pub_date="2018-05-01").events if e.type == "THREATEN"]


def test_a_threat_made_is_still_a_threat():
    import khabar
    evs = khabar.analyze("ووجهت الجماعة المسلحة تهديدا للحكومة العراقية بشن هجمات.", pub_date="2018-05-01").events
    assert [e.type for e in evs if e.type == "THREATEN"] == ["THREATEN"]


def test_county_is_not_a_boycott_but_a_boycotted_country_is():
    import khabar
    county = khabar.analyze("وقالت الشرطة في مقاطعة لوس أنجلوس إن التحقيق مستمر.", pub_date="2018-05-01").events
    assert not [e for e in county if e.type == "PROTEST"]
    boycott = khabar.analyze("وأعلنت الدول الأربع مقاطعة قطر في يونيو.", pub_date="2018-05-01").events
    assert [e.type for e in boycott] == ["PROTEST"]


@pytest.mark.parametrize("text,etype", [
    ("وحكمت المحكمة على طالب لجوء عراقي بالسجن خمس سنوات.", "REQUEST"),            # asylum seeker
    ("وكان طالب اللجوء الأفغاني قد وصل إلى ألمانيا قبل عامين.", "REQUEST"),
    ("وسقطت قذائف داخل منطقة نزع السلاح شمالي البلاد.", "RETREAT"),                # demilitarised zone
    ("وقالت قوات التحالف لدعم الشرعية إنها اعترضت طائرة مسيرة.", "SUPPORT"),         # the coalition's name
    ("وردا على طلب للتعليق، رفضت الوزارة الإدلاء بأي تصريح.", "REQUEST"),            # request for comment
    ("وقال الوزير إنه لم يعد هناك تهديد من الجماعة.", "THREATEN"),                   # 'there is a threat'
    ("وقال الوزير إن الجيش تسلم أنظمة صواريخ جديدة من روسيا.", "ASSAULT"),            # missile systems, not a launch
])
def test_trigger_word_in_a_set_phrase_is_not_that_event(text, etype):
    # session 4, round 4: false triggers read on 150 fresh articles (sentences written for this test)
    import khabar
    assert not [e for e in khabar.analyze(text, pub_date="2018-05-01").events if e.type == etype]


@pytest.mark.parametrize("text,etype", [
    ("وطالب الرئيس الحكومة بفتح تحقيق في الحادث.", "REQUEST"),
    ("وأعلن التحالف دعم الحكومة الجديدة بالمال.", "SUPPORT"),
])
def test_same_trigger_words_outside_set_phrases_stay_events(text, etype):
    import khabar
    assert [e for e in khabar.analyze(text, pub_date="2018-05-01").events if e.type == etype]


# ------------------------------------------------------------------ session 5: actor countries (issue 6)
def _first(d: Document, typ: str = "ASSAULT"):
    return next(e for e in d.events if e.type == typ)


def _c(a) -> str | None:
    return None if a is None else (a.country or (a.actor_code or "")[:3] or None)


def test_broken_plural_and_foreign_demonyms_after_agent_nouns():
    # events_demonyms.tsv: أفغان (broken plural) and أجنبية/أجانب ("foreign" → INT) after an agent noun
    d = _doc("وقتلت قوات أجنبية سبعة جنود أفغان في غارة جوية على ولاية خوست.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.source) == "INT" and _c(ev.target) == "AFG"


def test_unlinked_ethnic_name_is_read_with_its_agent_noun():
    text = "وقصفت المدفعية مواقع للمتمردين الأكراد قرب الحدود."
    d = _doc(text, [("الأكراد", "ORG", None, None, None)])
    d.entities[0].link = "translit"
    code_events(d)
    assert _c(_first(d).target) == "KUR"


def test_subject_of_passive_kill_verb_is_the_victim():
    # قتلوا with no object after it reads as قُتلوا: the counted subject before the verb is the victim
    d = _doc("وكان ثلاثة جنود باكستانيين قد قتلوا في هجوم على نقطة تفتيش.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "PAK" and _c(ev.source) != "PAK"


def test_attack_noun_after_passive_verb_does_not_take_the_victim_as_agent():
    d = _doc("وقال ضابط إن جنديين عراقيين قتلا بانفجار عبوة ناسفة قرب الموصل.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "IRQ" and ev.source is None


def test_indefinite_nationality_noun_after_kill_verb_is_the_victim():
    d = _doc("قتل فلسطينيان في انفجار قرب المعبر.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "PSE" and ev.source is None


def test_partitive_counted_group_before_agent_noun_is_the_subject():
    text = "وقال مسؤولون إن خمسة من جنود الجيش الأفغاني قتلوا في كمين."
    d = _doc(text, [("الجيش الأفغاني", "ORG", "AFG", "AFGMIL", None)])
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "AFG" and _c(ev.source) != "AFG"


def test_owner_of_the_attacking_weapon_is_the_attacker():
    text = "وأطلقت طائرة بدون طيار تابعة لوكالة المخابرات المركزية صاروخين على سيارة."
    d = _doc(text, [("لوكالة المخابرات المركزية", "ORG", "USA", "USASPY", "org:cia")])
    code_events(d)
    assert _c(_first(d).source) == "USA"


def test_carried_it_out_relative_gives_the_attacker():
    d = _doc("وأسفرت غارة جوية شنتها طائرات إسرائيلية عن مقتل أربعة أشخاص.")
    code_events(d)
    assert _c(_first(d).source) == "ISR"


def test_victims_after_time_words_belong_to_the_victim_noun():
    d = _doc("وأصيب مساء أمس ثلاثة جنود أجانب بجروح في انفجار.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "INT" and _c(ev.source) != "INT"


def test_group_before_killed_and_wounded_is_the_victim():
    d = _doc("سقط عشرات المدنيين السوريين بين قتيل وجريح في قصف على حلب.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "SYR" and _c(ev.source) != "SYR"


def test_news_agency_in_a_dateline_is_no_participant():
    text = "الجيش التركي يقصف مسلحين قرب الحدود * أنقرة ـ رويترز: قال الجيش إن طائراته قصفت مواقع للمسلحين."
    d = _doc(text, [("الجيش التركي", "ORG", "TUR", "TURMIL", None), ("أنقرة", "GPE", "TUR", "TUR", "city:TUR:ankara"),
                    ("رويترز", "ORG", "GBR", "GBRMED", "org:reuters")])
    code_events(d)
    assert all("GBR" not in (_c(a) or "") for e in d.events for a in e.sources + e.targets)


def test_time_word_after_kill_verb_is_not_a_passive_cue():
    d = _doc("مسلحون خطفوا صباح أمس صحفيا ألمانيا في المدينة.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "DEU" and _c(ev.source) != "DEU"


def test_subject_of_a_launch_verb_is_the_attacker_of_the_weapon_noun():
    text = "وقالت الكتائب إن دبابة إسرائيلية أطلقت القذيفة على مقاتليها بعد تسلل وحدة خاصة إلى الأراضي الفلسطينية."
    d = _doc(text, [("الأراضي الفلسطينية", "GPE", "PSE", "PSE", "country:PSE")])
    code_events(d)
    # the tank (an Israeli military actor) is the attacker, read by the rules, not a bare nationality word
    assert _first(d).source.actor_code == "ISRMIL"


@pytest.mark.parametrize("text,src,tgt", [
    ("وقال مسؤولون إن القوات الأمريكية قتلت في غارة جوية قياديا في التنظيم.", "USA", None),  # definite agent
    ("وكان المسلحون الصوماليون قتلوا في الهجوم ثلاثة جنود كينيين.", "SOM", "KEN"),          # counted object after
])
def test_active_kill_verbs_keep_their_subject_as_agent(text, src, tgt):
    # guards of the passive reading of قتل/قتلوا (session 5): a definite subject, or a counted object later in the
    # clause, keeps the active reading
    d = _doc(text)
    code_events(d)
    ev = _first(d)
    assert _c(ev.source) == src and (tgt is None or _c(ev.target) == tgt)


def test_attack_verb_right_after_an_attack_noun_takes_an_object():
    # "تفجيرا استهدف X": the explosion is the verb's subject, the mention after the verb its object
    d = _doc("وقالت مصادر محلية إن تفجيرا استهدف دبابة إسرائيلية قرب السياج صباح اليوم.")
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "ISR" and _c(ev.source) != "ISR"


def test_members_with_a_pronoun_take_the_country_of_their_force():
    text = "وأعلن الجيش الأمريكي مقتل أحد جنوده في انفجار عبوة ناسفة شمال البلاد."
    d = _doc(text, [("الجيش الأمريكي", "ORG", "USA", "USAMIL", None)])
    code_events(d)
    tgt = _first(d).target
    assert _c(tgt) == "USA" and tgt.text == "جنوده"  # the soldiers are the victims, not the army announcing it


def test_person_after_his_title_is_the_assassination_target():
    text = "وشهدت المدينة اغتيال الأمين العام السابق للحزب الاشتراكي سمير خوري في تفجير سيارة."
    d = _doc(text, [("سمير خوري", "PER", None, None, None)])
    code_events(d)
    ev = _first(d)
    assert ev.target is not None and ev.target.text == "سمير خوري" and ev.source is None


def test_subject_of_survive_is_the_target_and_takes_its_titles_country():
    text = "نجا عادل حسن عمدة العاصمة الصومالية من محاولة لاغتياله عندما انفجرت عبوة قرب موكبه."
    d = _doc(text, [("عادل حسن", "PER", None, None, None)])
    code_events(d)
    ev = _first(d)
    assert _c(ev.target) == "SOM" and ev.source is None


def test_unlinked_name_takes_the_country_of_its_apposition_title(monkeypatch):
    from khabar.events import selector
    monkeypatch.setattr(selector, "ENABLED", False)  # the rules alone (the trained selector may guess it too)
    text = "وهاجم مسلحون موكب سامي داود، السفير العراقي في القاهرة، مساء أمس."
    d = _doc(text, [("سامي داود", "PER", None, None, None), ("السفير العراقي", "PER", "IRQ", "IRQGOV", None),
                    ("القاهرة", "GPE", "EGY", "EGY", "city:EGY:cairo")])
    d.entities[1].link = "role"
    code_events(d)
    named = [m for e in d.events for m in e.targets if m.text == "سامي داود"]
    assert named and named[0].country == "IRQ"


def test_a_currency_the_kb_knows_is_never_an_actor():
    """Session 5: دولار is now a KB entity (US dollar, MISC); it must not become the source of an aid event."""
    import khabar

    d = khabar.analyze("وقالت الوزيرة إن بلادها ستقدم قرضا قيمته مئة مليون دولار لدعم الإصلاحات.", "2018-06-22")
    assert not [ev for ev in d.events for a in (ev.source, ev.target) if a is not None and a.english == "US dollar"]


@pytest.mark.parametrize("text", ["القاهرة (رويترز) - هاجم مسلحون مركزا للشرطة.",
                                  "القاهرة - رويترز - هاجم مسلحون مركزا للشرطة.",
                                  'وقال مسؤول لـ"رويترز" إن مسلحين هاجموا مركزا للشرطة.'])
def test_a_news_agency_in_a_dateline_or_spoken_to_gives_no_country(text):
    """Hostile round, session 5: "(رويترز)" made the police British (GBRCOP) and Reuters a target."""
    import khabar

    d = khabar.analyze(text, "2024-03-01")
    actors = [a for ev in d.events for a in (ev.source, ev.target) if a is not None]
    assert not [a for a in actors if (a.country or "") == "GBR" or (a.actor_code or "").startswith("GBR")]

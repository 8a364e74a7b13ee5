"""Noise report stage (issue 4 item 6; issue 2 `noise[]`): Latin runs, spelling variants, transliterations.

Texts here are written for the tests (no corpus or seed sentences)."""
from __future__ import annotations

import json

import pytest

from khabar.document import Document, Entity, Noise
from khabar.noise.report import common_words, report_noise
from khabar.text.normalize import normalize
from khabar.text.segment import segment


def run(text: str, entities: list[Entity] | None = None) -> Document:
    doc = segment(Document(text))
    doc.entities = entities or []
    return report_noise(doc)


def ent(text: str, needle: str, label: str = "PER", nth: int = 0, **kw) -> Entity:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return Entity(i, i + len(needle), needle, label, **kw)


def of_kind(doc: Document, kind: str) -> list[Noise]:
    return [n for n in doc.noise if n.kind == kind]


def test_offsets_point_into_original_text():
    t = "وصل وفد من Red Cross و Red Crescent إلى المدينة، وقال مسؤول إن غرينفيلد التقى بغرينفلد أمس."
    doc = run(t)
    assert doc.noise
    for n in doc.noise:
        assert t[n.start:n.end] == n.text


def test_latin_run_merged_over_arabic_and():
    t = "وصل وفد من Red Cross و Red Crescent إلى المدينة صباح اليوم."
    lat = of_kind(run(t), "untranslated-latin")
    assert [n.text for n in lat] == ["Red Cross و Red Crescent"]
    assert lat[0].detail == "latin run of 4 words"


def test_latin_runs_separate_and_numbers_skipped():
    t = "قال الوزير إن Alpha شركة كبيرة، وإن Beta Group أعلنت عام 2025 عن 300 وظيفة."
    lat = of_kind(run(t), "untranslated-latin")
    assert [n.text for n in lat] == ["Alpha", "Beta Group"]


def test_urls_emails_and_acronyms_are_not_noise():
    t = "للمزيد زوروا https://example.org/news أو راسلوا info@example.org اليوم، وقالت CNN إن Kyiv Post نشرت على X."
    lat = of_kind(run(t), "untranslated-latin")
    assert [n.text for n in lat] == ["Kyiv Post"]


def test_english_document_has_no_latin_noise():
    assert of_kind(run("The minister met his counterpart in Riyadh on Tuesday."), "untranslated-latin") == []


def test_token_variants_without_entities():
    t = "التقى الوزير بالسيد غرينفيلد في العاصمة. وقال غرينفلد إن المحادثات كانت مثمرة."
    var = of_kind(run(t), "spelling-variants")
    assert sorted(n.text for n in var) == ["غرينفلد", "غرينفيلد"]
    assert all("also spelled" in n.detail for n in var)


def test_clitic_is_outside_the_variant_span():
    t = "قابل غرينفيلد الصحفيين. ثم غادر وغرينفلد المكان."
    texts = sorted(n.text for n in of_kind(run(t), "spelling-variants"))
    assert texts == ["غرينفلد", "غرينفيلد"]


def test_letter_swap_variant():
    t = "وصل سيرجي إلى المطار. وقال سيرغي للصحفيين إنه متفائل."
    var = of_kind(run(t), "spelling-variants")
    assert sorted(n.text for n in var) == ["سيرجي", "سيرغي"]
    assert "ج/غ" in var[0].detail


def test_ordinary_words_are_not_variants():
    # الدولة / الدولية and العلم / العالم differ by one long vowel but are ordinary words
    t = "قالت الدولة إن المنظمة الدولية ستدعم العلم في العالم كله."
    assert of_kind(run(t), "spelling-variants") == []


def test_common_word_list_loaded():
    c = common_words()
    assert len(c) > 50_000
    assert normalize("الحكومة") in c and normalize("غرينفيلد") not in c


def test_entity_variants_same_kb_id_and_short_form_is_not_variant():
    t = "وصل فلاديمير كوزنيتسوف إلى المدينة. وقال كوزنيتسوف إن فلاديمير كوزنتسوف سيعود."
    e1 = ent(t, "فلاديمير كوزنيتسوف", kb_id="per:x", english="Vladimir Kuznetsov", link="exact")
    e2 = ent(t, "كوزنيتسوف", nth=1, kb_id="per:x", english="Vladimir Kuznetsov", link="coref")
    e3 = ent(t, "فلاديمير كوزنتسوف", kb_id="per:x", english="Vladimir Kuznetsov", link="exact")
    doc = run(t, [e1, e2, e3])
    var = of_kind(doc, "spelling-variants")
    assert var, doc.noise
    # the short form (كوزنيتسوف alone, a coref of the full name) is never reported as its own variant
    assert not any(n.start == e2.start and n.end == e2.end for n in var)
    assert {n.text for n in var} & {"كوزنيتسوف", "كوزنتسوف", "فلاديمير كوزنيتسوف", "فلاديمير كوزنتسوف"}


def test_entity_grammatical_forms_are_not_variants():
    t = "قال المسؤولون الأوكرانيون كلاما، ثم رد على المسؤولين الأوكرانيين آخرون."
    e1 = ent(t, "المسؤولون الأوكرانيون", label="MISC", cluster=1)
    e2 = ent(t, "المسؤولين الأوكرانيين", label="MISC", cluster=1)
    assert of_kind(run(t, [e1, e2]), "spelling-variants") == []


def test_transliteration_from_fuzzy_links():
    t = "التقى الرئيس بالسيد كوزنيتسوف أمس، ثم التقى أندريانوف وزار روتلاند."
    e1 = ent(t, "كوزنيتسوف", kb_id="per:k", english="Pavel Kuznetsov", link="fuzzy", score=0.81)
    e2 = ent(t, "أندريانوف", kb_id="per:a", english="Andrianov", link="fuzzy", score=0.995)
    e3 = ent(t, "الرئيس", kb_id="per:p", english="President", link="exact", score=1.0)
    # a fuzzy link the letters do not support (Rutland is not Portland) is a linking error, not damage
    e4 = ent(t, "روتلاند", label="LOC", kb_id="city:p", english="Portland", link="fuzzy", score=0.9)
    tr = of_kind(run(t, [e1, e2, e3, e4]), "transliteration")
    assert [n.text for n in tr] == ["كوزنيتسوف"]
    assert "Pavel Kuznetsov" in tr[0].detail and "per:k" in tr[0].detail


@pytest.mark.parametrize("text", ["", " ", "\n\n", "12345", "\x00\x01\ufffd", "و" * 1000, "A" * 5000,
                                  "ـــــ", "http://", "@@@ و @@@"])
def test_never_raises(text):
    doc = run(text)
    assert isinstance(doc.noise, list) and not doc.warnings


def test_large_input_is_handled():
    part = "قال غرينفيلد إن وفد Red Cross و Red Crescent وصل. ثم قال غرينفلد إن الدولة تدعم العالم.\n"
    text = part * (5_000_000 // len(part))
    doc = report_noise(Document(text))  # no segmentation: the stage needs only the text
    assert not doc.warnings
    assert len(of_kind(doc, "untranslated-latin")) == text.count("Red Cross و Red Crescent")
    assert len(of_kind(doc, "spelling-variants")) == 2  # one record per surface


def test_noise_in_json_contract():
    d = run("زار Red Cross المدينة.").to_dict()
    assert d["noise"] == [{"start": 4, "end": 13, "text": "Red Cross", "kind": "untranslated-latin",
                           "detail": "latin run of 2 words"}]
    json.dumps(d, ensure_ascii=False)


def test_seed_required_noise_found_by_full_pipeline(seed, shared, tmp_path):
    """The seed's three required noise items (score_gold.py) with the full pipeline (NER + linker)."""
    import subprocess
    import sys

    art, gold = seed
    r = subprocess.run([sys.executable, "-m", "khabar.cli", "analyze", str(art), "--date", "2025-02-18",
                        "--format", "json"], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    out = tmp_path / "out.json"
    out.write_bytes(r.stdout)
    s = subprocess.run([sys.executable, str(shared.parent / "tools" / "score_gold.py"), str(gold), str(out),
                        "--text", str(art)], capture_output=True, text=True, timeout=120)
    assert "MISSED noise    required" not in s.stdout, s.stdout


def test_final_ta_marbuta_alternation_is_not_a_variant():
    t = "قالت سورية إن الوفد وصل. وأضافت سوريا أن المحادثات مستمرة."
    e1 = ent(t, "سورية", label="GPE", kb_id="c:syr", link="exact")
    e2 = ent(t, "سوريا", label="GPE", kb_id="c:syr", link="exact")
    assert of_kind(run(t, [e1, e2]), "spelling-variants") == []


def test_transliteration_one_record_per_surface():
    t = "وصل كوزنيتسوف صباحا. ثم غادر كوزنيتسوف مساء."
    es = [ent(t, "كوزنيتسوف", nth=i, kb_id="per:k", english="Kuznetsov", link="fuzzy", score=0.8) for i in (0, 1)]
    assert len(of_kind(run(t, es), "transliteration")) == 1


def test_mistranslated_title_before_a_name():
    text = "التقى الوزير الصيني وسكرتير الدفاع آنذاك جيمس ماتيس في بكين."
    doc = run(text, [ent(text, "جيمس ماتيس")])
    mt = of_kind(doc, "mistranslation")
    assert [n.text for n in mt] == ["سكرتير الدفاع"] and "وزير الدفاع" in mt[0].detail
    assert text[mt[0].start:mt[0].end] == "سكرتير الدفاع"


def test_calque_without_a_following_name_is_not_reported():
    text = "ناقش المجلس رسوم الدولة على الواردات الزراعية هذا العام."
    assert not of_kind(run(text), "mistranslation")


def test_calque_with_portfolio_complement_is_not_reported():
    text = "قال سكرتير الدولة للشؤون الريفية مارك هولم إن الخطة جاهزة."
    assert not of_kind(run(text, [ent(text, "مارك هولم")]), "mistranslation")


def test_ordinary_words_near_names_are_not_variants():
    # الأمن sits inside the name مجلس الأمن, الأمين inside الأمين العام; كانا/كانوا are two forms of one verb;
    # رؤسا (hamza on waw) normalises to روسا next to روسيا. None of these is a misspelt name.
    t = ("دعا الأمين العام للأمم المتحدة مجلس الأمن إلى اجتماع عاجل. وقال دبلوماسيون إنهم كانوا ينتظرون القرار، "
         "وإن المندوبين كانا قد غادرا القاعة. واجتمع رؤسا الوفود مع ممثل روسيا.")
    doc = run(t, [ent(t, "الأمين العام", "PER"), ent(t, "مجلس الأمن", "ORG"), ent(t, "روسيا", "GPE")])
    assert of_kind(doc, "spelling-variants") == []


def test_rare_spelling_of_a_frequent_name_is_still_reported_when_tagged():
    t = "قال الرئيس الروسي فلاديمير بوتين إن المحادثات جيدة. وأضاف بوطين أن بلاده مستعدة للحوار."
    doc = run(t, [ent(t, "فلاديمير بوتين"), ent(t, "بوطين")])
    assert sorted(n.text for n in of_kind(doc, "spelling-variants")) == ["بوتين", "بوطين"]

"""Quote detection and speaker attribution (khabar.quotes).

Documents are built by hand (segment + hand-filled entities) so the tests do not depend on the NER model; the
sentences are written for these tests. The evaluation floor reads the annotated dev set's articles from
../shared/data and is skipped when that is absent.
"""
from __future__ import annotations

import pytest

from khabar.document import Document, Entity
from khabar.quotes.attribution import attribute_quotes
from khabar.quotes.marks import find_quoted
from khabar.quotes.lexicon import load
from khabar.text.segment import segment


def make(text: str, ents: list[tuple[str, str, str | None]] = ()) -> Document:
    """Segment ``text`` and add an entity for every occurrence of each (surface, label, english)."""
    d = Document(text=text)
    segment(d)
    for surf, label, eng in ents:
        i = text.find(surf)
        while i >= 0:
            if not any(e.start <= i < e.end for e in d.entities):
                d.entities.append(Entity(i, i + len(surf), surf, label, english=eng))
            i = text.find(surf, i + 1)
    d.entities.sort(key=lambda e: e.start)
    return attribute_quotes(d)


def speaker(q) -> str | None:
    return q.speaker.english or q.speaker.text if q.speaker else None


def check_offsets(d: Document) -> None:
    for q in d.quotes:
        assert d.text[q.start:q.end] == q.text
        if q.cue:
            assert d.text[q.cue.start:q.cue.end] == q.cue.text


def test_indirect_vso_named_subject():
    d = make("وقال وزير الخارجية الفرنسي جان نويل بارو إن باريس ستستضيف اجتماعا الأسبوع المقبل.",
             [("جان نويل بارو", "PER", "Jean-Noel Barrot"), ("باريس", "GPE", "Paris")])
    assert len(d.quotes) == 1
    q = d.quotes[0]
    assert q.kind == "indirect"
    assert q.text.startswith("باريس ستستضيف") and q.text.endswith("المقبل")
    assert q.cue.text == "وقال"
    assert speaker(q) == "Jean-Noel Barrot"
    check_offsets(d)


def test_indirect_svo_and_pronoun_complementiser():
    d = make("ميلوني تقول إنها لن تتراجع عن خطتها.", [("ميلوني", "PER", "Giorgia Meloni")])
    assert [(q.kind, speaker(q)) for q in d.quotes] == [("indirect", "Giorgia Meloni")]
    assert d.quotes[0].text.startswith("لن تتراجع")


def test_addressee_is_not_the_speaker_and_implicit_subject():
    d = make("التقى المستشار الألماني فريدريش ميرتس نظيره البولندي في وارسو. "
             "وقال لوكالة رويترز إن المفاوضات متعثرة.",
             [("فريدريش ميرتس", "PER", "Friedrich Merz"), ("رويترز", "ORG", "Reuters"), ("وارسو", "GPE", "Warsaw")])
    assert len(d.quotes) == 1
    assert speaker(d.quotes[0]) == "Friedrich Merz"


def test_role_noun_resolves_to_the_minister_named_before():
    d = make("زار وزير الدفاع الأمريكي بيت هيغسيث القاعدة يوم الأحد. وأضاف الوزير أن القوات باقية في المنطقة.",
             [("بيت هيغسيث", "PER", "Pete Hegseth")])
    assert [speaker(q) for q in d.quotes] == ["Pete Hegseth"]


def test_role_apposition_after_the_name():
    d = make("ألكسندر نوفاك، نائب رئيس الوزراء الروسي، حضر الاجتماع. "
             "وقال نائب رئيس الوزراء إن الإمدادات مستقرة.",
             [("ألكسندر نوفاك", "PER", "Alexander Novak")])
    assert [speaker(q) for q in d.quotes] == ["Alexander Novak"]


def test_person_in_construct_with_role_is_not_the_speaker():
    d = make("وقال مستشار ماكرون للشؤون الدبلوماسية إيمانويل بون إن باريس تدعم الوساطة.",
             [("ماكرون", "PER", "Emmanuel Macron"), ("إيمانويل بون", "PER", "Emmanuel Bonne"),
              ("باريس", "GPE", "Paris")])
    assert [speaker(q) for q in d.quotes] == ["Emmanuel Bonne"]


def test_statement_author_and_name_after_unknown_title():
    d = make("أفاد بيان للحكومة الأردنية أن المعبر سيفتح غدا. "
             "وقالت المراسلة في الإذاعة سارة كونور إن الطريق مغلق.",
             [("للحكومة الأردنية", "ORG", "Government of Jordan")])
    assert speaker(d.quotes[0]) == "Government of Jordan"
    assert "سارة كونور" in d.quotes[1].speaker.text


def test_indefinite_source_is_kept_as_surface():
    d = make("وقال مسؤول أمني إن الانفجار وقع قرب السفارة.")
    assert len(d.quotes) == 1
    assert d.quotes[0].speaker is not None and d.quotes[0].speaker.english is None
    assert d.quotes[0].speaker.text.startswith("مسؤول")


def test_direct_with_colon_and_continuation_in_next_sentence():
    d = make("وكتب الرئيس البرازيلي لولا دا سيلفا على منصة إكس: “نريد تجارة عادلة”. “لن نقبل الإملاءات”.",
             [("لولا دا سيلفا", "PER", "Luiz Inacio Lula da Silva")])
    direct = [q for q in d.quotes if q.kind == "direct"]
    assert [q.text for q in direct] == ["نريد تجارة عادلة", "لن نقبل الإملاءات"]
    assert all(speaker(q) == "Luiz Inacio Lula da Silva" for q in direct)
    assert direct[0].cue.text == "وكتب"
    check_offsets(d)


def test_direct_cue_after_the_quote():
    d = make("وصل الأمين العام أنطونيو غوتيريش إلى جنيف. «الوضع الإنساني كارثي ولا يحتمل التأجيل»، قال الأمين العام.",
             [("أنطونيو غوتيريش", "PER", "Antonio Guterres"), ("جنيف", "GPE", "Geneva")])
    assert len(d.quotes) == 1
    q = d.quotes[0]
    assert q.kind == "direct" and q.text.startswith("الوضع الإنساني")
    assert q.cue.text == "قال"
    assert speaker(q) == "Antonio Guterres"


def test_noisy_marks_mismatched_and_missing_close():
    # opened with “ and closed with " ; then opened with “ and closed with “ ; then never closed
    text = ("قال أردوغان: “سندعم الحل السياسي\" في المنطقة.\n"
            "وأضاف: “لا بديل عن الحوار “.\n"
            "وتابع: “سنواصل العمل مع الشركاء")
    d = make(text, [("أردوغان", "PER", "Recep Tayyip Erdogan")])
    direct = [q for q in d.quotes if q.kind == "direct"]
    assert [q.text for q in direct] == ["سندعم الحل السياسي", "لا بديل عن الحوار", "سنواصل العمل مع الشركاء"]
    assert all(speaker(q) == "Recep Tayyip Erdogan" for q in direct)
    check_offsets(d)


def test_split_quote_in_one_sentence_and_partial_quote_in_indirect():
    d = make("وقال رئيس الوزراء الإسباني بيدرو سانشيث “سنحمي الوظائف”، و“لن نرفع الضرائب”. "
             "وأكد سانشيث أن الحكومة “لن تتراجع” عن الإصلاح.",
             [("بيدرو سانشيث", "PER", "Pedro Sanchez"), ("سانشيث", "PER", "Pedro Sanchez")])
    got = [(q.kind, q.text) for q in d.quotes]
    assert ("direct", "سنحمي الوظائف") in got and ("direct", "لن نرفع الضرائب") in got
    assert ("direct", "لن تتراجع") in got
    assert any(k == "indirect" and t.startswith("الحكومة") for k, t in got)
    assert all(speaker(q) == "Pedro Sanchez" for q in d.quotes)


def test_quoted_names_and_terms_are_not_quotes():
    d = make("انضم النائب إلى حزب \"المستقبل\" عام 2010، ثم أسس جمعية \"نور\" الخيرية في بيروت.")
    assert d.quotes == []


def test_impersonal_and_temporal_an_are_not_indirect_speech():
    d = make("يذكر أن الاتفاق وقع عام 2015. وغادر الوفد بعد أن انتهى الاجتماع.")
    assert d.quotes == []


def test_according_to_source():
    d = make("وبحسب وزارة الصحة، فإن عدد المصابين ارتفع إلى مئة.", [("وزارة الصحة", "ORG", "Ministry of Health")])
    assert len(d.quotes) == 1
    assert d.quotes[0].text.startswith("عدد المصابين")
    assert speaker(d.quotes[0]) == "Ministry of Health"


@pytest.mark.parametrize("text", ["", " ", "hello world, he said \"yes\".", "“", "«»«»", "قال", "قال إن",
                                  "\"" * 50, "وقال: “", "٪٪٪ \u200f\u200e ...", "إن أن بأن قال أكد"])
def test_never_raises_on_odd_input(text):
    d = make(text)
    assert isinstance(d.quotes, list)
    assert not any(w.startswith("quotes:") for w in d.warnings)


def test_large_input_runs():
    unit = "وقال الوزير إن المحادثات “مثمرة جدا” وستستمر. "
    d = make(unit * 3000)  # ~150k characters
    assert len(d.quotes) >= 3000
    assert not d.warnings


def test_lexicon_covers_persons_and_forms():
    lex = load()
    from khabar.text.normalize import normalize

    for form in ("قالت", "يقولون", "تقول", "أضافت", "مضيفا", "مؤكدة", "أوضحوا", "صرح", "كتبت", "أعلنت", "ذكرت",
                 "أشارت", "اعتبر", "شددت", "لفت", "بحسب", "وفقا"):
        assert normalize(form) in lex.cues, form
    assert {"ان", "انه", "بانها", "انهم"} <= lex.complementisers


def test_find_quoted_offsets():
    text = "قال: «أ ب» ثم \"ج د\" و“هـ و”"
    qs = find_quoted(text, load().openers)
    assert [text[q.start:q.end] for q in qs] == ["أ ب", "ج د", "هـ و"]
    assert all(q.closed for q in qs)


def test_dev_set_floor():
    from khabar.paths import shared_data

    if shared_data(required=False) is None:
        pytest.skip("../shared/data not present")
    from khabar.eval.quotes import evaluate

    r = evaluate()
    assert r["n"] >= 100
    assert r["f1"] >= 85.0, r
    assert r["speaker_accuracy"] >= 85.0, r

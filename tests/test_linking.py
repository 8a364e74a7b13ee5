"""Linking stage on hand-written Arabic snippets: exact, variant, coreference, roles by date, NIL, robustness."""
from __future__ import annotations

import re

import pytest

from khabar.document import Document, Entity
from khabar.link.linker import link
from khabar.text.segment import segment


def run(text: str, date: str | None = "2025-03-01", ents: list[tuple[str, str]] = ()) -> Document:
    """Segment ``text``, add the given (surface, label) entities at their first occurrence, link."""
    doc = Document(text=text, pub_date=date)
    segment(doc)
    for surface, label in ents:
        i = text.index(surface)
        doc.entities.append(Entity(i, i + len(surface), surface, label))
    return link(doc)


def find(doc: Document, surface: str) -> Entity:
    for e in doc.entities:
        if e.text == surface:
            return e
    raise AssertionError(f"no entity {surface!r} in {[e.text for e in doc.entities]}")


def test_exact_person_with_role_and_actor_code():
    doc = run("وصل رئيس الوزراء البريطاني كير ستارمر إلى بروكسل مساء الأحد.", ents=[("كير ستارمر", "PER")])
    e = find(doc, "كير ستارمر")
    assert (e.english, e.kb_id, e.actor_code, e.country, e.link) == (
        "Keir Starmer", "per:keir-starmer", "GBRGOV", "GBR", "exact")
    assert e.role == "PRIME_MINISTER"


def test_gazetteer_finds_places_and_orgs_without_ner():
    doc = run("اجتمع ممثلو المملكة العربية السعودية وحلف شمال الأطلسي في جنيف.")
    names = {e.english for e in doc.entities}
    assert {"Saudi Arabia", "NATO", "Geneva"} <= names
    assert find(doc, "المملكة العربية السعودية").label == "GPE"


def test_variant_spelling_links_by_fuzzy_and_shares_cluster():
    doc = run("تحدث الرئيس فولوديمير زيلنسكي أمس، ثم قال زيلينيسكي إن الحرب طويلة.",
              ents=[("فولوديمير زيلنسكي", "PER"), ("زيلينيسكي", "PER")])
    full, short = find(doc, "فولوديمير زيلنسكي"), find(doc, "زيلينيسكي")
    assert short.english == "Volodymyr Zelenskyy" and short.link == "fuzzy"
    assert full.cluster == short.cluster


def test_coreference_short_form_linked_and_nil():
    text = "استقبل سيرغي لافروف الوفد. وقال لافروف إن المحادثات بناءة. وأضاف جان بيير دوبوا أن دوبوا سيعود."
    doc = run(text, ents=[("سيرغي لافروف", "PER"), ("جان بيير دوبوا", "PER")])
    i = text.index("لافروف إن")
    doc.entities.append(Entity(i, i + len("لافروف"), "لافروف", "PER"))
    j = text.index("دوبوا سيعود")
    doc2 = Document(text=text, pub_date="2025-03-01")
    segment(doc2)
    for a, b, lab in [(text.index("سيرغي"), text.index("سيرغي") + len("سيرغي لافروف"), "PER"),
                      (text.index("جان"), text.index("جان") + len("جان بيير دوبوا"), "PER"),
                      (j, j + len("دوبوا"), "PER")]:
        doc2.entities.append(Entity(a, b, text[a:b], lab))
    link(doc2)
    full = [e for e in doc2.entities if e.text == "جان بيير دوبوا"][0]
    short = [e for e in doc2.entities if e.start == j][0]
    assert full.kb_id is None and short.kb_id is None
    assert short.link == "coref" and short.english == full.english and short.cluster == full.cluster
    lav = [e for e in doc2.entities if e.text == "سيرغي لافروف"][0]
    assert lav.english == "Sergey Lavrov"


@pytest.mark.parametrize("date,holder", [("2019-05-01", "Mike Pompeo"), ("2025-03-01", "Marco Rubio"),
                                         ("2022-01-10", "Antony Blinken")])
def test_role_description_links_to_holder_on_pub_date(date, holder):
    doc = run("قال وزير الخارجية الأمريكي إن بلاده مستعدة للحوار.", date=date)
    roles = [e for e in doc.entities if e.link == "role"]
    assert roles and roles[0].english == holder and roles[0].actor_code == "USAGOV"
    assert roles[0].label == "PER" and roles[0].role == "FOREIGN_MINISTER"


@pytest.mark.parametrize("date,holder,role", [("2016-05-10", "Mohammed bin Salman", "DEPUTY_CROWN_PRINCE"),
                                              ("2015-03-01", "Mohammed bin Nayef", "DEPUTY_CROWN_PRINCE"),
                                              ("2016-05-10", "Mohammed bin Nayef", "CROWN_PRINCE")])
def test_deputy_crown_prince_is_its_own_role(date, holder, role):
    phrase = "ولي ولي العهد" if role == "DEPUTY_CROWN_PRINCE" else "ولي العهد"
    doc = run(f"واستقبل {phrase} السعودي في الرياض أمس وفدا من رجال الأعمال.", date=date)
    roles = [e for e in doc.entities if e.link == "role"]
    assert roles and roles[0].english == holder and roles[0].role == role and roles[0].actor_code == "SAUGOV"


def test_role_phrase_tagged_as_a_name_links_to_the_office_holder():
    # the tagger took the bare role phrase for a person's name: it must not be romanised as a name
    doc = run("وأشار أمير الكويت إلى أن بلاده تدين الهجوم.", date="2018-03-26", ents=[("أمير الكويت", "PER")])
    e = find(doc, "أمير الكويت")
    assert e.english == "Sabah Al-Ahmad Al-Jaber Al-Sabah" and e.link == "role" and e.actor_code == "KWTGOV"


def test_role_without_known_holder_gives_actor_code():
    doc = run("وقال وزير الدفاع الكيني إن القوات جاهزة.")
    r = [e for e in doc.entities if e.link == "role" and e.role == "DEFENCE_MINISTER"]
    assert r and r[0].actor_code == "KENGOV" and r[0].kb_id is None


def test_role_apposition_sets_role_of_nil_person():
    doc = run("وصرح وزير الخارجية التشادي محمد صالح النظيف للصحفيين.", ents=[("محمد صالح النظيف", "PER")])
    e = find(doc, "محمد صالح النظيف")
    assert e.role == "FOREIGN_MINISTER" and e.country == "TCD" and e.actor_code == "TCDGOV"
    assert not [x for x in doc.entities if x.link == "role" and x.role == "FOREIGN_MINISTER"]


def test_nil_gets_latin_transliteration():
    doc = run("وقال المزارع خليفة بوعزيزي إن الموسم جيد.", ents=[("خليفة بوعزيزي", "PER")])
    e = find(doc, "خليفة بوعزيزي")
    assert e.kb_id is None and e.link == "translit"
    assert e.english and re.fullmatch(r"[A-Za-z' \-]+", e.english)


def test_label_corrected_for_linked_places():
    doc = run("وصل الوفد إلى موسكو صباحا.", ents=[("موسكو", "ORG")])
    e = find(doc, "موسكو")
    assert e.english == "Moscow" and e.label == "GPE" and e.country == "RUS" and e.lat is not None


def test_ner_span_too_long_is_trimmed_to_alias():
    doc = run("التقى إيمانويل ماكرون الوفد في باريس.", ents=[("إيمانويل ماكرون الوفد", "PER")])
    e = [x for x in doc.entities if x.english == "Emmanuel Macron"][0]
    assert e.text == "إيمانويل ماكرون"


def test_other_person_with_same_surname_not_linked():
    doc = run("وصلت ميلانيا ترامب إلى القاهرة.", ents=[("ميلانيا ترامب", "PER")])
    assert find(doc, "ميلانيا ترامب").english != "Donald Trump"


@pytest.mark.parametrize("text", ["", "   ", "Latin only text with Kyiv in it.", "؟!،", "\x00\x01\x02",
                                  "وزير " * 20000])
def test_never_raises(text):
    doc = Document(text=text)
    link(doc)  # also segments when tokens are missing
    assert not [w for w in doc.warnings if "linking incomplete" in w]


def test_linking_dev_accuracy_floor(shared):
    from khabar.eval.linking import evaluate
    res = evaluate(e2e=False)
    assert res["n"] >= 300 and res["offset_errors"] == 0
    assert res["accuracy"] >= 90.0


def test_longer_name_extends_ner_mention_but_not_across_preposition():
    text = "قصفت الطائرات قطاع غزة، وأعلن التحالف العربي لدعم الشرعية في اليمن بيانا."
    doc = run(text, ents=[("غزة", "GPE"), ("اليمن", "GPE")])
    gaza = [e for e in doc.entities if "غزة" in e.text][0]
    assert gaza.text == "قطاع غزة" and gaza.english == "Gaza Strip"
    assert find(doc, "اليمن").english == "Yemen"


def test_gazetteer_skips_common_words():
    doc = run("نشرت الصحيفة الصور وقالت إن المشهد فسرت الأحداث.")
    assert not [e for e in doc.entities if e.kb_id]


def test_group_agents_with_coordinated_nationalities():
    doc = run("اجتمع المسؤولون الأتراك والإيرانيون في أنقرة.")
    codes = {e.actor_code for e in doc.entities if e.link == "role"}
    assert {"TURGOV", "IRNGOV"} <= codes


def test_reversed_apposition_sets_role_of_nil_person():
    doc = run("وقال عثمان الحلبي ، وزير الخارجية الموريتاني ، إن بلاده ترحب.", ents=[("عثمان الحلبي", "PER")])
    e = find(doc, "عثمان الحلبي")
    assert e.role == "FOREIGN_MINISTER" and e.actor_code == "MRTGOV"
    assert not [x for x in doc.entities if x.link == "role" and x.role == "FOREIGN_MINISTER"]


def test_context_ranks_ambiguous_city():
    doc = run("اندلعت اشتباكات في طرابلس شمال لبنان بين مسلحين لبنانيين.", ents=[("طرابلس", "GPE")])
    assert find(doc, "طرابلس").country == "LBN"
    doc = run("وصل الوفد إلى طرابلس الليبية للقاء حكومة الوحدة.", ents=[("طرابلس", "GPE")])
    assert find(doc, "طرابلس").country == "LBY"


def test_document_coherence_from_linked_persons():
    doc = run("استقبل نجيب ميقاتي الوفد في طرابلس صباح اليوم.", ents=[("نجيب ميقاتي", "PER"), ("طرابلس", "GPE")])
    assert find(doc, "نجيب ميقاتي").country == "LBN"
    assert find(doc, "طرابلس").country == "LBN"


def test_link_twice_is_stable():
    doc = run("قال وزير الخارجية الأمريكي إن المسؤولين الروس وصلوا إلى موسكو.")
    n = len(doc.entities)
    link(doc)
    assert len(doc.entities) == n


def test_coordinated_office_and_mangled_holder_name():
    text = "وحضر وزير الدفاع السعودي خالد بن سلمان ومستشار الأمن القومي مساعد العيبن الاجتماع."
    doc = run(text, ents=[("خالد بن سلمان", "PER"), ("مساعد العيبن", "PER")])
    e = find(doc, "مساعد العيبن")
    assert e.english == "Musaed Al-Aiban" and e.actor_code == "SAUGOV" and e.role == "NSA"
    # an unrelated name after the same office stays NIL
    doc = run("وحضر وزير الدفاع السعودي خالد بن سلمان ومستشار الأمن القومي سامي الحربي.",
              ents=[("سامي الحربي", "PER")])
    e = find(doc, "سامي الحربي")
    assert e.kb_id is None and e.actor_code == "SAUGOV"


def test_surname_propagation_and_preposition_guard():
    text = "التقى الرئيس الأفغاني أشرف غني الوفد. وقال غني إن الهدنة قائمة. وقال أبي علي إن الأمر على ما يرام."
    doc = run(text, ents=[("أشرف غني", "PER"), ("أبي علي", "PER")])
    short = [e for e in doc.entities if e.text == "غني"]
    assert short and short[0].english == "Ashraf Ghani" and short[0].link == "coref"
    assert not [e for e in doc.entities if e.text == "على"]


def test_split_place_name_is_joined_and_linked():
    import khabar

    doc = khabar.analyze("سقط صاروخ قرب مدينة خان يونس جنوب القطاع صباح الأحد.", "2025-03-02")
    hits = [e for e in doc.entities if "يونس" in e.text]
    assert len(hits) == 1 and hits[0].text == "خان يونس" and hits[0].english == "Khan Younis"


def test_surname_after_full_name_is_a_person_even_if_ambiguous_alone():
    import khabar

    t = "استقبل الملك وزير الخارجية أيمن الصفدي في عمان. وأضاف الصفدي أن الزيارة كانت مثمرة."
    doc = khabar.analyze(t, "2025-03-02")
    later = [e for e in doc.entities if e.text == "الصفدي"]
    assert later and later[0].english == "Ayman Safadi"


def test_linked_entities_take_their_subtype_from_the_kb():
    import khabar

    doc = khabar.analyze("التقى وزير الخارجية الأردني أيمن الصفدي في عمان نظيره المصري.", "2025-03-02")
    by_text = {e.text: e for e in doc.entities}
    assert by_text["أيمن الصفدي"].subtype == "Politician"
    assert by_text["عمان"].subtype == "Population-Center"


def test_words_before_a_full_person_name_are_trimmed():
    import khabar

    doc = khabar.analyze("وكان وزير الخارجية آنذاك أنتوني بلينكن قد زار المنطقة مرات عدة.", "2025-02-18")
    names = [e for e in doc.entities if "بلينكن" in e.text]
    assert names and names[0].text == "أنتوني بلينكن" and names[0].english == "Antony Blinken"


def test_generic_head_before_a_linked_name_is_left_out():
    import khabar

    doc = khabar.analyze("ونقلت وكالة أسوشيتد برس عن مسؤول قوله إن المحادثات ستستمر.", "2025-02-18")
    ap = [e for e in doc.entities if e.english == "Associated Press"]
    assert ap and ap[0].text == "أسوشيتد برس"


# ---------------------------------------------------------------- session 2 (2026-11-29): error classes of test2


@pytest.mark.parametrize("name", ["مايكل كاري", "جون كين", "هنري بولتون"])
def test_fuzzy_does_not_link_a_different_short_surname(name):
    # one consonant more or less in a 2–4 consonant surname is another person (كاري ≠ كوريلا, كين ≠ ماكين)
    doc = run(f"وصل {name} إلى المدينة صباح اليوم.", ents=[(name, "PER")])
    e = find(doc, name)
    assert e.kb_id is None and e.link == "translit"


def test_fuzzy_nationality_word_must_agree():
    doc = run("انتشرت القوات الإماراتية قرب الساحل صباح أمس.", ents=[("القوات الإماراتية", "ORG")])
    e = find(doc, "القوات الإماراتية")
    assert e.kb_id != "org:united-states-armed-forces"
    assert e.english == "United Arab Emirates Armed Forces"


def test_fuzzy_mangled_multiword_name_still_links():
    doc = run("التقى إيمانويل ماكغون نظيره في باريس.", ents=[("إيمانويل ماكغون", "PER")])
    assert find(doc, "إيمانويل ماكغون").english == "Emmanuel Macron"


def test_world_city_homonym_does_not_beat_a_region():
    doc = run("تشهد منطقة جبال القوقاز تساقطا كثيفا للثلوج هذا الأسبوع.", ents=[("القوقاز", "LOC")])
    assert find(doc, "القوقاز").english == "Caucasus"


@pytest.mark.parametrize("surface, english", [("أمريكا الجنوبية", "South America"), ("القاهرة الجديدة", "New Cairo")])
def test_direction_or_new_adjective_is_not_trimmed(surface, english):
    doc = run(f"زار الوفد {surface} في جولة قصيرة.", ents=[(surface, "LOC")])
    assert find(doc, surface).english == english


def test_trailing_nationality_blocks_a_foreign_body():
    # "الحزب الديمقراطي" alone is the US party; with another nationality after it, it is not
    doc = run("فاز الحزب الديمقراطي الياباني بأغلبية المقاعد.", ents=[("الحزب الديمقراطي الياباني", "ORG")])
    e = find(doc, "الحزب الديمقراطي الياباني")
    assert e.country != "USA"


def test_airport_is_not_the_city():
    doc = run("هبطت الطائرة في مطار الحديدة بعد ظهر الأحد.", ents=[("مطار الحديدة", "LOC")])
    assert find(doc, "مطار الحديدة").kb_id != "city:YEM:hodeidah"


def test_bare_role_refers_to_the_person_named_with_it_earlier():
    text = ("قال وزير الخارجية الموريتاني، سيدي ولد بلال، إن المحادثات مفيدة. "
            "وأضاف وزير الخارجية الموريتاني أن الجولة المقبلة ستعقد في نواكشوط.")
    doc = run(text, date="2030-01-01", ents=[("سيدي ولد بلال", "PER")])
    person = find(doc, "سيدي ولد بلال")
    roles = [e for e in doc.entities if e.link == "role" and e.start > text.index("وأضاف")]
    assert roles and roles[0].english == person.english and roles[0].role == "FOREIGN_MINISTER"


def test_un_envoy_resolved_by_the_country_of_the_article():
    text = "وصل المبعوث الأممي إلى صنعاء أمس لبحث الهدنة في اليمن مع الأطراف اليمنية."
    doc = run(text, date="2019-05-01")
    roles = [e for e in doc.entities if e.link == "role"]
    assert roles and roles[0].english == "Martin Griffiths"


def test_role_with_long_staff_phrase_and_rank_before_name():
    text = "وخلص رئيس هيئة الأركان العامة للقوات المسلحة الإيرانية إلى أن العمليات ستستمر."
    doc = run(text, date="2018-02-25")
    roles = [e for e in doc.entities if e.link == "role"]
    assert roles and roles[0].english == "Mohammad Bagheri"


def test_former_office_is_not_todays_holder():
    doc = run("تحدث الرئيس الأمريكي الأسبق عن ذكرياته في البيت الأبيض.", date="2018-05-01")
    assert not [e for e in doc.entities if e.link == "role" and e.english == "Donald Trump"]


def test_wazir_is_not_a_coordinated_office():
    # the و of وزير is not "and": the country of the office before must not be copied
    text = "استقبل رئيس الوزراء اليمني الشيخ عبدالله بن زايد وزير الخارجية والتعاون الدولي في عدن."
    doc = run(text, date="2018-06-20")
    assert not [e for e in doc.entities if e.link == "role" and e.text.startswith("وزير") and e.country == "YEM"]


def test_joined_abd_name_matches_spaced_alias():
    doc = run("كلف الرئيس العراقي عادل عبدالمهدي بتشكيل الحكومة.", date="2018-10-03",
              ents=[("عادل عبدالمهدي", "PER")])
    assert find(doc, "عادل عبدالمهدي").english == "Adil Abdul-Mahdi"


def test_eval_scores_role_records_from_the_linkers_role_entities():
    from khabar.eval.linking import _role_ok
    g = {"start": 10, "end": 25, "english": "Martin Griffiths"}
    hit = Entity(8, 25, "المبعوث الأممي", "PER", english="Martin Griffiths", kb_id="per:x", link="role")
    other = Entity(8, 25, "المبعوث الأممي", "PER", english="Hans Grundberg", kb_id="per:y", link="role")
    plain = Entity(8, 25, "المبعوث الأممي", "PER", english="Martin Griffiths", kb_id="per:x", link="exact")
    assert _role_ok(g, [hit]) and not _role_ok(g, [other]) and not _role_ok(g, [plain])
    assert _role_ok({"start": 10, "end": 25, "english": "NIL"}, [])


def test_linking_test2_file_scores_roles(shared):
    from khabar.eval.linking import EVAL, evaluate
    res = evaluate(EVAL / "linking-test2.jsonl", e2e=False)
    assert res["n"] >= 200 and res["offset_errors"] == 0 and res["n_role"] >= 10
    assert set(res["splits"]) == {"test2"}


def test_bare_national_role_refers_to_the_only_holder_named_in_the_document():
    text = "قال رئيس الوزراء الكندي جاستن ترودو إن الاتفاق جيد. وأضاف رئيس الوزراء أن التصويت قريب."
    doc = run(text, date="2018-06-01", ents=[("جاستن ترودو", "PER")])
    later = [e for e in doc.entities if e.link == "role" and e.start > text.index("وأضاف")]
    assert later and later[0].english == "Justin Trudeau"


def test_bare_national_role_with_several_holders_is_not_guessed():
    text = ("التقى وزير الخارجية الروسي سيرغي لافروف ووزير الخارجية السعودي فيصل بن فرحان. "
            "ثم أرسل بوتين وزير الخارجية إلى الرياض.")
    doc = run(text, date="2025-02-18", ents=[("سيرغي لافروف", "PER"), ("فيصل بن فرحان", "PER")])
    later = [e for e in doc.entities if e.link == "role" and e.start > text.index("ثم")]
    assert not [e for e in later if e.english]


def test_england_is_not_the_united_kingdom():
    doc = run("خسر المنتخب أمام إنجلترا في المباراة الأولى.", ents=[("إنجلترا", "GPE")])
    assert find(doc, "إنجلترا").english == "England"


def test_bare_national_role_with_the_holder_mentioned_several_times():
    text = ("قال رئيس الوزراء الكندي جاستن ترودو إن الاتفاق جيد. وكرر ترودو موقفه أمس. "
            "ثم رد رئيس الوزراء بغضب على الانتقادات.")
    doc = Document(text=text, pub_date="2018-06-01")
    segment(doc)
    for surface, at in (("جاستن ترودو", text.index("جاستن")), ("ترودو", text.index("وكرر ترودو") + 5)):
        doc.entities.append(Entity(at, at + len(surface), surface, "PER"))
    link(doc)
    later = [e for e in doc.entities if e.link == "role" and e.start > text.index("ثم")]
    assert later and later[0].english == "Justin Trudeau"


def test_indefinite_head_in_construct_is_not_the_head_of_state():
    # "رئيس حزب …" heads a party; only a definite office (الرئيس، رئيس الوزراء) refers back to the holder
    text = ("قال الرئيس التركي رجب طيب أردوغان إن الاقتصاد قوي. "
            "وتابع رئيس حزب الحركة القومية أن التحالف باق.")
    doc = run(text, date="2018-08-13", ents=[("رجب طيب أردوغان", "PER")])
    later = [e for e in doc.entities if e.link == "role" and e.start > text.index("وتابع")]
    assert not [e for e in later if e.english == "Recep Tayyip Erdoğan"]


def test_ministry_inside_a_role_phrase_does_not_overlap_it():
    from khabar.document import Document, Entity
    from khabar.link.linker import link
    from khabar.text.segment import segment

    t = "وصل وزير الخارجية الأمريكي إلى أنقرة أمس لبحث الأزمة مع المسؤولين الأتراك."
    d = segment(Document(t, pub_date="2018-02-16"))
    a, b = t.index("الخارجية الأمريكي"), t.index("أنقرة")
    d.entities = [Entity(a, a + len("الخارجية الأمريكي"), "الخارجية الأمريكي", "ORG"), Entity(b, b + 5, "أنقرة", "GPE")]
    link(d)
    spans = sorted((e.start, e.end) for e in d.entities)
    assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:])), [(e.text, e.label) for e in d.entities]
    role = next(e for e in d.entities if e.link == "role")
    assert role.text == "وزير الخارجية الأمريكي" and role.country == "USA"


def test_ministry_inside_a_title_before_a_name_is_the_persons_office():
    from khabar.document import Document, Entity
    from khabar.link.linker import link
    from khabar.text.segment import segment

    t = "وقال وزير الخارجية الأردني أيمن الصفدي إن المسؤولين الأردنيين سيزورون بغداد الأسبوع المقبل."
    d = segment(Document(t, pub_date="2024-05-01"))

    def ent(s, label):
        a = t.index(s)
        return Entity(a, a + len(s), s, label)

    d.entities = [ent("الخارجية الأردني", "ORG"), ent("أيمن الصفدي", "PER"), ent("بغداد", "GPE")]
    link(d)
    spans = sorted((e.start, e.end) for e in d.entities)
    assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:])), [(e.text, e.label) for e in d.entities]
    assert any(e.link == "role" and e.country == "JOR" for e in d.entities)   # the group role entity is kept
    assert any(e.english == "Ayman Safadi" and e.role for e in d.entities)
    assert not any(e.label == "ORG" and e.text == "الخارجية الأردني" for e in d.entities)  # his office, not an ORG


def test_counterpart_is_the_same_office_in_the_other_country():
    import khabar

    d = khabar.analyze("واستقبل وزير الخارجية المصري نظيره الأردني في القاهرة أمس.", "2024-01-10")
    cp = [e for e in d.entities if e.text == "نظيره الأردني"]
    assert cp and cp[0].english == "Ayman Safadi" and cp[0].country == "JOR" and cp[0].link == "role"
    ev = [e for e in d.events if e.type == "CONSULT"]
    assert ev and any(a.country == "JOR" for a in ev[0].targets)
    # a name right after the phrase carries the mention itself
    d = khabar.analyze("واستقبل وزير الخارجية المصري نظيره الأردني أيمن الصفدي في القاهرة.", "2024-01-10")
    assert not [e for e in d.entities if e.text.startswith("نظيره")]


def test_latin_names_without_ner_are_found_and_linked():
    # no NER entities at all: the Latin pass must find the KB names by their English form
    doc = run("التقى Keir Starmer في Brussels مسؤولين من NATO، ثم قال Starmer إن اللقاء كان مفيدا.")
    assert find(doc, "Keir Starmer").kb_id == "per:keir-starmer"
    assert find(doc, "Brussels").kb_id == "city:BEL:brussels"
    assert find(doc, "NATO").kb_id == "org:nato"
    later = find(doc, "Starmer")
    assert (later.kb_id, later.link) == ("per:keir-starmer", "coref")
    assert later.cluster == find(doc, "Keir Starmer").cluster


def test_latin_gloss_words_are_not_names_and_mixed_mentions_link():
    doc = run("قال خبير في حلف NATO إن برنامج Excel لا يكفي.", ents=[("حلف NATO", "ORG")])
    assert find(doc, "حلف NATO").kb_id == "org:nato"
    assert not any(e.text == "Excel" for e in doc.entities)


def test_nil_romanisation_fixes_conjunction_and_the_word_for_god():
    doc = run("وقال وجان فيليب دوران إن الله أكبر.", ents=[("وجان فيليب دوران", "PER"), ("الله", "MISC")])
    p = next(e for e in doc.entities if e.label == "PER")
    assert (p.text, p.english) == ("جان فيليب دوران", "Jan Philippe Doran")
    assert doc.text[p.start:p.end] == p.text
    assert find(doc, "الله").english == "Allah"
    # a name that begins with و keeps it
    doc = run("وقال وليد العمري إن الاتفاق صامد.", ents=[("وليد العمري", "PER")])
    assert find(doc, "وليد العمري").english.startswith("Walid")


def test_mixed_arabic_name_with_unknown_latin_acronym_links_by_the_arabic_part():
    doc = run("قصفت الطائرات مواقع حزب العمال الكردستاني PKK شمال العراق.",
              ents=[("حزب العمال الكردستاني PKK", "ORG")])
    assert find(doc, "حزب العمال الكردستاني PKK").kb_id == "org:kurdistan-workers-party"


def test_hashtag_names_joined_by_underscores_are_one_mention():
    t = "وقال المتحدث #دميتري_بيسكوف إن الرد سيأتي، وغرد #عاجل_الآن."
    doc = run(t, ents=[("دميتري", "PER"), ("بيسكوف", "PER")])
    e = find(doc, "دميتري_بيسكوف")
    assert (e.kb_id, t[e.start:e.end]) == ("per:dmitry-peskov", "دميتري_بيسكوف")
    assert not any(x.text in ("دميتري", "بيسكوف", "عاجل_الآن") for x in doc.entities)


def test_heads_of_state_worldwide_by_name_and_by_role_on_the_date():
    doc = run("قال الرئيس النيكاراغوي دانيال أورتيغا إن الحوار مستمر.", date="2018-06-17",
              ents=[("دانيال أورتيغا", "PER")])
    e = find(doc, "دانيال أورتيغا")
    assert (e.english, e.actor_code) == ("Daniel Ortega", "NICGOV")
    for date, who in (("2018-06-17", "Juan Manuel Santos"), ("2023-03-01", "Gustavo Petro")):
        doc = run("وقال الرئيس الكولومبي إن المفاوضات ستستأنف.", date=date)
        assert any(x.english == who and x.actor_code == "COLGOV" for x in doc.entities), (date, who)


def test_organisation_short_forms_and_institutions_completed_by_the_story_country():
    t = ("قالت المفوضية الأوروبية إن الاتحاد الأوروبي سيرد. وأضافت المفوضية أن الاتحاد لن يتراجع. "
         "وفي واشنطن قال الرئيس الأمريكي دونالد ترامب إن مجلس الشيوخ سيصوت.")
    doc = run(t, date="2018-10-01", ents=[("دونالد ترامب", "PER")])
    later = [e for e in doc.entities if e.start > t.index("وأضافت")]
    assert {(e.text, e.kb_id) for e in later} >= {("المفوضية", "org:european-commission"),
                                                  ("الاتحاد", "org:european-union"),
                                                  ("مجلس الشيوخ", "org:us-senate")}
    assert all(t[e.start:e.end] == e.text for e in doc.entities)
    # without an earlier full name, a bare head noun stays unlinked
    doc = run("وأضافت المفوضية أن القرار نهائي.")
    assert not any(e.kb_id == "org:european-commission" for e in doc.entities)


def test_quoted_latin_acronym_after_an_arabic_head_links():
    t = 'وقالت منظمة "OPCW" إن التحقيق مستمر.'
    doc = run(t, date="2018-04-10", ents=[('منظمة "OPCW"', "ORG")])
    assert find(doc, 'منظمة "OPCW"').kb_id == "org:organisation-for-the-prohibition-of-chemical-weapons"


def test_a_name_never_ends_in_a_lone_conjunction():
    t = "أرسلت الجهود الأخيرة Kyiv و Key Allies إلى الطاولة، وزار الوفد غزة في الصباح."
    doc = run(t, date="2025-02-18", ents=[("غزة في", "GPE")])
    assert find(doc, "Kyiv").kb_id == "city:UKR:kyiv"
    assert find(doc, "غزة").end == t.index("غزة") + 3
    assert not any(e.text.endswith((" و", " في")) for e in doc.entities)


def test_names_that_are_common_words_need_a_context_word():
    doc = run("ونشر ناشطون صور الضحايا على مواقع التواصل.", ents=[("صور", "GPE")])
    assert not any(e.text == "صور" for e in doc.entities)
    doc = run("وقصفت الطائرات مدينة صور في جنوب لبنان.", ents=[("صور", "GPE")])
    assert find(doc, "صور").english == "Tyre"
    doc = run("لليوم السابع على التوالي تستمر الاحتجاجات.", ents=[("لليوم السابع", "ORG")])
    assert not any(e.kb_id for e in doc.entities)


def test_one_word_club_name_is_completed_by_the_story_country():
    """A bare club name tagged ORG links through "<name> + the story's nationality adjective" (النصر السعودي)."""
    doc = run("أعلنت إدارة النصر في الرياض التعاقد مع مهاجم جديد قبل مواجهة الهلال في جدة.", "2015-08-01",
              [("النصر", "ORG"), ("الرياض", "GPE"), ("جدة", "GPE")])
    e = find(doc, "النصر")
    assert (e.english, e.link) == ("Al Nassr", "context")


def test_one_word_non_club_org_is_not_completed():
    """Only clubs: a one-word ORG that is a common noun stays NIL even when "<word> السعودي" were an alias."""
    doc = run("قالت الوزارة في الرياض إن الاتفاق سيوقع في جدة.", "2015-08-01",
              [("الاتفاق", "ORG"), ("الرياض", "GPE"), ("جدة", "GPE")])
    assert find(doc, "الاتفاق").kb_id is None


def test_ambiguous_name_context_word_before_an_opening_quote():
    """صحيفة "الاقتصادية": the context word stands before the quote; the adjective alone links nothing."""
    doc = run('وذكرت صحيفة "الاقتصادية" أن الأوضاع الاقتصادية صعبة في الرياض.', "2015-08-01")
    linked = [(e.text, e.english) for e in doc.entities if e.kb_id]
    assert any(en == "Al Eqtisadiah" for _, en in linked)
    assert sum(en == "Al Eqtisadiah" for _, en in linked) == 1


def test_khobar_needs_a_place_context_word():
    """رابط الخبر ("the news link") is not the city of Khobar; في الخبر is."""
    doc = run("رابط الخبر: افتتاح مشروع جديد في الخبر والدمام.", "2015-08-01")
    khobar = [e for e in doc.entities if e.english == "Khobar"]
    assert len(khobar) == 1 and doc.text[khobar[0].start - 3:khobar[0].start] == "في "


# --- session 4: English names composed for unlinked institutions (khabar.link.nil_names) -------------------------

@pytest.mark.parametrize("sentence, surface, english", [
    ("أعلنت وزارة العمل أمس عن برنامج جديد للتوظيف.", "وزارة العمل", "Ministry of Labour"),
    ("قالت لجنة الرقابة ومكافحة الفساد إنها فتحت تحقيقا.", "لجنة الرقابة ومكافحة الفساد",
     "Oversight and Anti-Corruption Committee"),
    ("وافقت الهيئة الوطنية للانتخابات على الجدول الزمني.", "الهيئة الوطنية للانتخابات", "National Elections Authority"),
    ("تخرج الباحث في جامعة الشيخ زايد قبل عامين.", "جامعة الشيخ زايد", "Sheikh Zayed University"),
    ("نقل المصاب إلى مستشفى الملك فهد التخصصي مساء الخميس.", "مستشفى الملك فهد التخصصي",
     "King Fahd Specialist Hospital"),
    ("أعلنت هيئة الطيران المدني الكويتية تعليق الرحلات.", "هيئة الطيران المدني الكويتية",
     "Civil Aviation Authority (Kuwait)"),
    ("افتتح مركز الملك عبدالله للدراسات فرعا جديدا.", "مركز الملك عبدالله للدراسات", "King Abdullah Centre for Studies"),
    ("رفع البنك المركزي سعر الفائدة.", "البنك المركزي", "Central Bank"),
])
def test_nil_institution_gets_a_composed_english_name(sentence, surface, english):
    doc = run(sentence, ents=[(surface, "ORG")])
    e = find(doc, surface)
    assert (e.english, e.link, e.kb_id) == (english, "composed", None)
    assert (e.start, e.end) == (sentence.index(surface), sentence.index(surface) + len(surface))


@pytest.mark.parametrize("sentence, surface", [
    ("تحدث النادي سامي عن المباراة.", "النادي سامي"),               # a definite head followed by a name
    ("أعلن الاتحاد الدولي للعبة قرارا.", "الاتحاد الدولي للعبة"),   # an unknown complement word
    ("فازت جامعة تيمبل بفيلاديلفيا بالجائزة.", "جامعة تيمبل بفيلاديلفيا"),  # a preposition phrase inside the span
])
def test_nil_institution_not_understood_keeps_the_transliteration(sentence, surface):
    doc = run(sentence, ents=[(surface, "ORG")])
    e = find(doc, surface)
    assert e.kb_id is None and e.link == "translit"
    assert e.english and not any(w in e.english for w in ("Ministry", "University", "Club", "Federation"))


def test_composed_names_never_apply_to_persons():
    doc = run("قال وزارة العمل إنه سيحضر.", ents=[("وزارة العمل", "PER")])
    assert find(doc, "وزارة العمل").link != "composed"


def test_how_is_not_kyiv_without_a_place_context():
    # كيف ("how") is also an old spelling of Kyiv: only after a place context word is it the city
    text = "وتساءل الوزير كيف يمكن أن تستمر الحرب، فيما وصل الرئيس إلى كيف أمس."
    doc = run(text, date="2018-03-01", ents=[("كيف", "GPE")])
    kyiv = [e for e in doc.entities if e.english == "Kyiv"]
    assert [e.start for e in kyiv] == [text.rindex("كيف")]


def test_a_place_followed_by_its_own_country_adjective_links_to_the_place():
    import khabar

    d = khabar.analyze("وقالت نائبة عن ولاية ميشيغان الأمريكية إن القرار خاطئ.", "2018-08-09")
    assert "Michigan" in {e.english for e in d.entities}


def test_a_surname_spelled_differently_later_in_the_article_corefers():
    import khabar

    d = khabar.analyze("وقال وزير الخارجية البريطاني بوريس جونسن إن بلاده سترد. وأضاف جونسون أن الرد سيكون حازما.",
                       "2018-08-09")
    short = [e for e in d.entities if e.text == "جونسون"]
    assert short and short[0].english == "Boris Johnson" and short[0].link == "coref"


def test_an_organisation_named_after_its_country_is_not_the_country():
    import khabar

    d = khabar.analyze("ووقعت شركة قطر غاز عقدا جديدا مع شركة يابانية.", "2015-07-20")
    assert not [e for e in d.entities if "قطر" in e.text and e.kb_id == "country:QAT"]


def test_bare_monarchy_roles_name_the_office_of_the_article_country():
    import khabar

    d = khabar.analyze("وهنأ خادم الحرمين الشريفين وولي ولي العهد أهالي الرياض بالعيد.", "2015-07-26")
    got = {e.role: e.english for e in d.entities if e.link == "role"}
    assert got.get("KING") == "King Salman bin Abdulaziz"
    assert got.get("DEPUTY_CROWN_PRINCE") == "Mohammed bin Salman"
    # no place of the article: a bare crown prince stays unresolved
    d2 = khabar.analyze("وصل ولي العهد إلى المؤتمر.", "2015-07-26")
    assert not [e for e in d2.entities if e.role == "CROWN_PRINCE" and e.kb_id]


def test_a_surname_mistagged_as_an_organisation_is_the_person_named_before():
    import khabar

    d = khabar.analyze("قالت رئيسة الوزراء البريطانية تيريزا ماي إنها متفائلة. وقالت ماي بعد اجتماع في برلين إن "
                       "الاتفاق ممكن.", "2018-10-10")
    short = [e for e in d.entities if e.text == "ماي"]
    assert short and short[0].label == "PER" and short[0].english == "Theresa May"


def test_latin_letters_spelled_in_arabic_romanise_as_an_acronym():
    from khabar.link.linker import romanize

    assert romanize("إم بي سي") == "MBC"
    assert romanize("إكس إس ماكس") == "XS Max"
    assert romanize("بي") == "B"
    assert romanize("محمد علي") != "MA"  # ordinary names are untouched
    # hostile round: harakat and punctuation, Latin case, a cap on the run, function words alone
    assert romanize("بِي بِي سِي،") == "BBC"
    assert romanize("بي بي سي CNN") == "BBC CNN"
    assert max(len(w) for w in romanize("بي " * 300).split()) <= 8
    assert "VON" not in romanize("قناة في أو إن")


def test_a_deputy_title_is_not_the_office_holder():
    import khabar

    d = khabar.analyze("وقال سيرغي ريابكوف، نائب وزير الخارجية الروسي، إن موسكو سترد.", "2018-05-10")
    assert "Sergey Lavrov" not in {e.english for e in d.entities}


def test_a_definite_ordinary_word_is_not_a_surname_without_article():
    """Hostile round, session 5: الخميس (Thursday) became Imad Khamis, السلام (peace) Nawaf Salam; جانسن is not
    جونسون."""
    import khabar

    d = khabar.analyze("التقى عماد خميس بالرئيس. وفي يوم الخميس قتل ثلاثة جنود في عملية السلام.", "2024-03-01")
    assert [e.english for e in d.entities if e.label == "PER"] == ["Imad Khamis"]
    d = khabar.analyze("التقى بوريس جونسون الوفد. وقال جانسن إن الوفد وصل.", "2024-03-01")
    assert [e for e in d.entities if e.text == "جانسن" and e.english != "Boris Johnson"]


# --- session 6: from the new-user trial ---

@pytest.mark.parametrize("text, want, absent", [
    ("استخدمت روسيا اليوم الثلاثاء حق النقض ضد مشروع القرار.", ("روسيا", "Russia"), "RT"),
    ("وتجمع المحتجون في ميدان سيمون بوليفار بالقاهرة.", ("بالقاهرة", "Cairo"), "Medan"),
    ("ونقلت وكالة الأنباء الإماراتية عن الوزير قوله إن الاتفاق مهم.", ("وكالة الأنباء الإماراتية",
                                                                    "Emirates News Agency"), "Saudi Press Agency"),
])
def test_day_words_squares_and_agency_adjectives(text, want, absent):
    import khabar

    doc = khabar.analyze(text)
    got = {(e.text, e.english) for e in doc.entities}
    assert want in got, got
    assert absent not in {e.english for e in doc.entities}, got


def test_the_channel_keeps_its_name_without_a_weekday():
    import khabar

    doc = khabar.analyze("وقالت قناة روسيا اليوم إن الوفد وصل.")
    assert "RT" in {e.english for e in doc.entities}

"""NER stage: accuracy floor of the shipped model on the ANERcorp CAMeL test split, conlleval scoring rules, and
behaviour of ``tag()`` on small hand-written sentences (offsets, labels, robustness)."""
from __future__ import annotations

import pytest

from khabar.document import Document
from khabar.eval.ner import chunks, score
from khabar.ner.features import sent_features, stems
from khabar.ner.tagger import tag
from khabar.text.segment import segment

FLOOR_MICRO_F1 = 74.0  # default mode (BiLSTM-CRF alone, KB gazetteer, boundary rules) measured 74.43 on
# ANERCorp_CamelLab_test.txt in session 6 (the session-5 default, the CRF, 73.24: below it)
FLOOR_ACCURATE_F1 = 75.3  # KHABAR_NER=accurate (CRF + two BiLSTM-CRFs) measured 75.67 (session 5: 74.84, below it)
FLOOR_CRF_F1 = 73.3  # KHABAR_NER=crf (the CRF alone, with the KB gazetteer classes) measured 73.56 (without: 73.24)


def _tag(text: str) -> Document:
    return tag(segment(Document(text=text)))


def test_shipped_model_meets_floor_on_camel_test(shared, monkeypatch):
    from khabar.eval.ner import evaluate

    monkeypatch.delenv("KHABAR_NER", raising=False)  # the default mode

    path = shared / "ner/anercorp/ANERCorp_CamelLab_test.txt"
    if not path.is_file():
        pytest.skip("ANERcorp CAMeL test split not present in ../shared/data")
    res = evaluate(path)
    assert res["tokens"] == 25008
    assert res["micro_f1"] >= FLOOR_MICRO_F1, res
    assert set(res["per_type"]) == {"PER", "LOC", "ORG", "MISC"}
    assert 0 <= res["macro_f1"] <= 100


def test_accurate_mode_meets_its_floor_on_camel_test(shared, monkeypatch):
    from khabar.eval.ner import evaluate
    from khabar.ner import tagger

    path = shared / "ner/anercorp/ANERCorp_CamelLab_test.txt"
    if not path.is_file():
        pytest.skip("ANERcorp CAMeL test split not present in ../shared/data")
    if not tagger.NEURAL_MODEL.is_file():
        pytest.fail(f"the accurate-mode model {tagger.NEURAL_MODEL.name} is not shipped")
    monkeypatch.setenv("KHABAR_NER", "accurate")
    assert tagger.accurate_mode()
    res = evaluate(path)
    assert res["micro_f1"] >= FLOOR_ACCURATE_F1, res
    monkeypatch.setenv("KHABAR_NER", "fast")
    assert not tagger.accurate_mode()


def test_crf_mode_meets_its_floor_on_camel_test(shared, monkeypatch):
    from khabar.eval.ner import evaluate
    from khabar.ner import tagger

    path = shared / "ner/anercorp/ANERCorp_CamelLab_test.txt"
    if not path.is_file():
        pytest.skip("ANERcorp CAMeL test split not present in ../shared/data")
    monkeypatch.setenv("KHABAR_NER", "crf")
    assert tagger.ner_mode() == "crf"
    res = evaluate(path)
    assert res["micro_f1"] >= FLOOR_CRF_F1, res


def test_chunks_follow_conlleval_rules():
    assert chunks(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == {(0, 2, "PER"), (3, 4, "LOC"),
                                                                        (4, 5, "LOC"), (5, 6, "ORG")}
    s = score([["B-PERS", "I-PERS", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-GPE"]])
    assert s["micro_f1"] == 100.0 and s["per_type"]["PER"]["support"] == 1
    s = score([["B-PERS", "I-PERS", "O"]], [["B-PER", "O", "O"]])  # boundary error: no credit
    assert s["micro_f1"] == 0.0 and s["precision"] == 0.0


def test_person_and_place_with_offsets():
    text = "وقال الرئيس الأمريكي جو بايدن في واشنطن إن المحادثات ستستمر."
    doc = _tag(text)
    labels = {(e.text, e.label) for e in doc.entities}
    assert ("جو بايدن", "PER") in labels
    assert any(e.text == "واشنطن" and e.label in ("GPE", "LOC") for e in doc.entities)
    for e in doc.entities:
        assert text[e.start:e.end] == e.text
        assert e.label in {"PER", "ORG", "LOC", "GPE", "MISC"}


def test_country_is_gpe_and_org_found():
    doc = _tag("أعلن متحدث باسم الأمم المتحدة أن وفدا من روسيا سيزور القاهرة الأسبوع المقبل.")
    by_text = {e.text: e.label for e in doc.entities}
    assert by_text.get("روسيا") == "GPE"
    assert by_text.get("القاهرة") == "GPE"
    assert by_text.get("الأمم المتحدة") == "ORG"


def test_clitic_attached_entity_keeps_token_offsets():
    text = "وصل الوفد إلى بيروت وبغداد أمس."
    doc = _tag(text)
    ents = {e.text for e in doc.entities}
    assert "بيروت" in ents
    assert "وبغداد" in ents  # the proclitic stays inside the token's span


def test_no_entities_in_plain_sentence_and_never_raises():
    doc = _tag("ارتفعت درجات الحرارة اليوم بشكل ملحوظ.")
    assert doc.entities == []
    for text in ["", "   ", "Hello world only Latin.", "،،، ؟؟ ...", "ب" * 5000, "كلمة " * 3000]:
        _tag(text)  # must not raise


def test_features_are_deterministic_and_clitic_aware():
    toks = ["(وبالقاهرة", "ذهب", "Kyiv"]
    f1, f2 = sent_features(toks), sent_features(toks)
    assert f1 == f2 and len(f1) == 3
    assert "st=قاهره" in f1[0] and "pu=1" in f1[0]
    assert "sh=LCAP" in f1[2]
    assert "قاهره" in stems("وبالقاهره")


def test_subtypes_and_latin_place_names():
    from khabar.ner.tagger import SUB_MODEL

    doc = _tag("وصل وزير الخارجية إلى Moscow قادما من الأردن بعد لقاء مع الرئيس الفرنسي إيمانويل ماكرون.")
    by_text = {e.text: e for e in doc.entities}
    assert "Moscow" in by_text and by_text["Moscow"].label == "GPE"
    assert by_text["الأردن"].label == "GPE"
    if SUB_MODEL.is_file():
        assert by_text["الأردن"].subtype == "Nation"
        per = [e for e in doc.entities if e.label == "PER"]
        assert per and all(e.subtype in {"Politician", "Other_PER", "Athlete", "Artist", "Religious_PER",
                                         "Scientist", "Businessperson", "Lawyer", "Engineer", "Police", "Group"}
                           for e in per)


def test_dense_vector_features_use_clitic_stripped_form():
    from khabar.ner.features import Resources

    res = Resources(vectors={"قاهره": (0.5, -0.25)}, vec_scale=2.0)
    feats = sent_features(["وبالقاهرة", "كلمةمجهولة"], res)
    assert isinstance(feats[0], dict) and feats[0]["0:v0"] == 1.0 and feats[0]["0:v1"] == -0.5
    assert feats[0]["w=وبالقاهره"] == 1.0  # the string features keep weight 1
    assert "0:nov" in feats[1] and "0:v0" not in feats[1]
    assert isinstance(sent_features(["كلمة"], Resources())[0], list)  # no vector table: plain string features


def test_shipped_vector_table_matches_cluster_vocabulary():
    from khabar.ner.features import CLUSTERS, VECTORS, load_vectors

    if not VECTORS.is_file():
        pytest.skip("no dense vector table shipped")
    vec = load_vectors(VECTORS)
    assert len(vec) > 50_000
    v = vec["القاهره"]
    assert abs(float((v.astype("float32") ** 2).sum()) - 1.0) < 0.01  # unit-normalised
    with CLUSTERS.open(encoding="utf-8") as f:
        words = [line.split("\t", 1)[0] for line in f if not line.startswith("#")]
    assert set(words[:1000]) <= set(vec)


def test_numpy_decoder_matches_crfsuite():
    import pycrfsuite

    from khabar.ner.features import resources, sent_feature_parts
    from khabar.ner.tagger import MODEL, LinearCRF

    sents = [["قال", "وزير", "الخارجية", "الفرنسي", "جان", "إيف", "لودريان", "في", "باريس", "أمس"],
             ["وأعلنت", "شركة", "أرامكو", "السعودية", "عن", "أرباح", "بلغت", "5", "مليارات", "دولار", "."],
             ["زار", "الأمين", "العام", "للأمم", "المتحدة", "مدينة", "طرابلس", "الليبية"], ["مرحبا"]]
    ref = pycrfsuite.Tagger()
    ref.open(str(MODEL))
    fast = LinearCRF(str(MODEL))
    res = resources()
    for s in sents:
        feats, vecs = sent_feature_parts(s, res)
        assert fast.tag(feats, vecs, res.vec_scale) == ref.tag(sent_features(s, res))


def test_cli_ner_option_switches_the_mode(monkeypatch):
    from khabar import cli
    from khabar.ner import tagger

    monkeypatch.delenv("KHABAR_NER", raising=False)
    assert not tagger.accurate_mode()
    cli._ner_mode(cli.NerMode.accurate)
    assert tagger.accurate_mode()
    cli._ner_mode(cli.NerMode.default)
    assert not tagger.accurate_mode() and tagger.ner_mode() == "default"
    cli._ner_mode(cli.NerMode.crf)
    assert tagger.ner_mode() == "crf"


@pytest.mark.parametrize("value, mode", [("", "default"), ("accurate", "accurate"), (" CRF ", "crf"),
                                         ("fast", "default"), ("bilstm", "default")])
def test_ner_mode_reads_the_environment(monkeypatch, value, mode):
    from khabar.ner import tagger

    monkeypatch.setenv("KHABAR_NER", value)
    assert tagger.ner_mode() == mode


def test_gazetteer_carries_the_knowledge_base_names_as_classes_of_their_own(shared, tmp_path):
    from khabar.kb.store import KB_PATH
    from khabar.ner.features import load_resources
    from khabar.ner.train import build_gazetteer, kb_gazetteer_rows

    if not KB_PATH.is_file():
        pytest.skip("kb.sqlite not built")
    rows = kb_gazetteer_rows()
    assert ("بان كي مون", "KPER") in rows and ("الأمم المتحدة", "KORG") in rows
    assert {c for _, c in rows} <= {"KPER", "KORG", "KGPE", "KLOC"}
    assert kb_gazetteer_rows(tmp_path / "absent.sqlite") == set()
    if not (shared / "kb/countries.json").is_file():
        pytest.skip("staged KB sources not present")
    out = tmp_path / "gaz.tsv"
    counts = build_gazetteer(shared, out)
    assert counts["KPER"] > 1000 and counts["PER"] > 1000
    res = load_resources(out, tmp_path / "none.tsv", tmp_path / "none.tsv", vectors=None)
    from khabar.text.normalize import normalize

    assert "KPER" in res.gazn[tuple(normalize("بان كي مون").split())]


# --- session 4: mention boundaries on fresh news (khabar.ner.boundaries, data/lexicons/ner_boundaries.tsv) ---

@pytest.mark.parametrize("text, expected, absent", [
    ("وقال الكولونيل روبرت مانينغ للصحفيين إن الجيش مستعد.", ("روبرت مانينغ", "PER"), "الكولونيل روبرت مانينغ"),
    ("ورحب رئيسها صقر الغوطاني بالوفد.", ("صقر الغوطاني", "PER"), "رئيسها صقر الغوطاني"),
    ("وتناول مجلس الشيوخ ترشيح بريت كافانو للمحكمة العليا.", ("بريت كافانو", "PER"), "ترشيح بريت كافانو"),
    ("وقال معاون بالكونجرس إن التصويت سيتأجل.", ("بالكونجرس", "ORG"), "معاون بالكونجرس"),
    ("وصرح مبعوث الأمم المتحدة إلى سوريا بأن المحادثات ستستأنف.", ("الأمم المتحدة", "ORG"), "مبعوث"),
    ("وتحدثت جينا هاسبل أمام اللجنة.", ("جينا هاسبل", "PER"), "هاسبل"),
    ("وشن طيران لنظام الأسد غارات على المدينة.", ("الأسد", "PER"), None),
    ("قتل خمسة مدنيين في محافظة حمص وسط سوريا.", ("محافظة حمص", "GPE"), "حمص"),
    ("وقال محافظ Bank of England إن التضخم سيرتفع.", None, "محافظ Bank"),
    ("وذكرت وكالة Reuters أن الاجتماع انتهى.", ("Reuters", "ORG"), "وكالة Reuters"),
    ("دبي، الإمارات العربية المتحدة (CNN) -- أعلن الوفد أنه سيصل غدا.", ("CNN", "ORG"), None),
    ("وقال مصدران لرويترز إن المحادثات ستستأنف.", None, "مصدران"),
])
def test_mention_boundaries_on_news_sentences(text, expected, absent):
    got = {(e.text, e.label) for e in _tag(text).entities}
    if expected:
        assert expected in got, got
    if absent:
        assert all(t != absent for t, _ in got), got


def test_coordinated_persons_are_two_mentions():
    got = [e.text for e in _tag("التقى الوزير بالفنانين وليد فواز ومي سليم في القاهرة.").entities]
    assert "وليد فواز" in got and "ومي سليم" in got and "وليد فواز ومي سليم" not in got


def test_boundary_rules_on_given_tags():
    from khabar.ner.boundaries import fix

    w = ["أشاد", "المدرب", "بنجم", "ليفربول", "صلاح", "بعد", "المباراة"]
    assert fix(w, ["O", "O", "B-PER", "I-PER", "I-PER", "O", "O"]) == ["O", "O", "O", "B-ORG", "B-PER", "O", "O"]
    w = ["قال", "الأمين", "العام", "للأمم", "المتحدة", "إن"]
    assert fix(w, ["O", "B-PER", "I-PER", "I-PER", "I-PER", "O"]) == ["O", "O", "O", "B-ORG", "I-ORG", "O"]
    w = ["التقى", "مغني", "الراب", "سامر", "نجيب", "أمس"]  # occupation + genre before a singer's name
    assert fix(w, ["O", "B-PER", "I-PER", "I-PER", "I-PER", "O"]) == ["O", "O", "O", "B-PER", "I-PER", "O"]
    w = ["في", "بلدة", "بئر", "الغنم", "،", "قرب", "عين", "في"]  # a place head alone takes the next word
    assert fix(w, ["O", "O", "B-LOC", "O", "O", "O", "B-LOC", "O"]) == ["O", "O", "B-LOC", "I-LOC", "O", "O",
                                                                        "B-LOC", "O"]
    w = ["لاعب", "كرة", "القدم", "الشهير"]  # a word never a name on its own
    assert fix(w, ["O", "O", "B-LOC", "O"]) == ["O", "O", "O", "O"]
    assert fix(["في", "حي", "القدم", "بدمشق"], ["O", "O", "B-LOC", "O"])[2] == "B-LOC"  # the district stays
    w = ["أكد", "نجم", "برشلونة", "أمس"]
    assert fix(w, ["O", "O", "B-LOC", "O"]) == ["O", "O", "B-ORG", "O"]
    w = ["في", "محافظة", "حمص"]
    assert fix(w, ["O", "O", "B-LOC"]) == ["O", "O", "B-LOC"]  # ANERcorp convention: head left out
    assert fix(w, ["O", "O", "B-LOC"], admin=True) == ["O", "B-LOC", "I-LOC"]  # the stage keeps the governorate
    assert fix([], []) == [] and fix(["x"], ["I-PER"]) == ["B-PER"]
    assert fix(["a", "b"], ["O"]) == ["O"]  # mismatched lengths: returned unchanged


def test_club_names_apposition_and_surnames_on_given_tags():
    from khabar.ner.boundaries import fix

    w = ["فاز", "على", "مضيفه", "ستيوا", "بوخارست", "بثلاثة", "أهداف"]  # club named after its city
    assert fix(w, ["O", "O", "O", "O", "B-LOC", "O", "O"]) == ["O", "O", "O", "B-ORG", "I-ORG", "O", "O"]
    w = ["تأهل", "مانشستر", "يونايتد", "وليون", "إلى", "الدور", "الثاني"]
    assert fix(w, ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O"]) == ["O", "B-ORG", "I-ORG", "B-ORG", "O", "O", "O"]
    w = ["التقى", "هاشمي", "سماري", "موفد", "الرئيس"]
    assert fix(w, ["O", "B-PER", "I-PER", "I-PER", "O"]) == ["O", "B-PER", "I-PER", "O", "O"]
    w = ["أهداف", "للبرازيلي", "رونالدينيو", "في", "المباراة"]
    assert fix(w, ["O", "B-PER", "I-PER", "O", "O"]) == ["O", "O", "B-PER", "O", "O"]
    w = ["افتتح", "المطار", "بمحافظة", "ظفار"]
    assert fix(w, ["O", "O", "O", "B-LOC"], admin=True) == ["O", "O", "B-LOC", "I-LOC"]
    for w in (["سجل", "كيني", "ميلر"], ["سجل", "إسماعيل", "مغربي"],  # first name / surname, not nationality
              ["قالت", "كريستين", "بلاسي"]):  # ب opens a surname here, not a second person
        assert fix(w, ["O", "B-PER", "I-PER"]) == ["O", "B-PER", "I-PER"]


# --- session 4, part 2: multi-word KB / institution names as one mention (khabar.ner.kbspans) ---

@pytest.mark.parametrize("text, expected", [
    ("وأعلنت قوات سوريا الديمقراطية أن مقاتليها سيطروا على قرية جديدة.", ("قوات سوريا الديمقراطية", "ORG")),
    ("وقالت وزارة الخارجية الأمريكية في بيان إن الوفد سيصل الأحد.", ("وزارة الخارجية الأمريكية", "ORG")),
    ("وصوت مجلس النواب على مشروع القانون بعد جلسة طويلة.", ("مجلس النواب", "ORG")),
    ("وأكد رئيس مجلس النواب العراقي أن الجلسة ستعقد غدا.", ("مجلس النواب العراقي", "ORG")),
    ("وصل الأمير إلى منطقة تبوك صباح اليوم لافتتاح المشروع.", ("منطقة تبوك", "GPE")),
    ("وضبطت دوريات حرس الحدود قاربا قرب الساحل.", ("حرس الحدود", "ORG")),
])
def test_multiword_institutions_are_one_mention(text, expected):
    got = {(e.text, e.label) for e in _tag(text).entities}
    assert expected in got, got
    inner = expected[0].split()
    assert not any(t in inner for t, _ in got), got  # no piece of the name left as a mention of its own


def test_kb_spans_on_given_tags_and_guards():
    from khabar.ner.kbspans import mark

    w = ["وقال", "مراسل", "بي", "بي", "سي", "إن", "الوضع", "هادئ"]  # the tagger split the broadcaster
    assert mark(w, ["O", "O", "B-ORG", "B-PER", "I-PER", "O", "O", "O"]) == \
        ["O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O"]
    w = ["وصل", "إلى", "منطقة", "تبوك"]
    assert mark(w, ["O", "O", "O", "B-LOC"]) == ["O", "O", "O", "B-LOC"]  # ANERcorp convention: head left out
    assert mark(w, ["O", "O", "O", "B-LOC"], stage=True) == ["O", "O", "B-LOC", "I-LOC"]
    # only the complement of a preposition was tagged: the country keeps its own mention
    w = ["دعم", "التحالف", "العربي", "لدعم", "الشرعية", "في", "اليمن", "القوات"]
    t = ["O", "O", "O", "O", "O", "O", "B-LOC", "O"]
    assert mark(w, t) == t
    # a mention crossing the name's edge is left alone
    w = ["وقالت", "وزارة", "الخارجية", "الأمريكية", "جون", "كيري"]
    t = ["O", "O", "O", "B-PER", "I-PER", "I-PER"]
    assert mark(w, t) == t
    # a person glued to the broadcaster's name: cut at the proclitic
    w = ["يقول", "سمير", "لبي", "بي", "سي", "إنه"]
    assert mark(w, ["O", "B-PER", "I-PER", "I-PER", "I-PER", "O"]) == ["O", "B-PER", "B-ORG", "I-ORG", "I-ORG", "O"]
    # a listed institution + a nationality the KB does not list with it: left to the linker / event coder
    w = ["خطف", "وكيل", "وزارة", "النقل", "الفلسطينية", "أمس"]
    assert mark(w, ["O"] * 6) == ["O"] * 6
    assert mark(w[:4] + ["أمس"], ["O"] * 5) == ["O", "O", "B-ORG", "I-ORG", "O"]
    assert mark([], []) == [] and mark(["a", "b"], ["O"]) == ["O"]


def test_hashtag_inside_a_name_does_not_split_it():
    from khabar.ner.boundaries import fix
    words = ["قال", "الرئيس", "بنيامين", "#", "نتنياهو", "إن"]
    assert fix(words, ["O", "O", "B-PER", "O", "B-PER", "O"]) == ["O", "O", "B-PER", "I-PER", "I-PER", "O"]
    # a hashtag between a person and a place is left alone
    assert fix(words, ["O", "O", "B-PER", "O", "B-LOC", "O"])[3] == "O"


# --- session 6: pieces of names the BiLSTM-CRF splits, and punctuation at mention edges (khabar.ner.boundaries) ---

def test_name_particles_hyphens_hashtags_and_symbols_at_the_edges():
    from khabar.ner.boundaries import fix

    w = "قال جان - إيف لو دريان إن".split()
    assert fix(w, ["O", "B-PER", "O", "B-PER", "O", "B-PER", "O"]) == ["O", "B-PER", "I-PER", "I-PER", "I-PER",
                                                                     "I-PER", "O"]
    w = "قمة ترامب - بوتين في هلسنكي".split()  # two persons, not one compound name
    assert fix(w, ["O", "B-PER", "O", "B-PER", "O", "B-LOC"]) == ["O", "B-PER", "O", "B-PER", "O", "B-LOC"]
    w = "التقى ستافان دي ميستورا الوفد".split()
    assert fix(w, ["O", "B-PER", "O", "B-PER", "O"]) == ["O", "B-PER", "I-PER", "I-PER", "O"]
    w = "لدي ماهر لدي سامي".split()  # a particle only as a bare word
    assert fix(w, ["O", "B-PER", "O", "B-PER"]) == ["O", "B-PER", "O", "B-PER"]
    w = "وقال القيادي # صالح _ مسلم إن".split()
    assert fix(w, ["O", "O", "B-PER", "I-PER", "I-PER", "O", "O"]) == ["O", "O", "O", "B-PER", "I-PER", "I-PER", "O"]
    w = "وصل محمد بن سلمان 🔥 إلى".split()
    assert fix(w, ["O", "B-PER", "I-PER", "I-PER", "I-PER", "O"]) == ["O", "B-PER", "I-PER", "I-PER", "O", "O"]
    w = "وقال الناشط توني صبري إن".split()
    assert fix(w, ["O", "B-PER", "B-PER", "I-PER", "O"]) == ["O", "O", "B-PER", "I-PER", "O"]

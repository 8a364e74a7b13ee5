"""Behaviour tests of the Arabic temporal tagger (khabar.time.tagger) and its dev-set floor.

Hand-written short phrases; publication date fixed at 2025-02-18 (a Tuesday, ISO week 2025-W08).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.document import Document
from khabar.time.tagger import NEEDS_PUB, find_timexes, tag_timexes

PUB = "2025-02-18"


def one(text: str, pub: str | None = PUB):
    """The single timex found in ``text`` (fails if not exactly one)."""
    found = find_timexes(text, pub)
    assert len(found) == 1, [(t.text, t.value) for t in found]
    t = found[0]
    assert text[t.start:t.end] == t.text
    return t


def vals(text: str, pub: str | None = PUB) -> list[str | None]:
    return [t.value for t in find_timexes(text, pub)]


# ---------------------------------------------------------------- weekdays and relative days
@pytest.mark.parametrize("text,value", [
    ("اجتمع الوزيران يوم الاثنين في جنيف", "2025-02-17"),
    ("وصل الوفد الأحد إلى القاهرة", "2025-02-16"),
    ("قال المتحدث الثلاثاء إن المحادثات مستمرة", "2025-02-18"),      # same weekday as pub → pub day
    ("عقد الاجتماع الثلاثاء الماضي", "2025-02-11"),                 # الماضي → strictly before
    ("ستعقد الجولة المقبلة يوم الخميس", "2025-02-20"),              # future verb (سـ)
    ("من المقرر أن يصل الرئيس الجمعة", "2025-02-21"),               # future cue من المقرر
    ("تبدأ الانتخابات الأحد المقبل", "2025-02-23"),
    ("والاثنين الماضي أعلن الجيش", "2025-02-17"),                   # clitic و
    ("الجمعة الماضية شهدت المدينة احتجاجات", "2025-02-14"),
])
def test_weekdays(text, value):
    t = one(text)
    assert t.type == "DATE" and t.value == value and t.anchor == "pub_date"


def test_weekday_span_excludes_clitic_and_includes_yawm():
    t = one("وفي يوم الأربعاء عاد الفريق")
    assert t.text == "يوم الأربعاء" and t.value == "2025-02-12"


def test_weekday_not_a_date_when_it_means_the_two():
    assert find_timexes("العلاقة جيدة بين الاثنين", PUB) == []
    assert find_timexes("أدى المصلون صلاة الجمعة في المسجد", PUB) == []


@pytest.mark.parametrize("text,value,typ", [
    ("أعلنت الوزارة اليوم نتائج الامتحانات", "2025-02-18", "DATE"),
    ("وقع الانفجار أمس قرب السوق", "2025-02-17", "DATE"),
    ("وقع الانفجار بالأمس قرب السوق", "2025-02-17", "DATE"),
    ("وصل أول أمس إلى بغداد", "2025-02-16", "DATE"),
    ("يصل الوفد غدًا إلى الرياض", "2025-02-19", "DATE"),
    ("قال اليوم الثلاثاء إن", "2025-02-18", "DATE"),
    ("أمس الاثنين أعلن", "2025-02-17", "DATE"),
    ("صباح اليوم اندلع حريق", "2025-02-18TMO", "TIME"),
    ("مساء أمس اندلع حريق", "2025-02-17TEV", "TIME"),
    ("مساء الأحد وصلت الطائرة", "2025-02-16TEV", "TIME"),
])
def test_relative_days(text, value, typ):
    t = one(text)
    assert (t.value, t.type) == (value, typ)


def test_today_as_part_of_a_name_is_not_a_date():
    assert find_timexes("احتفل العالم باليوم العالمي للمرأة", PUB) == []
    assert find_timexes("وفي اليوم التالي غادر الوفد", PUB) == []


# ---------------------------------------------------------------- calendar units
@pytest.mark.parametrize("text,value", [
    ("وفي الأسبوع الماضي قال الوزير", "2025-W07"),
    ("يزور الرئيس باريس الأسبوع المقبل", "2025-W09"),
    ("ارتفعت الأسعار هذا الأسبوع", "2025-W08"),
    ("تراجعت الصادرات الشهر الماضي", "2025-01"),
    ("تجرى الانتخابات الشهر المقبل", "2025-03"),
    ("زاد النمو العام الماضي", "2024"),
    ("تنتهي الولاية في السنة المقبلة", "2026"),
    ("ارتفع الدين خلال العام الجاري", "2025"),
    ("قرار لهذا العام", "2025"),
    ("رفع الأسعار للشهر الجاري", "2025-02"),
])
def test_calendar_relative(text, value):
    t = one(text)
    assert t.value == value and t.anchor == "pub_date"


# ---------------------------------------------------------------- منذ / قبل / بعد + durations
@pytest.mark.parametrize("text,value,approx", [
    ("بدأ النزاع منذ عامين", "2023", False),
    ("بدأت الأزمة منذ ما يقرب من ثلاثة أعوام", "2022", True),
    ("وقع الهجوم قبل يومين", "2025-02-16", False),
    ("عاد قبل أسبوعين تقريبا", "2025-W06", True),
    ("قتل قبل نحو خمسة أشهر", "2024-09", True),
    ("أعلن قبل 10 سنوات", "2015", False),
    ("يعود بعد ثلاثة أيام", "2025-02-21", False),
    ("انطلقت منذ قرابة شهرين", "2024-12", True),
])
def test_ago_and_after(text, value, approx):
    t = one(text)
    assert t.type == "DATE" and t.value == value and t.approximate is approx


def test_after_n_days_of_an_event_is_a_duration():
    t = one("استقال بعد ثلاثة أيام من الانتخابات")
    assert (t.text, t.type, t.value) == ("ثلاثة أيام", "DURATION", "P3D")


@pytest.mark.parametrize("text,value,approx", [
    ("سجن ثلاث سنوات", "P3Y", False),
    ("قضى تقريبًا ثلاث سنوات في المنفى", "P3Y", True),
    ("استمرت المفاوضات يومين", "P2D", False),
    ("استمر الحصار عامين كاملين", "P2Y", False),
    ("حكم عليه بالسجن لمدة شهرين", "P2M", False),
    ("توقف العمل نحو أسبوعين", "P2W", True),
    ("استمرت الرحلة حوالي 24 ساعة", "PT24H", True),
    ("يبلغ من العمر 45 عاما", "P45Y", False),
    ("عاش خمسة وعشرين عاما في لندن", "P25Y", False),
    ("تابعهم 8 سنوات ونصف السنة", "P8Y6M", False),
    ("خلال السنوات الخمس المقبلة", "P5Y", False),
    ("استمرت المعركة عقدين", "P20Y", False),
])
def test_durations(text, value, approx):
    t = one(text)
    assert t.type == "DURATION" and t.value == value and t.approximate is approx and t.anchor == "absolute"


def test_tanween_does_not_break_offsets():
    text = "غاب عن الملاعب تقريبًا ثلاثةَ أشهرٍ ثم عاد"
    t = one(text)
    assert t.text == "تقريبًا ثلاثةَ أشهرٍ" and t.value == "P3M" and t.approximate


# ---------------------------------------------------------------- months, years, seasons
@pytest.mark.parametrize("text,value", [
    ("وقع الاتفاق في فبراير 2022", "2022-02"),
    ("في 3 مارس/آذار 2019 وقع", "2019-03-03"),
    ("في كانون الثاني 2024", "2024-01"),
    ("جرت في 12 تشرين الأول/أكتوبر 2020", "2020-10-12"),
    ("في جانفي 2020 قررت الحكومة", "2020-01"),
    ("منذ 5 جويلية 1962", "1962-07-05"),
    ("عاد في أوت 2019", "2019-08"),
    ("في الخامس من حزيران 1967", "1967-06-05"),
    ("في الأول من يناير", "2025-01-01"),
    ("ديسمبر الماضي", "2024-12"),
    ("مايو المقبل", "2025-05"),
    ("فبراير الماضي", "2024-02"),
    ("شهر مارس الجاري", "2025-03"),
    ("في عام 2022 فاز", "2022"),
    ("لعام 2019 أعلن", "2019"),
    ("خريف 2022 بدأ", "2022-FA"),
    ("خريف عام 2022 بدأ", "2022-FA"),
    ("الصيف الماضي زار", "2024-SU"),
    ("شتاء 2021", "2021-WI"),
])
def test_months_years_seasons(text, value):
    assert vals(text) == [value]


def test_month_without_year_takes_the_nearest_year():
    assert vals("في ديسمبر قالت الحكومة") == ["2024-12"]   # 2 months back beats 10 ahead
    assert vals("في يونيو ستجرى القمة") == ["2025-06"]


def test_verb_homograph_of_a_month_is_not_a_month():
    assert find_timexes("مارس الضغط على الحكومة", PUB) == []
    assert vals("في مارس وقع الاتفاق") == ["2025-03"]


def test_bare_years_need_context():
    assert vals("منذ 2011 والبلاد في أزمة") == ["2011"]
    assert vals("بين 2019 و2020 تسلم") == ["2019", "2020"]
    assert find_timexes("قتل 2000 شخص في الهجوم", PUB) == []


def test_year_range():
    ts = find_timexes("في موسم 2017-2018 فاز الفريق", PUB)
    assert [(t.text, t.value) for t in ts] == [("2017", "2017"), ("2018", "2018")]
    assert ts[0].note == "range start"


def test_day_range_gives_two_timexes():
    ts = find_timexes("تعقد الدورة بين 13 و18 فبراير", PUB)
    assert [(t.text, t.value) for t in ts] == [("13", "2025-02-13"), ("18 فبراير", "2025-02-18")]


# ---------------------------------------------------------------- numeric and Hijri dates
@pytest.mark.parametrize("text,value", [
    ("بتاريخ 18/2/2025 صدر القرار", "2025-02-18"),
    ("بتاريخ ١٨/٢/٢٠٢٥ صدر القرار", "2025-02-18"),
    ("بتاريخ 2025-02-18 صدر القرار", "2025-02-18"),
    ("في ٣ مارس ٢٠٢٤", "2024-03-03"),
])
def test_numeric_dates(text, value):
    assert vals(text) == [value]


def test_invalid_numeric_date_is_ignored():
    assert find_timexes("الرقم 32/13/2020 غير صحيح", PUB) == []


@pytest.mark.parametrize("text,value", [
    ("في 19 شعبان 1446 هـ", "2025-02-18"),
    ("في 1 رمضان 1446 هجري", "2025-03-01"),
    ("في 10 ذو الحجة 1445 هـ", "2024-06-16"),
    ("خلال شهر رمضان 1439", "2018-05"),
])
def test_hijri(text, value):
    t = one(text)
    assert t.value == value and t.type == "DATE"


def test_hijri_name_homographs_need_context():
    assert find_timexes("قال طارق رمضان إن", PUB) == []
    assert find_timexes("فاز الفريق بنتيجة واحد مقابل صفر", PUB) == []


# ---------------------------------------------------------------- times, sets, decades
def test_time_attached_to_date():
    ts = find_timexes("الساعة العاشرة صباحا يوم الأحد", PUB)
    assert [(t.type, t.value) for t in ts] == [("TIME", "2025-02-16T10:00"), ("DATE", "2025-02-16")]


def test_clock_time_without_date():
    t = one("يبدأ العرض الساعة 9:30 مساء")
    assert (t.type, t.value) == ("TIME", "XXXX-XX-XXT21:30")


@pytest.mark.parametrize("text,value", [
    ("تعقد الدورة كل أربع سنوات", "P4Y"),
    ("يصدر التقرير سنويا", "P1Y"),
    ("يزوره يوميا", "P1D"),
    ("يجتمع كل يوم جمعة", "XXXX-WXX-5"),
])
def test_sets(text, value):
    t = one(text)
    assert (t.type, t.value) == ("SET", value)


@pytest.mark.parametrize("text,value", [
    ("في الثمانينيات من القرن الماضي", "198"),
    ("في تسعينيات القرن الماضي", "199"),
    ("في القرن العشرين", "19"),
])
def test_decades_centuries(text, value):
    assert vals(text) == [value]


@pytest.mark.parametrize("text,value", [
    ("نما الاقتصاد في الربع الثالث من العام الماضي", "2024-Q3"),
    ("تراجعت الأرباح في النصف الأول من 2023", "2023-H1"),
    ("في الربع الأخير من العام الجاري", "2025-Q4"),
    ("في الربع الرابع من السنة", "2024-Q4"),      # not begun yet in February → last year's
    ("بني المعبد عام 1250 قبل الميلاد", "BC1250"),
])
def test_quarters_halves_bc(text, value):
    assert vals(text) == [value]


def test_future_cue_yakun():
    assert vals("من المفترض أن يكون يوم الأحد عطلة") == ["2025-02-23"]


# ---------------------------------------------------------------- without a publication date
def test_without_pub_date_relative_is_null_absolute_resolved():
    ts = find_timexes("يوم الاثنين وفي فبراير 2022 والعام الماضي ومنذ عامين", None)
    assert [t.value for t in ts] == [None, "2022-02", None, None]
    rel = [t for t in ts if t.value is None]
    assert all(t.anchor == "pub_date" and t.note == NEEDS_PUB for t in rel)
    assert ts[1].anchor == "absolute" and ts[1].note is None


def test_tag_timexes_document_entry():
    doc = Document(text="قال الوزير الثلاثاء إن الاتفاق وقع في فبراير 2022.", pub_date=PUB)
    out = tag_timexes(doc)
    assert out is doc
    assert [(t.text, t.value) for t in doc.timexes] == [("الثلاثاء", "2025-02-18"), ("فبراير 2022", "2022-02")]
    for t in doc.timexes:
        assert doc.text[t.start:t.end] == t.text


@pytest.mark.parametrize("text", ["", "abc", "\x00\ufffd", "ـــ", "ً" * 50, "12/12", "1 1 1 1", "عام", "منذ"])
def test_never_raises(text):
    doc = tag_timexes(Document(text=text, pub_date=None))
    assert isinstance(doc.timexes, list)
    assert isinstance(find_timexes(text, "not a date"), list)


# ---------------------------------------------------------------- evaluation floors (staged data needed)
def _shared() -> Path | None:
    from khabar.paths import shared_data
    return shared_data(required=False)


def test_dev_set_floor():
    if _shared() is None:
        pytest.skip("../shared/data not present")
    from khabar.eval.timex import evaluate
    r = evaluate()
    assert r["n_gold"] >= 300 and r["n_articles"] >= 60
    assert r["span_f1"] >= 90
    assert r["value_accuracy"] >= 93


def test_seed_required_dates():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed"
    if _shared() is None or not (seed / "gold.json").is_file():
        pytest.skip("../shared/data not present")
    text = next(seed.glob("000_*.txt")).read_text(encoding="utf-8")
    gold = json.loads((seed / "gold.json").read_text(encoding="utf-8"))
    found = find_timexes(text, gold.get("pub_date") or "2025-02-18")
    for g in gold["dates"]:
        i = text.find(g["text"])
        assert i >= 0
        hit = [t for t in found if t.start < i + len(g["text"]) and i < t.end]
        assert hit and hit[0].value == g["value"], (g, [(t.text, t.value) for t in hit])


@pytest.mark.parametrize("text,value", [("عين في نيسان/أبريل2015 مبعوثا", "2015-04"),
                                        ("وفي 5 مايو2017 غادر", "2017-05-05")])
def test_month_glued_to_its_year(text, value):
    # noisy text drops the space between a month name and its year; the year must not be lost
    tx = find_timexes(text, "2018-08-13")
    assert [t.value for t in tx] == [value]


@pytest.mark.parametrize("text,pub,value", [
    ("وصل الوفد اليوم الجمعة إلى العاصمة.", "2015-07-25", "2015-07-24"),  # paper dated Saturday
    ("وقع الانفجار أمس الخميس قرب السوق.", "2015-07-25", "2015-07-23"),
    ("وصل الوفد اليوم الجمعة إلى العاصمة.", "2015-07-24", "2015-07-24"),
    ("وصل الوفد اليوم.", "2015-07-25", "2015-07-25"),
    # a weekday more than a day off contradicts أمس / غدا: the offset's day stays (never a future "yesterday")
    ("قتل ثلاثة جنود أمس الأحد.", "2024-03-01", "2024-02-29"),
    ("سيزور الرئيس بغداد غدا الأربعاء.", "2024-03-01", "2024-03-02"),
])
def test_a_named_weekday_after_today_or_yesterday_wins(text, pub, value):
    assert [t.value for t in find_timexes(text, pub)] == [value]


def test_an_indefinite_weekday_word_after_today_is_not_a_weekday():
    # أحد is also "one": "اليوم أحد أهم …" is "today is one of the most …"
    assert [t.value for t in find_timexes("ويعد اليوم أحد أهم المواسم.", "2018-06-04")] == ["2018-06-04"]


def test_a_past_clause_opener_ends_the_future_reading_of_a_weekday():
    # "it will happen … after he announced on Tuesday": the Tuesday is the past one
    tx = find_timexes("وقال إن ذلك سيحدث بعد أن أعلن الثلاثاء انسحاب بلاده.", "2018-05-10")
    assert [t.value for t in tx] == ["2018-05-08"]

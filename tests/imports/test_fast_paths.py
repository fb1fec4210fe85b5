"""The importer's fast helpers must give exactly what the slower originals give: otherwise an imported
record would get a different duplicate key or search text than the same record saved by a service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from innohub.core.sanitize import clean_html
from innohub.core.text import fold
from innohub.core.validators import validate_tax_code
from innohub.directory import importers
from innohub.directory.indexing import organisation_name_key, organisation_search_text, person_search_text
from innohub.directory.models import Organisation, Person
from innohub.taxonomy.models import Province

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789 .,-&()/'\"\t" + "한국어שלום ñßçÅ\u0301"
texts = st.text(alphabet=ALPHABET, max_size=60)

NAMES = [
    "Công ty Cổ phần Công nghệ Sao Việt",
    "CÔNG TY TNHH MỘT THÀNH VIÊN ĐÔNG Á",
    "Sao Việt JSC",
    "Alpha Co., Ltd",
    "ctcp   Bách   Khoa",
    "Đại học Bách khoa Hà Nội",
    "삼성 Vina",
    "Công ty",
    "",
]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fast_fold_equals_fold(value):
    assert importers.fast_fold(value) == fold(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6))
def test_folding_parts_one_by_one_equals_folding_their_join(parts):
    assert importers.join_folded(importers.fast_fold(p) for p in parts) == fold(
        " ".join(p for p in parts if p)
    )


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fast_name_key_equals_organisation_name_key(value):
    assert importers.fast_name_key(value) == organisation_name_key(value)


def _tax(validate, value):
    try:
        return validate(value)
    except ValidationError as exc:
        return ("error", exc.messages)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=9, max_size=11),
        st.text(alphabet="0123456789 .-٣²", max_size=14),
    )
)
def test_fast_tax_code_equals_validate_tax_code(value):
    assert _tax(importers.fast_tax_code, value) == _tax(validate_tax_code, value)


@pytest.mark.parametrize("value", ["0100109106", "0100686209", "0100109107", "0100000006", "0301452948"])
def test_fast_tax_code_on_real_codes(value):
    assert _tax(importers.fast_tax_code, value) == _tax(validate_tax_code, value)


@pytest.mark.parametrize("name", NAMES)
def test_fast_name_key_on_real_names(name):
    assert importers.fast_name_key(name) == organisation_name_key(name)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + "<>&;=\"'abc/ \n\r\u00a0", max_size=80))
def test_html_shortcut_only_skips_text_the_cleaner_keeps(value):
    if not importers._HTML_SENSITIVE.search(value):
        assert clean_html(value) == value


@pytest.mark.parametrize(
    "url",
    [
        "https://example.vn",
        "http://sub.example.com.vn:8080/path?q=1#top",
        "https://a-b.vn/~x/%20y",
        "https://xn--vit-nam-q3a.vn/",
    ],
)
def test_simple_url_pattern_accepts_only_what_django_accepts(url):
    assert importers._SIMPLE_URL.match(url)
    importers._URL(url)  # raises if Django would refuse it


@pytest.mark.parametrize("url", ["https://a_b.vn", "https://-a.vn", "https://vn", "https://a.vn/ x"])
def test_simple_url_pattern_leaves_doubtful_addresses_to_django(url):
    assert not importers._SIMPLE_URL.match(url)


def test_url_validation_still_refuses_bad_addresses():
    with pytest.raises(ValidationError):
        importers._URL("https://a_b.vn")


@pytest.mark.django_db
def test_index_texts_equal_the_services_index():
    province = Province.objects.get(code="01")
    fields = {
        "name_vi": "Công ty Cổ phần Sao Việt",
        "name_en": "Sao Viet JSC",
        "short_name": "SVJ",
        "tax_code": "0100109106",
        "kind": "incubator",
        "province": province,
        "description_vi": "<p>Ươm tạo <b>khởi nghiệp</b></p>",
        "description_en": "Incubation",
    }
    org = Organisation(**fields)
    expected = organisation_search_text(
        org, sector_names=["Công nghệ thông tin"], tag_names=["AI", "Đổi mới"]
    )
    got = importers.organisation_index_text(
        fields,
        kind_label=str(org.get_kind_display()),
        sector_names=["Công nghệ thông tin"],
        tag_names=["AI", "Đổi mới"],
    )
    assert got == expected

    employer = Organisation(pk=123456, name_vi="Công ty Sao Việt")  # an existing organisation
    person_fields = {
        "full_name": "Nguyễn Thị Ánh",
        "title": "Giám đốc",
        "organisation": employer,
        "bio_vi": "Kỹ sư <i>phần mềm</i>",
        "bio_en": None,
    }
    person = Person(**person_fields)
    assert importers.person_index_text(person_fields, tag_names=["AI"]) == person_search_text(
        person, tag_names=["AI"]
    )


@pytest.mark.django_db
def test_vocabulary_words_equal_the_search_trigger():
    from django.db import connection

    from innohub.core.search import schema

    if connection.vendor != "sqlite":
        pytest.skip("the vocabulary is filled by SQL triggers only on SQLite")
    texts = [
        "cong ty co phan sao viet ai fintech",
        'ky su <i>phan mem</i> "robot" r&d x1 abc- -xyz ab ' + "a" * 33,
        "dong a\\ngan\tto",
        "한국 cong nghe",
        "",
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE vocab_probe (name_key TEXT, search_text TEXT)")
        cursor.executemany("INSERT INTO vocab_probe VALUES (%s, %s)", [("", t) for t in texts])
        cursor.execute(
            schema._sqlite_vocabulary_select(
                schema._sqlite_row_text(("name_key", "search_text"), "t"), from_sql="vocab_probe AS t"
            )
        )
        expected = {r[0] for r in cursor.fetchall()}
        cursor.execute("DROP TABLE vocab_probe")
    assert schema.vocabulary_words(" " + t for t in texts) == expected


@pytest.mark.parametrize("email", ["a@b.vn", "lien.he+1@startup-9.com.vn", "X_Y%z@EXAMPLE.COM"])
def test_simple_email_pattern_accepts_only_what_django_accepts(email):
    from django.core.validators import validate_email

    assert importers._SIMPLE_EMAIL.match(email)
    validate_email(email)


@pytest.mark.parametrize("email", ["a..b@x.vn", ".a@x.vn", "a@x", "a@-x.vn", "a b@x.vn", "an@xn--t.vn_"])
def test_simple_email_pattern_leaves_doubtful_addresses_to_django(email):
    assert not importers._SIMPLE_EMAIL.match(email)

"""The query language, without a database: tokens, expressions, typo candidates."""

from __future__ import annotations

from innohub.core.search.query import (
    Alternative,
    Term,
    choose_corrections,
    correctable,
    edit_distance,
    edits1,
    fts5_expression,
    query_tokens,
    relaxed_terms,
    spelled_as_found,
    strict_terms,
    tsquery_expression,
    typo_kind,
)


def test_tokens_fold_vietnamese_and_keep_hangul():
    assert query_tokens("Đại học  BÁCH-KHOA, Đà Nẵng!") == ["dai", "hoc", "bach", "khoa", "da", "nang"]
    assert query_tokens("서울창업허브 Seoul_Hub") == ["서울창업허브", "seoul", "hub"]
    assert query_tokens("  ,;  ") == []


def test_strict_query_is_whole_words_then_a_prefix():
    terms = strict_terms(["khoi", "ng"])
    assert fts5_expression(terms) == '"khoi" AND "ng"*'
    assert tsquery_expression(terms) == "khoi & ng:*"


def test_relaxed_query_makes_every_word_a_prefix_and_adds_corrections():
    terms = relaxed_terms(["bach", "khao"], {"khao": [Alternative("khoa")]})
    assert terms[1] == Term("khao", prefix=True, alternatives=(Alternative("khoa"),))
    assert fts5_expression(terms) == '"bach"* AND ("khao"* OR "khoa")'
    assert tsquery_expression(terms) == "bach:* & (khao:* | khoa)"


def test_fts5_keywords_in_queries_are_plain_words():
    assert fts5_expression(strict_terms(["or", "not"])) == '"or" AND "not"*'


def test_edit_distance_counts_a_transposition_as_one():
    assert edit_distance("khao", "khoa") == 1
    assert edit_distance("ngheip", "nghiep") == 1
    assert edit_distance("nghiep", "nghip") == 1
    assert edit_distance("bach", "sach") == 1
    assert edit_distance("bach", "khoa") == 4
    assert "khoa" in edits1("khao") and "khao" not in edits1("khao")


def test_only_latin_words_of_reasonable_length_are_corrected():
    assert correctable("khoa")
    assert not correctable("ng")
    assert not correctable("0101234567")
    assert not correctable("서울창업허브")


def test_corrections_prefer_the_likeliest_slip_and_leave_common_words_alone():
    near = {Alternative("khoa"): 300, Alternative("khai"): 400, Alternative("kha"): 2}
    # swapped letters beat a wrong letter; a neighbour not much more common is not added
    assert choose_corrections("khao", 0, near) == [Alternative("khoa")]
    # a far more common neighbour of the same distance is added
    assert choose_corrections("khao", 0, {Alternative("khoa"): 30, Alternative("khai"): 400}) == [
        Alternative("khoa"),
        Alternative("khai"),
    ]
    # a word that is itself common is taken as meant ("bach" is not widened to "sach")
    assert choose_corrections("bach", 120, {Alternative("sach"): 700}) == []
    # too far away
    assert choose_corrections("khao", 0, {Alternative("khoang"): 900}) == []
    # the closest class only; a shorter prefix would match far too much
    assert choose_corrections(
        "ngheip", 0, {Alternative("nghiep", prefix=True): 50, Alternative("nghe"): 900}
    ) == [Alternative("nghiep", prefix=True)]
    assert choose_corrections("khao", 0, {Alternative("kha", prefix=True): 9000}) == []


def test_typo_kinds():
    assert typo_kind("khao", "khoa") == 0
    assert typo_kind("khao", "khai") == 1
    assert typo_kind("khao", "kha") == 2


def test_corrected_words_are_written_as_the_results_write_them():
    texts = ["Công ty Cổ phần Khởi Nghiệp", "Đại học Bách khoa Hà Nội"]
    assert spelled_as_found("bach khoa", texts) == "Bách khoa"
    assert spelled_as_found("dai hoc khoi nghiep", texts) == "Đại học Khởi Nghiệp"  # first form found
    assert spelled_as_found("bach xyz", texts) == "Bách xyz"  # a word no result holds stays folded
    assert spelled_as_found("bach", []) == "bach"
    assert spelled_as_found("ha noi", ["Hà_Nội"]) == "Hà Nội"  # split as the index splits

"""Answers per kind of question, conditional questions, what a submission lacks, and uploaded files
(extension and content, size)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from innohub.core.errors import ValidationFailed
from innohub.programs import answers
from innohub.programs.answers import AnswerError, clean_value
from tests.factories import OrganisationFactory
from tests.programs.calls_helpers import PDF, docx_bytes, upload


def q(
    kind: str,
    key: str = "q",
    *,
    required: bool = False,
    options: dict | None = None,
    condition=None,
    label=None,
):
    """A question as the answer rules see it (no database needed)."""
    return SimpleNamespace(
        key=key,
        kind=kind,
        label=label or key,
        required=required,
        options=options or {},
        condition=condition or {},
    )


CHOICES = {
    "choices": [{"value": "yes", "label_vi": "Có", "label_en": "Yes"}, {"value": "no", "label_vi": "Không"}]
}


# --- options -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("choice", {}),
        ("choice", {"choices": [{"value": "a", "label_vi": "A"}, {"value": "a", "label_vi": "B"}]}),
        ("choice", {"choices": [{"value": "", "label_vi": "A"}]}),
        ("multi_choice", {"choices": [{"value": "a"}]}),
        ("number", {"min": 10, "max": 1}),
        ("number", {"min": "ten"}),
        ("money", {"currency": "EUR"}),
        ("file", {"types": ["exe"]}),
        ("file", {"max_mb": 500}),
        ("file", {"max_files": 0}),
        ("text", {"max_length": 100_000}),
        ("team", {"max": 500}),
        ("date", {"min": "yesterday"}),
        ("text", {"colour": "red"}),
    ],
)
def test_invalid_options_are_refused(kind, options):
    with pytest.raises(ValidationFailed) as exc:
        answers.validate_options(kind, options)
    assert "options" in exc.value.fields


def test_options_are_normalised():
    assert answers.validate_options("file", {"types": [".PDF", "docx"], "max_mb": 5}) == {
        "types": ["pdf", "docx"],
        "max_mb": 5,
        "max_files": 1,
    }
    assert answers.validate_options("money", {"currencies": ["VND", "USD", "VND"]}) == {
        "currencies": ["VND", "USD"]
    }
    assert answers.validate_options("money", {}) == {"currency": "VND"}
    choice = answers.validate_options("choice", {"choices": ["Một", {"value": "2", "label_en": "Two"}]})
    assert choice["choices"] == [
        {"value": "Một", "label_vi": "Một", "label_en": ""},
        {"value": "2", "label_vi": "Two", "label_en": "Two"},
    ]


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        answers.validate_options("hologram", {})
    assert "kind" in exc.value.fields


def test_condition_must_name_another_question_and_not_loop():
    fields = {
        "a": q("choice", "a", options=CHOICES),
        "b": q("text", "b", condition={"field": "c", "equals": "x"}),
    }
    assert answers.validate_condition({"field": "a", "equals": "yes"}, own_key="c", fields=fields) == {
        "field": "a",
        "equals": "yes",
    }
    for bad in (
        {"field": "c", "equals": "x"},  # itself
        {"field": "zzz", "equals": "x"},  # unknown
        {"field": "a"},  # neither equals nor in
        {"field": "a", "equals": 1, "in": [1]},
        {"field": "a", "in": "yes"},
        {"field": "b", "equals": "x"},  # b depends on c: a loop
    ):
        with pytest.raises(ValidationFailed):
            answers.validate_condition(bad, own_key="c", fields=fields)


# --- values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q("text"), "  Lúa Vàng  ", "Lúa Vàng"),
        (q("text"), "a\nb", "a b"),
        (q("long_text"), "a\r\nb", "a\nb"),
        (q("number"), "12", 12),
        (q("number"), "1,5", 1.5),
        (q("number"), "1.500.000", 1500000),
        (q("number"), 3.25, 3.25),
        (q("money"), "2.000.000", {"amount": 2000000, "currency": "VND"}),
        (
            q("money", options={"currencies": ["VND", "USD"]}),
            {"amount": "1500.5", "currency": "USD"},
            {"amount": 1500.5, "currency": "USD"},
        ),
        (q("date"), "2027-03-01", "2027-03-01"),
        (q("choice", options=CHOICES), "yes", "yes"),
        (q("multi_choice", options=CHOICES), ["no", "yes"], ["yes", "no"]),
        (
            q("team"),
            [{"name": "An", "role": "CEO"}, {"name": "", "role": ""}],
            [{"name": "An", "role": "CEO", "email": ""}],
        ),
        (q("text"), "", None),
        (q("multi_choice", options=CHOICES), [], None),
        (q("money"), {"amount": "", "currency": "VND"}, None),
    ],
)
def test_values_are_cleaned(question, raw, stored):
    assert clean_value(question, raw) == stored


@pytest.mark.parametrize(
    ("question", "raw", "words"),
    [
        (q("text", options={"max_length": 5}), "too long", "5 characters"),
        (q("number"), "twelve", "Enter a number"),
        (q("number", options={"min": 1, "max": 10}), "11", "10 or less"),
        (q("number", options={"integer": True}), "1.5", "whole number"),
        (q("money"), "-5", "negative"),
        (q("money"), {"amount": "5", "currency": "USD"}, "currency"),
        (q("money"), "1.234", "two decimals"),
        (q("date"), "01/03/2027", "YYYY-MM-DD"),
        (q("date", options={"max": "2026-01-01"}), "2027-01-01", "or earlier"),
        (q("choice", options=CHOICES), "maybe", "listed options"),
        (q("multi_choice", options={**CHOICES, "max_selected": 1}), ["yes", "no"], "at most 1"),
        (q("team"), [{"role": "CEO"}], "enter a name"),
        (q("team"), [{"name": "An", "email": "not-an-email"}], "email"),
        (q("team", options={"max": 1}), [{"name": "An"}, {"name": "Bình"}], "at most 1"),
        (q("team"), "An, Bình", "list of team members"),
        (q("file"), "deck.pdf", "upload"),
    ],
)
def test_wrong_values_say_why(question, raw, words):
    with translation.override("en"), pytest.raises(AnswerError) as exc:
        clean_value(question, raw)
    assert words.lower() in str(exc.value).lower()


@pytest.mark.django_db
def test_organisation_answers_must_be_visible_directory_records(network, make_member):
    public = OrganisationFactory(center=network["hanoi"], visibility="public", slug="quy-dau-tu")
    hidden = OrganisationFactory(center=network["hanoi"], visibility="center", slug="an-ten")
    outsider = make_member(network["haiphong"], "startup_member")
    question = q("organisation")
    assert clean_value(question, "quy-dau-tu", user=outsider) == {
        "uuid": str(public.uuid),
        "slug": "quy-dau-tu",
        "name": public.name,
    }
    assert (
        clean_value(question, f"https://innohub.vn/organisations/{public.slug}/", user=outsider)["slug"]
        == public.slug
    )
    with pytest.raises(AnswerError):
        clean_value(question, hidden.slug, user=outsider)


def test_clean_answers_is_partial_and_reports_per_key():
    fields = [q("text", "name"), q("number", "size")]
    clean, errors = answers.clean_answers(fields, {"name": "An", "size": "many", "ghost": "x"})
    assert clean == {"name": "An"}
    assert set(errors) == {"size", "ghost"}


# --- conditions and submission --------------------------------------------------------------------------


def test_conditional_questions_apply_only_when_their_condition_holds():
    fields = [
        q("choice", "has_revenue", options=CHOICES),
        q("money", "revenue", required=True, condition={"field": "has_revenue", "equals": "yes"}),
        q("text", "customers", required=True, condition={"field": "revenue", "in": ["1000"]}),
        q("multi_choice", "tracks", options=CHOICES),
        q("text", "why_yes", condition={"field": "tracks", "equals": "yes"}),
    ]
    assert answers.applicable_keys(fields, {}) == {"has_revenue", "tracks"}
    assert answers.applicable_keys(fields, {"has_revenue": "yes"}) == {"has_revenue", "revenue", "tracks"}
    both = {"has_revenue": "yes", "revenue": {"amount": 1000, "currency": "VND"}, "tracks": ["no", "yes"]}
    assert answers.applicable_keys(fields, both) == {
        "has_revenue",
        "revenue",
        "customers",
        "tracks",
        "why_yes",
    }
    # a chain stops where a link does not apply
    assert "customers" not in answers.applicable_keys(
        fields, {"has_revenue": "no", "revenue": {"amount": 1000}}
    )


def test_submission_checks_required_questions_that_apply():
    fields = [
        q("text", "name", required=True, label="Name"),
        q("choice", "has_revenue", required=True, options=CHOICES),
        q("money", "revenue", required=True, condition={"field": "has_revenue", "equals": "yes"}),
        q("file", "deck", required=True, options={"max_files": 1}),
        q("team", "team", options={"min": 2}),
    ]
    with translation.override("en"):
        errors = answers.submission_errors(fields, {"has_revenue": "no", "team": [{"name": "An"}]}, {})
    assert set(errors) == {"name", "deck", "team"}  # revenue does not apply
    assert errors["name"] == ["“Name” is required."]
    errors = answers.submission_errors(fields, {"name": "x", "has_revenue": "yes"}, {"deck": 2})
    assert set(errors) == {"revenue", "deck"}  # now it applies; and too many files


def test_applicable_answers_drop_answers_of_questions_that_do_not_apply():
    fields = [
        q("choice", "has_revenue", options=CHOICES),
        q("money", "revenue", condition={"field": "has_revenue", "equals": "yes"}),
    ]
    kept = answers.applicable_answers(
        fields, {"has_revenue": "no", "revenue": {"amount": 5, "currency": "VND"}}
    )
    assert kept == {"has_revenue": "no"}


# --- files ----------------------------------------------------------------------------------------------


FILE_Q = q("file", "deck", options={"types": ["pdf", "docx"], "max_mb": 1}, label="Pitch deck")


def test_pdf_and_docx_with_matching_content_are_accepted():
    assert answers.check_upload(FILE_Q, upload("deck.PDF", PDF)) == ("pdf", "application/pdf")
    ext, content_type = answers.check_upload(FILE_Q, upload("plan.docx", docx_bytes()))
    assert ext == "docx" and "wordprocessingml" in content_type


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("deck.exe", PDF, "not an accepted type"),
        ("deck", PDF, "not an accepted type"),
        ("deck.pdf", b"MZ\x90\x00 this is a program", "not a PDF file"),
        ("plan.docx", PDF, "not a DOCX file"),
        ("plan.docx", b"PK\x03\x04 broken zip", "not a DOCX file"),
        ("deck.pdf", b"", "empty"),
    ],
)
def test_wrong_uploads_are_refused_with_the_field_named(name, content, words):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        answers.check_upload(FILE_Q, upload(name, content))
    assert words in str(exc.value.message)
    assert list(exc.value.fields) == ["deck"]


def test_too_large_upload_is_refused_with_both_sizes():
    big = upload("deck.pdf", PDF + b"0" * (1024 * 1024))
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        answers.check_upload(FILE_Q, big)
    assert "1.0\xa0MB" in str(exc.value.message) and "limit" in str(exc.value.message)


def test_answers_in_words():
    with translation.override("en"):
        assert answers.display_value(q("choice", options=CHOICES), "yes") == "Yes"
    assert answers.display_value(q("choice", options=CHOICES), "no") == "Không"
    assert (
        answers.display_value(q("team"), [{"name": "An", "role": "CEO"}, {"name": "Bình"}])
        == "An – CEO; Bình"
    )
    assert answers.display_value(q("text"), None) == ""

"""Form builder services: sections and typed questions, order, options per kind, bilingual labels,
conditions, and what may no longer change once someone has submitted."""

from __future__ import annotations

import pytest

from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from innohub.programs.models import ApplicationEvent, Call, FormField, FormSection
from innohub.programs.services import forms as services
from tests.factories import OrganisationFactory
from tests.programs.calls_helpers import make_call
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")


@pytest.fixture
def call(network):
    return make_call(network["hanoi"], status="draft")


@pytest.fixture
def section(call, staff):
    return services.add_section(call, actor=staff, title_vi="Thông tin chung", title_en="General")


def test_sections_are_added_in_order_and_reordered(call, staff):
    a = services.add_section(call, actor=staff, title_vi="A")
    b = services.add_section(call, actor=staff, title_vi="B")
    c = services.add_section(call, actor=staff, title_vi="C")
    assert [a.position, b.position, c.position] == [1, 2, 3]
    services.reorder_sections(call, [c.pk, a.pk, b.pk], actor=staff)
    assert list(call.sections.values_list("title_vi", flat=True)) == ["C", "A", "B"]
    services.move_section(FormSection.objects.get(pk=c.pk), "down", actor=staff)
    assert list(call.sections.values_list("title_vi", flat=True)) == ["A", "C", "B"]
    with pytest.raises(ValidationFailed):
        services.reorder_sections(call, [a.pk, b.pk], actor=staff)  # one missing


def test_questions_get_keys_bilingual_labels_and_checked_options(section, staff):
    field = services.add_field(
        section,
        actor=staff,
        kind="choice",
        label_vi="Giai đoạn của startup",
        label_en="Stage of the startup",
        required=True,
        options={"choices": [{"value": "idea", "label_vi": "Ý tưởng", "label_en": "Idea"}]},
    )
    assert field.key == "giai_doan_cua_startup"
    assert field.label_en == "Stage of the startup"
    with pytest.raises(ValidationFailed) as exc:
        services.add_field(section, actor=staff, kind="choice", label_vi="Trống", options={})
    assert "options" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.add_field(section, actor=staff, kind="text", label_vi="X", key="giai_doan_cua_startup")
    assert "key" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.add_field(section, actor=staff, kind="text", label_vi="X", key="Bad Key!")
    assert "key" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.add_field(section, actor=staff, kind="text", label_vi="")
    assert "label_vi" in exc.value.fields
    assert FormField.objects.count() == 1


def test_conditions_refer_to_other_questions(section, staff):
    services.add_field(
        section,
        actor=staff,
        kind="choice",
        key="has_revenue",
        label_vi="Có doanh thu?",
        options={"choices": ["yes", "no"]},
    )
    revenue = services.add_field(
        section,
        actor=staff,
        kind="money",
        key="revenue",
        label_vi="Doanh thu",
        condition={"field": "has_revenue", "equals": "yes"},
    )
    assert revenue.condition == {"field": "has_revenue", "equals": "yes"}
    with pytest.raises(ValidationFailed) as exc:
        services.update_field(
            FormField.objects.get(key="has_revenue"), actor=staff, condition={"field": "revenue", "equals": 1}
        )
    assert "condition" in exc.value.fields  # a loop
    # a question others depend on is neither removed nor renamed from under them
    with pytest.raises(ValidationFailed):
        services.delete_field(FormField.objects.get(key="has_revenue"), actor=staff)
    with pytest.raises(ValidationFailed):
        services.update_field(FormField.objects.get(key="has_revenue"), actor=staff, key="paying")


def test_changing_the_kind_resets_options_unless_given(section, staff):
    field = services.add_field(
        section, actor=staff, kind="number", key="size", label_vi="Quy mô", options={"min": 1}
    )
    field = services.update_field(field, actor=staff, kind="text")
    assert field.kind == "text" and field.options == {}


def test_fields_are_reordered_within_their_section(section, staff):
    a, b, c = (services.add_field(section, actor=staff, kind="text", key=k, label_vi=k) for k in "abc")
    services.reorder_fields(section, [b.pk, c.pk, a.pk], actor=staff)
    assert list(section.fields.order_by("position").values_list("key", flat=True)) == ["b", "c", "a"]
    services.move_field(FormField.objects.get(pk=a.pk), "up", actor=staff)
    assert list(section.fields.order_by("position").values_list("key", flat=True)) == ["b", "a", "c"]


def test_after_a_submission_keys_and_kinds_are_fixed_and_questions_kept(call, section, staff, network):
    field = services.add_field(section, actor=staff, kind="text", key="name", label_vi="Tên")
    ApplicationFactory(
        call=call, organisation=OrganisationFactory(center=network["hanoi"]), status="submitted"
    )
    with pytest.raises(InvalidTransition):
        services.update_field(field, actor=staff, key="title")
    with pytest.raises(InvalidTransition):
        services.update_field(field, actor=staff, kind="long_text")
    with pytest.raises(InvalidTransition):
        services.delete_field(field, actor=staff)
    with pytest.raises(InvalidTransition):
        services.delete_section(section, actor=staff)
    field = services.update_field(field, actor=staff, label_vi="Tên dự án", required=True)
    assert field.label_vi == "Tên dự án" and field.required
    # new questions may still be added
    services.add_field(section, actor=staff, kind="text", key="extra", label_vi="Thêm")


def test_form_changes_only_while_draft_or_open(call, section, staff):
    Call.objects.filter(pk=call.pk).update(status="reviewing")
    with pytest.raises(InvalidTransition):
        services.add_field(section, actor=staff, kind="text", label_vi="Muộn")


def test_only_staff_of_the_center_build_the_form(call, section, network, make_member):
    for user in (
        make_member(network["haiphong"], "center_staff"),
        make_member(network["hanoi"], "startup_member"),
    ):
        with pytest.raises(Forbidden):
            services.add_section(call, actor=user, title_vi="X")
        with pytest.raises(Forbidden):
            services.add_field(section, actor=user, kind="text", label_vi="X")


def test_every_change_is_in_the_audit_trail(call, section, staff):
    field = services.add_field(section, actor=staff, kind="text", key="name", label_vi="Tên")
    services.update_field(field, actor=staff, label_en="Name")
    services.delete_field(field, actor=staff)
    services.delete_section(section, actor=staff)
    actions = list(ApplicationEvent.objects.filter(call=call).order_by("id").values_list("action", flat=True))
    assert actions == [
        "form.section_added",
        "form.field_added",
        "form.field_changed",
        "form.field_removed",
        "form.section_removed",
    ]

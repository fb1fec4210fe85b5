"""Factories for programmes, calls, applications and review (tests only; services build real ones)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from innohub.programs.models import (
    Application,
    Call,
    Criterion,
    FormField,
    FormSection,
    PanelMember,
    Programme,
    ReviewAssignment,
    ReviewRound,
)
from tests.factories import CenterFactory, OrganisationFactory


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    center = factory.SubFactory(CenterFactory)
    kind = "incubation"
    title = factory.Sequence(lambda n: f"Chương trình ươm tạo {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    status = "active"
    visibility = "public"


class CallFactory(DjangoModelFactory):
    """Published and open now, closing in 10 days."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Kêu gọi hồ sơ {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    status = "published"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))


class FormSectionFactory(DjangoModelFactory):
    class Meta:
        model = FormSection

    call = factory.SubFactory(CallFactory)
    title = "Thông tin chung"
    position = 1


class FormFieldFactory(DjangoModelFactory):
    class Meta:
        model = FormField

    section = factory.SubFactory(FormSectionFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    kind = "text"
    label = factory.Sequence(lambda n: f"Câu hỏi {n}")


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"APP-{n:06d}")
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_version = 1


class ReviewRoundFactory(DjangoModelFactory):
    class Meta:
        model = ReviewRound

    call = factory.SubFactory(CallFactory)
    title = "Chấm điểm hội đồng"
    kind = "panel"
    status = "open"
    per_item = 2
    capacity = 10


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(ReviewRoundFactory)
    title = factory.Sequence(lambda n: f"Tiêu chí {n}")
    weight = 1
    scale_min = 0
    scale_max = 10


class PanelMemberFactory(DjangoModelFactory):
    class Meta:
        model = PanelMember

    round = factory.SubFactory(ReviewRoundFactory)


class ReviewAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    round = factory.SubFactory(ReviewRoundFactory)
    application = factory.SubFactory(ApplicationFactory)

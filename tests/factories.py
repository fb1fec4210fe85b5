"""factory-boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from innohub.accounts.models import Membership, Role, User
from innohub.centers.models import Center
from innohub.centers.services import create_center
from innohub.directory.models import Organisation, Person


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.PostGenerationMethodCall("set_password", "Pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CenterFactory(DjangoModelFactory):
    class Meta:
        model = Center

    name = factory.Sequence(lambda n: f"Trung tâm Đổi mới sáng tạo {n}")
    slug = factory.Sequence(lambda n: f"center-{n}")
    kind = "provincial"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_center(actor=None, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        exclude = ["role_code"]

    user = factory.SubFactory(UserFactory)
    center = factory.SubFactory(CenterFactory)
    role_code = "center_staff"
    role = factory.LazyAttribute(lambda o: Role.objects.get(code=o.role_code, center=None))


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    center = factory.SubFactory(CenterFactory)
    kind = "startup"
    name = factory.Sequence(lambda n: f"Công ty Cổ phần Công nghệ Sáng Tạo {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    visibility = "public"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    center = factory.SubFactory(CenterFactory)
    full_name = factory.Faker("name", locale="vi_VN")
    slug = factory.Sequence(lambda n: f"person-{n}")
    visibility = "network"

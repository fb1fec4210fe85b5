"""People's ties to organisations (mentor of, adviser of, founder of, investor in): the rules of the
service (who may record them, duplicates, years, audit), what each viewer sees of them, the workspace
pages, the API and the operators' admin."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innohub.accounts.tokens import create_api_token
from innohub.core.errors import Forbidden, ValidationFailed
from innohub.directory import selectors
from innohub.directory.models import OrganisationMember, PersonRelation
from innohub.directory.services import add_person_relation, remove_person_relation
from tests.api.utils import assert_error, make_org, make_person, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/directory"
THIS_YEAR = timezone.now().year


@pytest.fixture
def ties(network, make_member):
    hanoi = network["hanoi"]
    return {
        "startup": make_org(hanoi, "Khởi nghiệp Cố vấn"),
        "mentor": make_person(hanoi, "Trần Thị Cố Vấn", title="Chuyên gia cố vấn"),
        "staff": make_member(hanoi, "center_staff"),
        "elsewhere": make_member(network["haiphong"], "center_staff"),
        "hanoi": hanoi,
    }


def _bearer(user, scope: str = "write") -> Client:
    _token, raw = create_api_token(user, actor=user, name="ties", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- service ---------------------------------------------------------------------------------------


def test_center_staff_record_a_mentor_and_the_audit_log_names_them(ties):
    rel = add_person_relation(
        ties["mentor"],
        ties["startup"],
        actor=ties["staff"],
        kind="mentor_of",
        since_year=2023,
        note=" nhóm AI ",
    )
    assert (rel.kind, rel.since_year, rel.until_year, rel.note) == ("mentor_of", 2023, None, "nhóm AI")
    entry = LogEntry.objects.get_for_object(rel).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == ties["staff"]
    pk = rel.pk
    remove_person_relation(rel, actor=ties["staff"])
    assert not PersonRelation.objects.exists()
    deleted = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).get()
    assert deleted.actor == ties["staff"]


def test_the_organisation_side_or_staff_record_the_tie_but_nobody_else(ties):
    startup, mentor = ties["startup"], ties["mentor"]
    # the person themself (their account is linked to the profile) may not list themself on an
    # organisation's public page …
    me = UserFactory()
    mentor.user = me
    mentor.save(update_fields=["user"])
    with pytest.raises(Forbidden):
        add_person_relation(mentor, startup, actor=me, kind="investor_of")
    # … staff of the center do, and a manager of the organisation's profile (not center staff) does
    assert add_person_relation(mentor, startup, actor=ties["staff"], kind="advisor_of").kind == "advisor_of"
    owner = UserFactory()
    OrganisationMember.objects.create(organisation=startup, user=owner, role="owner")
    rel = add_person_relation(mentor, startup, actor=owner, kind="mentor_of")
    # staff of another center, a plain member of the organisation, an anonymous caller: refused
    plain = UserFactory()
    OrganisationMember.objects.create(organisation=startup, user=plain, role="member")
    from django.contrib.auth.models import AnonymousUser

    for outsider in (ties["elsewhere"], plain, UserFactory(), AnonymousUser()):
        with pytest.raises(Forbidden):
            add_person_relation(mentor, startup, actor=outsider, kind="founder_of")
        with pytest.raises(Forbidden):
            remove_person_relation(rel, actor=outsider)
    assert PersonRelation.objects.count() == 2
    # the person may take a tie that lists them away
    remove_person_relation(rel, actor=me)
    assert PersonRelation.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_duplicates_unknown_kinds_and_impossible_years_are_refused(ties):
    startup, mentor, staff = ties["startup"], ties["mentor"], ties["staff"]
    add_person_relation(mentor, startup, actor=staff, kind="mentor_of")
    with pytest.raises(ValidationFailed) as exc:
        add_person_relation(mentor, startup, actor=staff, kind="mentor_of")
    assert exc.value.code == "duplicate"
    # the same person may hold another kind of tie to the same organisation
    add_person_relation(mentor, startup, actor=staff, kind="investor_of")
    with pytest.raises(ValidationFailed) as exc:
        add_person_relation(mentor, startup, actor=staff, kind="godparent_of")
    assert list(exc.value.fields) == ["kind"]
    with pytest.raises(ValidationFailed) as exc:
        add_person_relation(mentor, startup, actor=staff, kind="advisor_of", since_year=2024, until_year=2020)
    assert exc.value.fields == {"until_year": ["The end year cannot be before the start year."]}
    with pytest.raises(ValidationFailed) as exc:
        add_person_relation(mentor, startup, actor=staff, kind="advisor_of", since_year=1850)
    assert list(exc.value.fields) == ["since_year"]
    assert PersonRelation.objects.count() == 2


def test_current_means_not_ended_before_this_year(ties):
    startup, staff = ties["startup"], ties["staff"]
    people = [make_person(ties["hanoi"], f"Cố Vấn {n}") for n in range(4)]
    for person, until in zip(people, (None, THIS_YEAR, THIS_YEAR - 1, THIS_YEAR + 1), strict=True):
        add_person_relation(person, startup, actor=staff, kind="mentor_of", since_year=2015, until_year=until)
    current = {r.person_id for r in PersonRelation.objects.current()}
    assert current == {people[0].pk, people[1].pk, people[3].pk}
    assert {r.person_id for r in PersonRelation.objects.current(THIS_YEAR + 1)} == {
        people[0].pk,
        people[3].pk,
    }


# --- what each viewer sees ------------------------------------------------------------------------


def test_lists_only_show_people_and_organisations_the_viewer_may_see(ties, network):
    from django.contrib.auth.models import AnonymousUser

    hanoi, staff, startup = ties["hanoi"], ties["staff"], ties["startup"]
    public = ties["mentor"]
    private = make_person(hanoi, "Lê Riêng Tư", visibility="center")
    hidden_org = make_org(hanoi, "Công ty Kín", visibility="center")
    add_person_relation(public, startup, actor=None, kind="mentor_of")
    add_person_relation(private, startup, actor=None, kind="advisor_of")
    add_person_relation(public, hidden_org, actor=None, kind="founder_of")
    anon = AnonymousUser()

    assert [r.person.full_name for r in selectors.people_related_to(anon, startup)] == [public.full_name]
    assert {r.person_id for r in selectors.people_related_to(staff, startup)} == {public.pk, private.pk}
    mentors = selectors.people_related_to(staff, startup, kinds=["mentor_of"])
    assert [r.person_id for r in mentors] == [public.pk]
    assert [r.organisation_id for r in selectors.relations_of_person(anon, public)] == [startup.pk]
    assert {r.organisation_id for r in selectors.relations_of_person(staff, public)} == {
        startup.pk,
        hidden_org.pk,
    }
    assert selectors.relations_of_person(ties["elsewhere"], public)[0].organisation == startup


def test_selectors_take_one_query(ties, django_assert_num_queries):
    for n in range(5):
        add_person_relation(
            make_person(ties["hanoi"], f"Cố Vấn {n}"), ties["startup"], actor=None, kind="mentor_of"
        )
    staff = ties["staff"]
    selectors.people_related_to(staff, ties["startup"])  # the user's access scope, cached on the user
    with django_assert_num_queries(1):
        rows = selectors.people_related_to(staff, ties["startup"])
        names = [(r.person.full_name, r.organisation.name) for r in rows]
    assert len(names) == 5


# --- workspace pages ------------------------------------------------------------------------------


def test_staff_add_and_remove_a_mentor_on_the_organisation_edit_page(client, ties):
    startup, mentor = ties["startup"], ties["mentor"]
    client.force_login(ties["staff"])
    edit = reverse("workspace:directory-organisation-edit", kwargs={"key": startup.slug})
    add = reverse("workspace:directory-person-relation-add", kwargs={"key": startup.slug})
    page = client.get(edit).content.decode()
    assert 'id="person-relations"' in page and 'id="id_person_relation_person"' in page
    response = client.post(add, {"kind": "mentor_of", "person": mentor.slug, "since_year": "2022"})
    assert response.status_code == 302 and response["Location"].endswith("#person-relations")
    rel = PersonRelation.objects.get()
    assert (rel.person, rel.organisation, rel.kind, rel.since_year) == (mentor, startup, "mentor_of", 2022)
    assert mentor.full_name in client.get(edit).content.decode()
    detail = reverse("workspace:directory-organisation-detail", kwargs={"key": startup.slug})
    assert mentor.full_name in client.get(detail).content.decode()
    person_page = reverse("workspace:directory-person-edit", kwargs={"key": mentor.slug})
    assert startup.name in client.get(person_page).content.decode()
    # typing the name works too; a duplicate is reported, not written
    client.post(add, {"kind": "mentor_of", "person": mentor.full_name})
    assert PersonRelation.objects.count() == 1
    remove = reverse("workspace:directory-person-relation-remove", kwargs={"key": startup.slug, "pk": rel.pk})
    assert client.post(remove).status_code == 302
    assert not PersonRelation.objects.exists()


def test_people_who_cannot_edit_the_organisation_cannot_change_its_mentors(client, ties):
    startup, mentor = ties["startup"], ties["mentor"]
    rel = add_person_relation(mentor, startup, actor=None, kind="mentor_of")
    add = reverse("workspace:directory-person-relation-add", kwargs={"key": startup.slug})
    remove = reverse("workspace:directory-person-relation-remove", kwargs={"key": startup.slug, "pk": rel.pk})
    assert client.post(add, {"kind": "advisor_of", "person": mentor.slug}).status_code == 302  # to login
    client.force_login(ties["elsewhere"])  # sees the public organisation, may not edit it
    assert client.post(add, {"kind": "advisor_of", "person": mentor.slug}).status_code == 403
    assert client.post(remove).status_code == 403
    assert client.get(add).status_code == 405
    other = make_org(ties["hanoi"], "Công ty Khác")
    client.force_login(ties["staff"])
    wrong_org = reverse(
        "workspace:directory-person-relation-remove", kwargs={"key": other.slug, "pk": rel.pk}
    )
    assert client.post(wrong_org).status_code == 404
    assert list(PersonRelation.objects.values_list("kind", flat=True)) == ["mentor_of"]


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_creates_and_deletes_ties(ties):
    startup, mentor = ties["startup"], ties["mentor"]
    hidden = make_person(ties["hanoi"], "Phạm Kín Đáo", visibility="center")
    add_person_relation(hidden, startup, actor=None, kind="mentor_of")
    client = _bearer(ties["staff"])
    created = send(
        client,
        "post",
        f"{API}/people/{mentor.slug}/relations",
        {"organisation": str(startup.uuid), "kind": "advisor_of", "since_year": 2020, "until_year": 2021},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["person"]["slug"], body["organisation"]["slug"]) == (
        "advisor_of",
        mentor.slug,
        startup.slug,
    )
    assert body["current"] is False  # ended in 2021
    anon = Client()
    listed = anon.get(f"{API}/organisations/{startup.slug}/people-relations").json()
    assert [r["person"]["slug"] for r in listed] == [mentor.slug]  # the center-only mentor is hidden
    staff_list = client.get(f"{API}/organisations/{startup.slug}/people-relations").json()
    assert {r["person"]["slug"] for r in staff_list} == {mentor.slug, hidden.slug}
    assert [r["organisation"]["slug"] for r in anon.get(f"{API}/people/{mentor.slug}/relations").json()] == [
        startup.slug
    ]
    assert_error(
        send(
            client,
            "post",
            f"{API}/people/{mentor.slug}/relations",
            {"organisation": str(startup.uuid), "kind": "advisor_of"},
        ),
        422,
        "duplicate",
    )
    body = assert_error(
        send(
            client,
            "post",
            f"{API}/people/{mentor.slug}/relations",
            {"organisation": "nope", "kind": "mentor_of"},
        ),
        422,
        "validation_error",
    )
    assert list(body["fields"]) == ["organisation"]
    assert_error(
        _bearer(ties["elsewhere"]).delete(f"{API}/person-relations/{created.json()['id']}"),
        403,
        "forbidden",
    )
    assert client.delete(f"{API}/person-relations/{created.json()['id']}").status_code == 204
    assert not PersonRelation.objects.filter(kind="advisor_of").exists()


# --- admin ----------------------------------------------------------------------------------------


def test_admin_pages_open(client, ties):
    rel = add_person_relation(ties["mentor"], ties["startup"], actor=None, kind="mentor_of")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in (
        reverse("admin:directory_personrelation_changelist"),
        reverse("admin:directory_personrelation_change", args=[rel.pk]),
        reverse("admin:directory_personrelation_add"),
        reverse("admin:directory_organisation_change", args=[ties["startup"].pk]),
        reverse("admin:directory_person_change", args=[ties["mentor"].pk]),
    ):
        response = client.get(url, {"q": "Cố"} if url.endswith("personrelation/") else {})
        assert response.status_code == 200, url
    changelist = client.get(reverse("admin:directory_personrelation_changelist")).content.decode()
    assert ties["mentor"].full_name in changelist


# --- demo data ------------------------------------------------------------------------------------


def test_the_demo_ties_a_few_mentors_to_startups():
    from innohub.directory.demo import generate
    from innohub.taxonomy.models import Province

    if not Province.objects.exists():  # flushed by a transactional test earlier in the worker
        from innohub.taxonomy.loader import load_all

        load_all(communes=False)
    result = generate(size=200, seed=7)
    ties = list(PersonRelation.objects.select_related("person", "organisation"))
    assert result.person_relations == len(ties) and 3 <= len(ties) <= 20
    assert {t.organisation.kind for t in ties} == {"startup"}
    assert {t.kind for t in ties} <= {"mentor_of", "advisor_of", "investor_of"} and "mentor_of" in {
        t.kind for t in ties
    }
    assert all(t.until_year is None or t.since_year <= t.until_year for t in ties)

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.accounts.models import ApiToken
from innohub.directory import services
from innohub.directory.models import Person
from tests.factories import OrganisationFactory, PersonFactory
from tests.workspace.i18n import tr

pytestmark = pytest.mark.django_db


def test_create_and_edit_person_with_organisation_lookup(client, network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    org = OrganisationFactory(center=network["hanoi"], name="Viện Nghiên cứu Sông Hồng", visibility="public")
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-person-create"),
        {
            "center": network["hanoi"].pk,
            "full_name": "Phạm Minh Đức",
            "organisation_ref": "Sông Hồng",
            "bio_vi": "<b>Chuyên gia</b><img src=x onerror=alert(1)>",
            "visibility": "network",
            "personal_id": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    assert person.organisation == org
    assert person.bio_vi == "<b>Chuyên gia</b>"
    url = reverse("workspace:directory-person-edit", args=[person.slug])
    response = client.post(
        url,
        {"full_name": "Phạm Minh Đức", "personal_id": "999123456789", "visibility": "network", "version": 1},
    )
    assert response.status_code == 200
    assert 'id="id_personal_id_error"' in response.content.decode()
    response = client.post(url, {"full_name": "Phạm Đức", "visibility": "center", "version": 1})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.visibility, person.version) == ("Phạm Đức", "center", 2)


def test_person_stale_edit_conflict(client, network, make_member):
    staff = make_member(network["hanoi"], "center_staff")
    person = services.create_person(actor=staff, center=network["hanoi"], full_name="Ngô Thu")
    services.update_person(person, actor=staff, title="CEO")
    client.force_login(staff)
    response = client.post(
        reverse("workspace:directory-person-edit", args=[person.slug]),
        {"full_name": "Ngô Thu Hà", "visibility": "network", "version": 1},
    )
    assert response.status_code == 409
    assert 'value="Ngô Thu Hà"' in response.content.decode()


def test_people_list_hides_invisible_people(client, network, make_member):
    PersonFactory(center=network["hanoi"], full_name="Người Công Khai", visibility="public")
    PersonFactory(center=network["haiphong"], full_name="Người Trung Tâm", visibility="center")
    client.force_login(make_member(network["hanoi"], "mentor"))
    body = client.get(reverse("workspace:directory-person-list")).content.decode()
    assert "Người Công Khai" in body and "Người Trung Tâm" not in body


def test_dashboard_lists_my_centers_and_organisations(client, network, make_member):
    user = make_member(network["hanoi"], "center_admin")
    services.create_organisation(actor=user, center=network["hanoi"], kind="startup", name="Của tôi")
    client.force_login(user)
    body = client.get(reverse("workspace:home")).content.decode()
    assert network["hanoi"].name in body
    assert "Của tôi" in body
    assert reverse("workspace:account-center-members", args=[network["hanoi"].slug]) in body


def test_dashboard_shows_the_first_organisations_and_counts_the_rest(client, network, make_member):
    from innohub.accounts.dashboard import MY_ORGANISATIONS_SHOWN

    user = make_member(network["hanoi"], "center_staff")
    names = [f"Tổ chức {i:02d}" for i in range(MY_ORGANISATIONS_SHOWN + 2)]
    for name in names:
        services.create_organisation(actor=user, center=network["hanoi"], kind="startup", name=name)
    client.force_login(user)
    body = client.get("/en" + reverse("workspace:home").removeprefix("/en")).content.decode()
    section = body[body.index('aria-labelledby="orgs-title"') : body.index('aria-labelledby="changes-title"')]
    assert names[MY_ORGANISATIONS_SHOWN - 1] in section and names[MY_ORGANISATIONS_SHOWN] not in section
    assert f"{MY_ORGANISATIONS_SHOWN} of {len(names)} organisations shown." in section


def test_workspace_requires_sign_in(client):
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_user_without_center_cannot_create(client, make_member, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("workspace:directory-organisation-create"))
    assert response.status_code == 403
    message = (
        "Only members of a center with the right to add records can create organisations. "
        "Ask your center for an invitation, or claim an existing profile."
    )
    assert tr(message) in response.content.decode()


def test_api_token_shown_once_then_revoked(client, network, make_member):
    user = make_member(network["hanoi"], "mentor")
    client.force_login(user)
    url = reverse("workspace:account-tokens")
    response = client.post(url, {"name": "báo cáo", "scope": "read"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert tr("Your new token — copy it now, it is shown only once:") in body
    import re

    raw = re.search(r'<code id="new-token">(ih_[\w-]+)</code>', body).group(1)
    assert ApiToken.hash_key(raw) == token.key_hash
    assert raw not in client.get(url).content.decode()
    client.post(reverse("workspace:account-token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token(client, network, make_member):
    from innohub.accounts.tokens import create_api_token

    owner = make_member(network["hanoi"], "mentor")
    token, _raw = create_api_token(owner, actor=owner, name="x")
    client.force_login(make_member(network["hanoi"], "center_admin"))
    assert client.post(reverse("workspace:account-token-revoke", args=[token.pk])).status_code == 404


def test_people_list_query_count_does_not_grow_with_rows(
    client, network, make_member, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = make_member(network["hanoi"], "center_staff")
    org = services.create_organisation(
        actor=staff, center=network["hanoi"], kind="startup", name="Nơi làm việc"
    )
    client.force_login(staff)
    url = reverse("workspace:directory-person-list")
    for i in range(2):
        services.create_person(actor=staff, center=network["hanoi"], full_name=f"Người {i}", organisation=org)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(2, 30):
        services.create_person(actor=staff, center=network["hanoi"], full_name=f"Người {i}", organisation=org)
    with django_assert_max_num_queries(len(few)):
        body = client.get(url).content.decode()
    assert body.count("Nơi làm việc") >= 25

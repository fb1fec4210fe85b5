"""Eligibility rules and quotas: the shape of the rules is checked, each failed rule gives its own reason
in words, and quota_status counts what the selection needs."""

from __future__ import annotations

import pytest
from django.utils import translation

from innohub.core.errors import ValidationFailed
from innohub.directory.models import Organisation
from innohub.programs import eligibility
from innohub.programs.models import Application, Participant
from innohub.taxonomy.models import LegacyProvince, Province, Sector, Stage
from tests.factories import OrganisationFactory
from tests.programs.calls_helpers import make_call
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_valid_rules_are_normalised_and_former_province_codes_mapped():
    rules = eligibility.validate_rules(
        {
            "organisation_kinds": ["startup", "startup"],
            "stages": ["mvp"],
            "founded_year": {"min": 2018},
            "provinces": ["01", "02"],
            "sectors": ["J"],
            "team_size": {"min": 2, "max": 20},
            "exclude_previous_participants": True,
        }
    )
    assert rules["organisation_kinds"] == ["startup"]
    assert rules["provinces"][0] == "01"
    # "02" (Hà Giang before 2025) is now part of another province: the rule names that one
    assert rules["provinces"][1] == LegacyProvince.objects.get(code="02").province.code
    assert rules["provinces"][1] != "02"
    assert rules["founded_year"] == {"min": 2018}
    assert rules["exclude_previous_participants"] is True


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"colour": ["red"]}, "eligibility.colour"),
        ({"organisation_kinds": ["spaceship"]}, "eligibility.organisation_kinds"),
        ({"stages": ["unicorn"]}, "eligibility.stages"),
        ({"provinces": ["99"]}, "eligibility.provinces"),
        ({"sectors": ["ZZ"]}, "eligibility.sectors"),
        ({"founded_year": {"min": 2020, "max": 2010}}, "eligibility.founded_year"),
        ({"founded_year": {"min": 1500}}, "eligibility.founded_year"),
        ({"founded_year": {"from": 2010}}, "eligibility.founded_year"),
        ({"team_size": {"min": 0}}, "eligibility.team_size"),
        ({"team_size": {"min": "3"}}, "eligibility.team_size"),
        ({"stages": "mvp"}, "eligibility.stages"),
        ({"exclude_previous_participants": "yes"}, "eligibility.exclude_previous_participants"),
    ],
)
def test_invalid_rules_name_the_rule(rules, field):
    with pytest.raises(ValidationFailed) as exc:
        eligibility.validate_rules(rules)
    assert field in exc.value.fields, exc.value.fields


def test_rules_must_be_an_object():
    with pytest.raises(ValidationFailed):
        eligibility.validate_rules(["startup"])
    assert eligibility.validate_rules(None) == {}


@pytest.fixture
def applicant_org(network):
    org = OrganisationFactory(
        center=network["hanoi"],
        kind="startup",
        name="Công ty Sen Vàng",
        founded_year=2015,
        team_size=3,
        stage=Stage.objects.get(code="idea"),
        province=Province.objects.get(code="01"),
    )
    org.sectors.set([Sector.objects.get(code="62")])
    return org


def _reasons(call, org):
    return {e["rule"]: e for e in eligibility.check(call, org)}


def test_each_failed_rule_has_its_own_reason(network, applicant_org):
    call = make_call(
        network["hanoi"],
        eligibility=eligibility.validate_rules(
            {
                "organisation_kinds": ["university"],
                "stages": ["growth"],
                "founded_year": {"min": 2020},
                "provinces": ["79"],
                "sectors": ["A"],
                "team_size": {"min": 5},
            }
        ),
    )
    with translation.override("en"):
        report = _reasons(call, applicant_org)
    assert {rule for rule, e in report.items() if not e["passed"]} == {
        "organisation_kinds",
        "stages",
        "founded_year",
        "provinces",
        "sectors",
        "team_size",
    }
    assert "Startup" in report["organisation_kinds"]["message"]
    assert "2015" in report["founded_year"]["message"] and "2020" in report["founded_year"]["message"]
    assert "Ho Chi Minh City" in report["provinces"]["message"]
    assert "at least 5" in report["team_size"]["message"] and "has 3" in report["team_size"]["message"]
    assert "62" in report["sectors"]["message"]


def test_matching_organisation_passes_every_rule(network, applicant_org):
    call = make_call(
        network["hanoi"],
        eligibility=eligibility.validate_rules(
            {
                "organisation_kinds": ["startup"],
                "stages": ["idea", "mvp"],
                "founded_year": {"min": 2010, "max": 2020},
                "provinces": ["01"],
                "sectors": ["J"],  # the section includes division 62
                "team_size": {"max": 10},
            }
        ),
    )
    report = eligibility.check(call, applicant_org)
    assert report and all(e["passed"] for e in report)
    assert eligibility.failures(report) == []


def test_missing_profile_facts_are_named(network):
    org = OrganisationFactory(center=network["hanoi"], kind="startup")
    call = make_call(
        network["hanoi"],
        eligibility={
            "stages": ["idea"],
            "founded_year": {"min": 2000},
            "provinces": ["01"],
            "team_size": {"min": 1},
        },
    )
    with translation.override("en"):
        report = _reasons(call, org)
    for rule in ("stages", "founded_year", "provinces", "team_size"):
        assert not report[rule]["passed"]
        assert "not recorded" in report[rule]["message"]


def test_a_former_province_counts_as_its_current_one(network):
    legacy = (
        LegacyProvince.objects.select_related("province")
        .exclude(code="01")
        .filter(province__code="08")
        .first()
    )
    org = OrganisationFactory(center=network["hanoi"], kind="startup", legacy_province=legacy)
    call = make_call(network["hanoi"], eligibility={"provinces": ["08"]})
    assert eligibility.failures(eligibility.check(call, org)) == []


def test_previous_participants_are_excluded(network, applicant_org):
    call = make_call(network["hanoi"], eligibility={"exclude_previous_participants": True})
    assert eligibility.failures(eligibility.check(call, applicant_org)) == []
    earlier = make_call(network["hanoi"], programme=call.programme)
    ApplicationFactory(call=earlier, organisation=applicant_org, status=Application.Status.ACCEPTED)
    with translation.override("en"):
        failed = eligibility.failures(eligibility.check(call, applicant_org))
    assert [e["rule"] for e in failed] == ["exclude_previous_participants"]
    assert call.programme.title in failed[0]["message"]


def test_participants_of_the_programme_are_excluded(network, applicant_org):
    call = make_call(network["hanoi"], eligibility={"exclude_previous_participants": True})
    Participant.objects.create(programme=call.programme, organisation=applicant_org)
    assert [e["rule"] for e in eligibility.failures(eligibility.check(call, applicant_org))] == [
        "exclude_previous_participants"
    ]


def test_reason_is_shown_again_in_another_language(network, applicant_org):
    call = make_call(network["hanoi"], eligibility={"team_size": {"min": 5}})
    with translation.override("en"):
        entry = eligibility.check(call, applicant_org)[0]
        assert eligibility.reason_text(entry) == entry["message"]
    assert entry["language"] == "en"
    assert set(entry["params"]) == {"range", "name", "actual"}


def test_rules_in_plain_words():
    with translation.override("en"):
        words = eligibility.describe_rules(
            {
                "organisation_kinds": ["startup"],
                "founded_year": {"min": 2018},
                "exclude_previous_participants": True,
            }
        )
    assert words[0] == "Open to: Startup."
    assert words[1] == "Founded in 2018 or later."
    assert "already took part" in words[2]
    assert eligibility.describe_rules({}) == []


# --- quotas ----------------------------------------------------------------------------------------

QUOTA = {
    "code": "outside_hn_hcm",
    "label_vi": "Ngoài Hà Nội và TP.HCM",
    "label_en": "Outside Hanoi and HCMC",
    "min_share": 0.5,
    "province_codes_not_in": ["01", "79"],
}


def test_valid_quota_is_kept():
    assert eligibility.validate_quotas([QUOTA]) == [{**QUOTA}]


@pytest.mark.parametrize(
    ("quota", "field"),
    [
        ({**QUOTA, "min_share": 2}, "quotas.0.min_share"),
        ({**QUOTA, "code": ""}, "quotas.0.code"),
        ({k: v for k, v in QUOTA.items() if k != "province_codes_not_in"}, "quotas.0"),
        ({k: v for k, v in QUOTA.items() if k != "min_share"}, "quotas.0"),
        ({**QUOTA, "province_codes_not_in": ["XX"]}, "quotas.0.province_codes_not_in"),
        ({**QUOTA, "colour": "red"}, "quotas.0"),
        ({**QUOTA, "label_vi": "", "label_en": ""}, "quotas.0.label_vi"),
        ({**QUOTA, "min_share": 0.8, "max_share": 0.2}, "quotas.0.min_share"),
    ],
)
def test_invalid_quota_names_the_problem(quota, field):
    with pytest.raises(ValidationFailed) as exc:
        eligibility.validate_quotas([quota])
    assert field in exc.value.fields, exc.value.fields


def test_duplicate_quota_codes_are_refused():
    with pytest.raises(ValidationFailed) as exc:
        eligibility.validate_quotas([QUOTA, QUOTA])
    assert "quotas.1.code" in exc.value.fields


def test_quota_status_counts_matching_applications(network, django_assert_max_num_queries):
    call = make_call(
        network["hanoi"], quotas=[QUOTA, {**QUOTA, "code": "cap", "min_share": None, "max_share": 0.25}]
    )
    hanoi, danang = Province.objects.get(code="01"), Province.objects.get(code="48")
    apps = []
    for i, province in enumerate([hanoi, hanoi, hanoi, danang, None]):
        org = OrganisationFactory(center=network["hanoi"], province=province)
        apps.append(ApplicationFactory(call=call, organisation=org, reference=f"Q-{i}"))
    with django_assert_max_num_queries(2):
        status = {q.code: q for q in eligibility.quota_status(call, apps)}
    outside = status["outside_hn_hcm"]
    assert (outside.matching, outside.total) == (1, 5)  # an unknown province is not "outside"
    assert outside.missing == 2 and not outside.met  # 3 of 5 are needed for half
    assert outside.application_ids == [apps[3].pk]
    cap = status["cap"]
    assert cap.excess == 0 and cap.met  # 1 ≤ floor(0.25 × 5)
    with translation.override("en"):
        assert eligibility.quota_status(call, apps)[0].label == "Outside Hanoi and HCMC"
    assert eligibility.quota_status(call, [])[0].total == 0


def test_quota_status_without_quotas_is_empty(network):
    call = make_call(network["hanoi"])
    assert eligibility.quota_status(call, Application.objects.none()) == []


def test_organisation_facts_read_two_queries(network, django_assert_num_queries):
    orgs = [OrganisationFactory(center=network["hanoi"]) for _ in range(5)]
    for org in orgs:
        org.sectors.set(Sector.objects.filter(code__in=["62", "63"]))
    with django_assert_num_queries(2):
        facts = eligibility.organisation_facts(o.pk for o in orgs)
    assert facts[orgs[0].pk].sectors == {"62", "63", "J"}
    assert isinstance(Organisation.objects.first(), Organisation)

"""Eligibility rules and quotas of a call: their JSON shape, its validation, the check on submission
and the quota status the selection reads.

Eligibility (`Call.eligibility`, an object; every key optional, an empty object admits everyone)::

    {
      "organisation_kinds": ["startup", "innovative_sme"],   # directory OrganisationKind values
      "stages": ["prototype", "mvp"],                         # taxonomy Stage codes
      "founded_year": {"min": 2018, "max": 2026},             # either bound may be left out
      "provinces": ["01", "79"],                              # province codes since 2025; former
                                                              #   (pre-2025) codes are accepted and
                                                              #   stored as the province that absorbed them
      "sectors": ["J", "62"],                                 # VSIC codes; a section letter includes
                                                              #   its divisions
      "team_size": {"min": 2, "max": 50},
      "exclude_previous_participants": true                   # participants of the same programme and
                                                              #   organisations accepted in an earlier
                                                              #   call of it may not apply
    }

Quotas (`Call.quotas`, a list) are targets the selection tries to meet, never reasons to refuse an
application::

    [{"code": "outside_hn_hcm", "label_vi": "Ngoài Hà Nội và TP.HCM", "label_en": "Outside Hanoi and HCMC",
      "min_share": 0.5, "province_codes_not_in": ["01", "79"]}]

A quota has a `min_share` and/or a `max_share` (0–1) of the selected applications and one or more
criteria, all of which an application must meet to count: `province_codes_in`,
`province_codes_not_in`, `organisation_kinds_in`, `stages_in`, `sectors_in`.

The check answers one entry per rule (passed or not) so that staff see what was checked; an entry that
failed carries a reason in words, kept with its message id and parameters so it can be shown again in
another language (`reason_text`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from innohub.core.errors import ValidationFailed

RULE_KEYS = (
    "organisation_kinds",
    "stages",
    "founded_year",
    "provinces",
    "sectors",
    "team_size",
    "exclude_previous_participants",
)
QUOTA_CRITERIA = (
    "province_codes_in",
    "province_codes_not_in",
    "organisation_kinds_in",
    "stages_in",
    "sectors_in",
)
EARLIEST_YEAR = 1900
MAX_TEAM = 1_000_000

# Reasons of failed rules: message ids (translated when shown) with named placeholders.
REASONS: dict[str, str] = {
    "organisation_kinds": N_(
        "Only these kinds of organisation may apply: %(allowed)s. “%(name)s” is registered as %(actual)s."
    ),
    "stages": N_(
        "The call is open to organisations at these stages: %(allowed)s; “%(name)s” is at %(actual)s."
    ),
    "stages.missing": N_(
        "The call is open to organisations at these stages: %(allowed)s; the stage of “%(name)s” is not "
        "recorded in its directory profile."
    ),
    "founded_year": N_(
        "The call accepts organisations founded %(range)s; “%(name)s” was founded in %(actual)s."
    ),
    "founded_year.missing": N_(
        "The call accepts organisations founded %(range)s; the founding year of “%(name)s” is not recorded "
        "in its directory profile."
    ),
    "provinces": N_("The call is open to organisations in %(allowed)s; “%(name)s” is in %(actual)s."),
    "provinces.missing": N_(
        "The call is open to organisations in %(allowed)s; the province of “%(name)s” is not recorded in "
        "its directory profile."
    ),
    "sectors": N_(
        "The call is open to these sectors: %(allowed)s; the profile of “%(name)s” lists %(actual)s."
    ),
    "sectors.missing": N_(
        "The call is open to these sectors: %(allowed)s; the profile of “%(name)s” lists no sector."
    ),
    "team_size": N_("The call asks for a team of %(range)s people; “%(name)s” has %(actual)s."),
    "team_size.missing": N_(
        "The call asks for a team of %(range)s people; the team size of “%(name)s” is not recorded in its "
        "directory profile."
    ),
    "exclude_previous_participants": N_(
        "“%(name)s” already took part in the programme “%(programme)s”, which does not accept previous "
        "participants."
    ),
}


# --- facts about organisations ------------------------------------------------------------------


@dataclass
class OrganisationFacts:
    """What the rules and quotas look at, read once for many organisations."""

    pk: int
    name: str
    kind: str
    kind_label: str
    stage: str | None = None
    stage_label: str | None = None
    founded_year: int | None = None
    team_size: int | None = None
    province: str | None = None  # current code (a former province is mapped)
    province_label: str | None = None
    sectors: set[str] = field(default_factory=set)  # codes, with the sections of divisions
    sector_labels: list[str] = field(default_factory=list)


def organisation_facts(organisation_ids: Iterable[int]) -> dict[int, OrganisationFacts]:
    """Two queries whatever the number of organisations."""
    from innohub.directory.models import Organisation

    ids = sorted(set(organisation_ids))
    if not ids:
        return {}
    out: dict[int, OrganisationFacts] = {}
    orgs = Organisation.objects.filter(pk__in=ids).select_related(
        "stage", "province", "legacy_province__province"
    )
    for org in orgs.only(
        "pk",
        "name",
        "name_vi",
        "name_en",
        "kind",
        "founded_year",
        "team_size",
        "stage__code",
        "stage__name",
        "stage__name_vi",
        "stage__name_en",
        "province__code",
        "province__name",
        "legacy_province__province__code",
        "legacy_province__province__name",
    ):
        province = org.province or (org.legacy_province.province if org.legacy_province else None)
        out[org.pk] = OrganisationFacts(
            pk=org.pk,
            name=org.name,
            kind=org.kind,
            kind_label=str(org.get_kind_display()),
            stage=org.stage.code if org.stage else None,
            stage_label=str(org.stage.name) if org.stage else None,
            founded_year=org.founded_year,
            team_size=org.team_size,
            province=province.code if province else None,
            province_label=province.name if province else None,
        )
    through = Organisation.sectors.through.objects.filter(organisation_id__in=ids)
    for org_id, code, parent_code, name in through.values_list(
        "organisation_id", "sector__code", "sector__parent__code", "sector__name"
    ):
        facts = out[org_id]
        facts.sectors.add(code)
        if parent_code:
            facts.sectors.add(parent_code)
        facts.sector_labels.append(f"{code} {name}")
    return out


# --- validation of the rules themselves -----------------------------------------------------------


def _codes(value: Any, key: str, errors: dict[str, list[str]]) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.setdefault(key, []).append(_("Enter a list of codes."))
        return None
    return list(dict.fromkeys(v.strip() for v in value))


def _range(value: Any, key: str, errors: dict[str, list[str]], low: int, high: int) -> dict[str, int] | None:
    if not isinstance(value, Mapping) or not set(value) <= {"min", "max"}:
        errors.setdefault(key, []).append(_("Enter an object with “min” and/or “max”."))
        return None
    out: dict[str, int] = {}
    for bound in ("min", "max"):
        raw = value.get(bound)
        if raw is None:
            continue
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            errors.setdefault(key, []).append(
                _("“%(bound)s” must be a whole number between %(low)s and %(high)s.")
                % {"bound": bound, "low": low, "high": high}
            )
            return None
        out[bound] = raw
    if not out:
        errors.setdefault(key, []).append(_("Give at least “min” or “max”."))
        return None
    if "min" in out and "max" in out and out["min"] > out["max"]:
        errors.setdefault(key, []).append(_("“min” cannot be greater than “max”."))
        return None
    return out


def _unknown(found: Iterable[str], wanted: list[str]) -> list[str]:
    known = set(found)
    return [c for c in wanted if c not in known]


def normalise_province_codes(codes: list[str]) -> tuple[list[str], list[str]]:
    """(current codes, unknown codes): a current code is taken as is, a former one is mapped to the
    province that absorbed it (codes overlap: a code that is current wins)."""
    from innohub.taxonomy.models import LegacyProvince, Province

    current = set(Province.objects.filter(code__in=codes).values_list("code", flat=True))
    legacy = dict(
        LegacyProvince.objects.filter(code__in=[c for c in codes if c not in current]).values_list(
            "code", "province__code"
        )
    )
    out: list[str] = []
    unknown: list[str] = []
    for code in codes:
        if code in current:
            out.append(code)
        elif code in legacy:
            out.append(legacy[code])
        else:
            unknown.append(code)
    return list(dict.fromkeys(out)), unknown


def _check_codes(kind: str, key: str, codes: list[str], errors: dict[str, list[str]]) -> list[str]:
    from innohub.directory.models import OrganisationKind
    from innohub.taxonomy.models import Sector, Stage

    if kind == "kinds":
        missing = _unknown(OrganisationKind.values, codes)
    elif kind == "stages":
        missing = _unknown(Stage.objects.filter(code__in=codes).values_list("code", flat=True), codes)
    elif kind == "sectors":
        missing = _unknown(Sector.objects.filter(code__in=codes).values_list("code", flat=True), codes)
    else:
        codes, missing = normalise_province_codes(codes)
    if missing:
        errors.setdefault(key, []).append(_("Unknown codes: %(codes)s.") % {"codes": ", ".join(missing)})
    return codes


def validate_rules(rules: Any) -> dict[str, Any]:
    """The rules, normalised (former province codes mapped, duplicates dropped); ValidationFailed with
    one entry per wrong key (`eligibility.<key>`) otherwise."""
    if rules in (None, ""):
        return {}
    if not isinstance(rules, Mapping):
        raise ValidationFailed(fields={"eligibility": [_("Enter an object of rules.")]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in rules:
        if key not in RULE_KEYS:
            errors.setdefault(f"eligibility.{key}", []).append(
                _("Unknown rule. Known rules: %(keys)s.") % {"keys": ", ".join(RULE_KEYS)}
            )
    year_now = timezone.localdate().year
    for key, kind in (
        ("organisation_kinds", "kinds"),
        ("stages", "stages"),
        ("provinces", "provinces"),
        ("sectors", "sectors"),
    ):
        if key not in rules or rules[key] in (None, []):
            continue
        codes = _codes(rules[key], f"eligibility.{key}", errors)
        if codes is not None:
            out[key] = _check_codes(kind, f"eligibility.{key}", codes, errors)
    if rules.get("founded_year") is not None:
        bounds = _range(
            rules["founded_year"], "eligibility.founded_year", errors, EARLIEST_YEAR, year_now + 1
        )
        if bounds:
            out["founded_year"] = bounds
    if rules.get("team_size") is not None:
        bounds = _range(rules["team_size"], "eligibility.team_size", errors, 1, MAX_TEAM)
        if bounds:
            out["team_size"] = bounds
    flag = rules.get("exclude_previous_participants")
    if flag is not None:
        if not isinstance(flag, bool):
            errors.setdefault("eligibility.exclude_previous_participants", []).append(
                _("Enter true or false.")
            )
        elif flag:
            out["exclude_previous_participants"] = True
    if errors:
        raise ValidationFailed(_("The eligibility rules are not valid."), fields=errors)
    return out


def validate_quotas(quotas: Any) -> list[dict[str, Any]]:
    """The quotas, normalised; ValidationFailed naming `quotas.<n>.<key>` otherwise."""
    if quotas in (None, ""):
        return []
    if not isinstance(quotas, list):
        raise ValidationFailed(fields={"quotas": [_("Enter a list of quotas.")]})
    errors: dict[str, list[str]] = {}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    allowed = {"code", "label_vi", "label_en", "min_share", "max_share", *QUOTA_CRITERIA}
    for n, quota in enumerate(quotas):
        prefix = f"quotas.{n}"
        if not isinstance(quota, Mapping):
            errors.setdefault(prefix, []).append(_("Enter an object."))
            continue
        extra = sorted(set(quota) - allowed)
        if extra:
            errors.setdefault(prefix, []).append(_("Unknown keys: %(keys)s.") % {"keys": ", ".join(extra)})
        item: dict[str, Any] = {}
        code = quota.get("code")
        if (
            not isinstance(code, str)
            or not code.strip()
            or not code.replace("_", "").replace("-", "").isalnum()
        ):
            errors.setdefault(f"{prefix}.code", []).append(
                _("Enter a short code (letters, digits, - and _).")
            )
        elif code in seen:
            errors.setdefault(f"{prefix}.code", []).append(
                _("Two quotas have the code “%(code)s”.") % {"code": code}
            )
        else:
            seen.add(code)
            item["code"] = code
        for label in ("label_vi", "label_en"):
            value = quota.get(label, "")
            if not isinstance(value, str):
                errors.setdefault(f"{prefix}.{label}", []).append(_("Enter a text value."))
            else:
                item[label] = value.strip()[:200]
        if not item.get("label_vi") and not item.get("label_en"):
            errors.setdefault(f"{prefix}.label_vi", []).append(_("Give the quota a label."))
        for share in ("min_share", "max_share"):
            value = quota.get(share)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                errors.setdefault(f"{prefix}.{share}", []).append(
                    _("Enter a share between 0 and 1 (0.5 is half).")
                )
            else:
                item[share] = float(value)
        if (
            "min_share" not in item
            and "max_share" not in item
            and not any(f"{prefix}.{s}" in errors for s in ("min_share", "max_share"))
        ):
            errors.setdefault(prefix, []).append(_("Give a “min_share” or a “max_share”."))
        if item.get("min_share", 0) > item.get("max_share", 1):
            errors.setdefault(f"{prefix}.min_share", []).append(_("“min_share” cannot exceed “max_share”."))
        criteria = [c for c in QUOTA_CRITERIA if quota.get(c)]
        if not criteria:
            errors.setdefault(prefix, []).append(
                _("Give at least one criterion: %(keys)s.") % {"keys": ", ".join(QUOTA_CRITERIA)}
            )
        kinds = {
            "province_codes_in": "provinces",
            "province_codes_not_in": "provinces",
            "organisation_kinds_in": "kinds",
            "stages_in": "stages",
            "sectors_in": "sectors",
        }
        for criterion in criteria:
            key = f"{prefix}.{criterion}"
            codes = _codes(quota[criterion], key, errors)
            if codes is not None:
                item[criterion] = _check_codes(kinds[criterion], key, codes, errors)
        out.append(item)
    if errors:
        raise ValidationFailed(_("The quotas are not valid."), fields=errors)
    return out


# --- the check ------------------------------------------------------------------------------------


def _year_range_words(bounds: Mapping[str, int]) -> str:
    if "min" in bounds and "max" in bounds:
        return _("between %(min)s and %(max)s") % bounds
    if "min" in bounds:
        return _("in %(min)s or later") % bounds
    return _("in %(max)s or earlier") % bounds


def _size_range_words(bounds: Mapping[str, int]) -> str:
    if "min" in bounds and "max" in bounds:
        return _("%(min)s to %(max)s") % bounds
    if "min" in bounds:
        return _("at least %(min)s") % bounds
    return _("at most %(max)s") % bounds


def _in_range(value: int, bounds: Mapping[str, int]) -> bool:
    return bounds.get("min", value) <= value <= bounds.get("max", value)


def _labels(kind: str, codes: list[str]) -> str:
    """Codes in words, in the active language."""
    from innohub.directory.models import OrganisationKind
    from innohub.taxonomy.models import Province, Sector, Stage

    if kind == "kinds":
        names = dict(OrganisationKind.choices)
        words = [str(names.get(c, c)) for c in codes]
    elif kind == "stages":
        found = {s.code: str(s.name) for s in Stage.objects.filter(code__in=codes)}
        words = [found.get(c, c) for c in codes]
    elif kind == "provinces":
        found = {p.code: p.name for p in Province.objects.filter(code__in=codes)}
        words = [found.get(c, c) for c in codes]
    else:
        found = {s.code: f"{s.code} {s.name}" for s in Sector.objects.filter(code__in=codes)}
        words = [found.get(c, c) for c in codes]
    return str(get_text_list(words, _("or")))


def _entry(rule: str, passed: bool, reason: str | None = None, **params: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"rule": rule, "passed": passed}
    if reason is not None:
        entry["reason"] = reason
        entry["params"] = {k: str(v) for k, v in params.items()}
        entry["message"] = _(REASONS[reason]) % entry["params"]
        entry["language"] = get_language()
    return entry


def previous_participant_ids(call: Any, organisation_ids: Iterable[int]) -> set[int]:
    """Organisations among `organisation_ids` that are participants of the call's programme or were
    accepted in another call of it."""
    from innohub.programs.models import Application, Participant

    ids = list(organisation_ids)
    participants = set(
        Participant.objects.filter(programme_id=call.programme_id, organisation_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    )
    accepted = set(
        Application.objects.filter(
            call__programme_id=call.programme_id,
            organisation_id__in=ids,
            status=Application.Status.ACCEPTED,
        )
        .exclude(call_id=call.pk)
        .values_list("organisation_id", flat=True)
    )
    return participants | accepted


def check(call: Any, organisation: Any, *, facts: OrganisationFacts | None = None) -> list[dict[str, Any]]:
    """One entry per rule of the call: {"rule", "passed"} plus, when it failed, "reason", "params"
    and "message" (in the active language)."""
    rules = call.eligibility or {}
    if not rules:
        return []
    facts = facts or organisation_facts([organisation.pk])[organisation.pk]
    name = facts.name
    out: list[dict[str, Any]] = []
    if rules.get("organisation_kinds"):
        allowed = rules["organisation_kinds"]
        ok = facts.kind in allowed
        out.append(
            _entry("organisation_kinds", True)
            if ok
            else _entry(
                "organisation_kinds",
                False,
                "organisation_kinds",
                allowed=_labels("kinds", allowed),
                name=name,
                actual=facts.kind_label,
            )
        )
    if rules.get("stages"):
        allowed = rules["stages"]
        words = _labels("stages", allowed)
        if facts.stage is None:
            out.append(_entry("stages", False, "stages.missing", allowed=words, name=name))
        elif facts.stage not in allowed:
            out.append(_entry("stages", False, "stages", allowed=words, name=name, actual=facts.stage_label))
        else:
            out.append(_entry("stages", True))
    if rules.get("founded_year"):
        bounds = rules["founded_year"]
        words = _year_range_words(bounds)
        if facts.founded_year is None:
            out.append(_entry("founded_year", False, "founded_year.missing", range=words, name=name))
        elif not _in_range(facts.founded_year, bounds):
            out.append(
                _entry(
                    "founded_year", False, "founded_year", range=words, name=name, actual=facts.founded_year
                )
            )
        else:
            out.append(_entry("founded_year", True))
    if rules.get("provinces"):
        allowed = rules["provinces"]
        words = _labels("provinces", allowed)
        if facts.province is None:
            out.append(_entry("provinces", False, "provinces.missing", allowed=words, name=name))
        elif facts.province not in allowed:
            out.append(
                _entry("provinces", False, "provinces", allowed=words, name=name, actual=facts.province_label)
            )
        else:
            out.append(_entry("provinces", True))
    if rules.get("sectors"):
        allowed = rules["sectors"]
        words = _labels("sectors", allowed)
        if not facts.sectors:
            out.append(_entry("sectors", False, "sectors.missing", allowed=words, name=name))
        elif not facts.sectors & set(allowed):
            out.append(
                _entry(
                    "sectors",
                    False,
                    "sectors",
                    allowed=words,
                    name=name,
                    actual=", ".join(facts.sector_labels),
                )
            )
        else:
            out.append(_entry("sectors", True))
    if rules.get("team_size"):
        bounds = rules["team_size"]
        words = _size_range_words(bounds)
        if facts.team_size is None:
            out.append(_entry("team_size", False, "team_size.missing", range=words, name=name))
        elif not _in_range(facts.team_size, bounds):
            out.append(
                _entry("team_size", False, "team_size", range=words, name=name, actual=facts.team_size)
            )
        else:
            out.append(_entry("team_size", True))
    if rules.get("exclude_previous_participants"):
        if facts.pk in previous_participant_ids(call, [facts.pk]):
            out.append(
                _entry(
                    "exclude_previous_participants",
                    False,
                    "exclude_previous_participants",
                    name=name,
                    programme=call.programme.title,
                )
            )
        else:
            out.append(_entry("exclude_previous_participants", True))
    return out


def failures(report: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [entry for entry in report or [] if not entry.get("passed")]


def reason_text(entry: Mapping[str, Any]) -> str:
    """A failed entry's reason in the active language (the stored message if it cannot be rebuilt)."""
    reason = entry.get("reason")
    if reason in REASONS:
        try:
            return _(REASONS[str(reason)]) % dict(entry.get("params") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(entry.get("message", ""))


def rule_label(rule: str) -> str:
    labels = {
        "organisation_kinds": _("Kind of organisation"),
        "stages": _("Stage"),
        "founded_year": _("Founding year"),
        "provinces": _("Province"),
        "sectors": _("Sector"),
        "team_size": _("Team size"),
        "exclude_previous_participants": _("Previous participation"),
    }
    return labels.get(rule, rule)


def describe_rules(rules: Mapping[str, Any] | None) -> list[str]:
    """The rules in plain words, for the portal (one sentence per rule, in the active language)."""
    rules = rules or {}
    out: list[str] = []
    if rules.get("organisation_kinds"):
        out.append(_("Open to: %(kinds)s.") % {"kinds": _labels("kinds", rules["organisation_kinds"])})
    if rules.get("stages"):
        out.append(
            _("Stage of the organisation: %(stages)s.") % {"stages": _labels("stages", rules["stages"])}
        )
    if rules.get("founded_year"):
        out.append(_("Founded %(range)s.") % {"range": _year_range_words(rules["founded_year"])})
    if rules.get("provinces"):
        out.append(_("Located in %(provinces)s.") % {"provinces": _labels("provinces", rules["provinces"])})
    if rules.get("sectors"):
        out.append(_("Working in %(sectors)s.") % {"sectors": _labels("sectors", rules["sectors"])})
    if rules.get("team_size"):
        out.append(_("A team of %(range)s people.") % {"range": _size_range_words(rules["team_size"])})
    if rules.get("exclude_previous_participants"):
        out.append(_("Organisations that already took part in this programme cannot apply again."))
    return out


# --- quotas ---------------------------------------------------------------------------------------


@dataclass
class QuotaStatus:
    code: str
    label: str
    min_share: float | None
    max_share: float | None
    matching: int
    total: int
    share: float
    met: bool
    #: more matching applications needed (out of the same total) to reach min_share
    missing: int
    #: matching applications over max_share
    excess: int
    application_ids: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _quota_matches(quota: Mapping[str, Any], facts: OrganisationFacts | None) -> bool:
    if facts is None:
        return False
    if quota.get("province_codes_in") and facts.province not in quota["province_codes_in"]:
        return False
    if quota.get("province_codes_not_in") and (
        facts.province is None or facts.province in quota["province_codes_not_in"]
    ):
        return False  # an unknown province is not counted as "outside"
    if quota.get("organisation_kinds_in") and facts.kind not in quota["organisation_kinds_in"]:
        return False
    if quota.get("stages_in") and facts.stage not in quota["stages_in"]:
        return False
    return not (quota.get("sectors_in") and not facts.sectors & set(quota["sectors_in"]))


def quota_label(quota: Mapping[str, Any]) -> str:
    language = (get_language() or "vi").split("-")[0]
    preferred = quota.get(f"label_{language}") or quota.get("label_vi") or quota.get("label_en")
    return str(preferred or quota.get("code", ""))


def quota_status(call: Any, applications: Iterable[Any]) -> list[QuotaStatus]:
    """How the given applications (e.g. those the selection would accept) stand against each quota of
    the call. Two queries, whatever the number of applications."""
    apps = list(applications)
    quotas = call.quotas or []
    if not quotas:
        return []
    facts = organisation_facts(a.organisation_id for a in apps)
    total = len(apps)
    out: list[QuotaStatus] = []
    for quota in quotas:
        ids = [a.pk for a in apps if _quota_matches(quota, facts.get(a.organisation_id))]
        matching = len(ids)
        share = matching / total if total else 0.0
        low, high = quota.get("min_share"), quota.get("max_share")
        missing = max(0, math.ceil(low * total - 1e-9) - matching) if low is not None else 0
        excess = max(0, matching - math.floor(high * total + 1e-9)) if high is not None else 0
        out.append(
            QuotaStatus(
                code=quota["code"],
                label=quota_label(quota),
                min_share=low,
                max_share=high,
                matching=matching,
                total=total,
                share=share,
                met=missing == 0 and excess == 0,
                missing=missing,
                excess=excess,
                application_ids=ids,
            )
        )
    return out

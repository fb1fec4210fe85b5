"""Every write about personal data (CONVENTIONS.md §2): consent, the data subject's requests (a copy
of their data, deletion), the access log of sensitive records and the retention purge.

Rules followed (Decree 13/2023/ND-CP; Personal Data Protection Law 2025):

* consent is given per purpose, explicitly (a ticked box, never a default), and can be withdrawn at
  any time — except for the purpose without which there is no account: withdrawing that one means
  closing the account, and the user is told so;
* the data subject gets a copy of their data (JSON plus their uploaded files), only they can download
  it, and the copy itself is deleted after a few days;
* deletion anonymises the account instead of deleting rows other records point to, and keeps what
  another law requires the center to keep (audit trail, submitted programme applications and their
  decisions, accounting) — with the personal values in the kept audit entries masked — and says what
  was kept and why;
* who looked at or exported sensitive fields of someone else's record is logged, append-only, and the
  person concerned can read that log.

Other apps' models are imported inside functions: the directory imports this module to log access, so
a top-level import of the directory here would be circular.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from auditlog.context import disable_auditlog, set_actor
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from innohub.accounts.access import PLATFORM_ADMIN, can, centers_where, forget_scope, scope_for
from innohub.accounts.models import ApiToken, Invitation, Membership, User
from innohub.core import progress as progress_api
from innohub.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from innohub.privacy import defaults
from innohub.privacy.models import AccessLog, Consent, ConsentPurpose, DataRequest

logger = logging.getLogger("innohub.privacy")

#: who may see and handle other people's data requests at a center (center administrators hold it)
MANAGE_REQUESTS = "accounts.manage_members"
EXPORT_KIND = "privacy.export"
#: an export still "running" after this long is taken as lost (worker killed) and may be asked again
EXPORT_STALE_AFTER = timedelta(hours=1)
ERASED_EMAIL_DOMAIN = "erased.invalid"
ERASED_NAME = "[erased]"
REDACTED = "[erased]"
#: fields whose values are masked in the audit entries kept after an erasure
PERSONAL_FIELDS = frozenset(
    {
        "email",
        "phone",
        "personal_id",
        "full_name",
        "first_name",
        "last_name",
        "bio",
        "bio_vi",
        "bio_en",
        "linkedin",
        "title",
        "message",
    }
)
#: a person's fields whose display is logged (the other profile fields are public-facing)
SENSITIVE_PERSON_FIELDS = ("personal_id", "phone", "email")
#: never written into an export, whatever model they appear on
_SECRET_FIELD_PARTS = ("password", "hash", "secret", "token", "search_text", "name_key")
CENTER_ADMIN = "center_admin"


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(getattr(settings, name, default)))


def access_log_retention() -> timedelta:
    return _days("INNOHUB_ACCESS_LOG_RETENTION_DAYS", 730)


def invitation_retention() -> timedelta:
    """How long an invitation nobody accepted is kept after it expired (it holds an email address)."""
    return _days("INNOHUB_INVITATION_RETENTION_DAYS", 90)


def export_retention() -> timedelta:
    """How long a finished copy of someone's data stays downloadable before the purge deletes it."""
    return _days("INNOHUB_EXPORT_RETENTION_DAYS", 7)


def wrong_password_message() -> str:
    return _("The password is not correct.")


def _is_self(actor: Any, user: Any) -> bool:
    return getattr(actor, "pk", None) is not None and actor.pk == user.pk


# --- consent -------------------------------------------------------------------------------------


def active_purposes() -> list[ConsentPurpose]:
    return list(ConsentPurpose.objects.filter(active=True).order_by("position", "code"))


def get_purpose(code: str) -> ConsentPurpose:
    purpose = ConsentPurpose.objects.filter(code=code, active=True).first()
    if purpose is None:
        raise NotFound(_("There is no processing purpose “%(code)s”.") % {"code": code})
    return purpose


def required_withdrawal_message(purpose: ConsentPurpose) -> str:
    return _(
        "Consent to “%(purpose)s” is required to have an account. Withdrawing it means that your "
        "account must be closed: use “Delete my account” on the privacy page instead."
    ) % {"purpose": purpose.name}


@transaction.atomic
def set_consent(
    user: Any,
    purpose: ConsentPurpose | str,
    *,
    granted: bool,
    actor: Any,
    source: str = Consent.Source.SETTINGS,
) -> Consent:
    """Give or withdraw consent to one purpose. Giving it again after the purpose's text changed
    records the new text version. Withdrawing keeps the row (with the version that had been agreed)
    as proof until the retention purge."""
    if not _is_self(actor, user) and not scope_for(actor).is_platform_admin:
        raise Forbidden()
    if isinstance(purpose, str):
        purpose = get_purpose(purpose)
    if not granted and purpose.required:
        raise InvalidTransition(required_withdrawal_message(purpose), code="consent_required")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one consent change per user at a time
    consent = Consent.objects.select_for_update().filter(user=user, purpose=purpose).first()
    unchanged = consent is not None and consent.granted == granted
    if unchanged and (not granted or consent.text_version == purpose.text_version):  # type: ignore[union-attr]
        return consent  # type: ignore[return-value]
    now = timezone.now()
    with set_actor(actor):
        if consent is None:
            consent = Consent(user=user, purpose=purpose)
        consent.granted = granted
        consent.source = source
        if granted:
            consent.granted_at = now
            consent.withdrawn_at = None
            consent.text_version = purpose.text_version
        else:
            consent.withdrawn_at = now
        consent.save()
        if not granted:
            _after_withdrawal(user, purpose)
    return consent


def grant_consent(
    user: Any, purpose: ConsentPurpose | str, *, actor: Any, source: str = "settings"
) -> Consent:
    return set_consent(user, purpose, granted=True, actor=actor, source=source)


def withdraw_consent(
    user: Any, purpose: ConsentPurpose | str, *, actor: Any, source: str = "settings"
) -> Consent:
    return set_consent(user, purpose, granted=False, actor=actor, source=source)


def _after_withdrawal(user: Any, purpose: ConsentPurpose) -> None:
    """What stops at once when a consent is withdrawn."""
    if purpose.code == defaults.DIRECTORY_PROFILE:
        from innohub.core.models import Visibility
        from innohub.directory.models import Person
        from innohub.directory.services import update_person

        person = Person.objects.filter(user=user).first()
        if person is not None and person.visibility in (Visibility.PUBLIC, Visibility.NETWORK):
            # Off the portal and the network; the managing center keeps it for its own work.
            update_person(person, actor=None, visibility=Visibility.CENTER)


@transaction.atomic
def record_signup_consents(user: Any, granted_codes: Iterable[str]) -> list[Consent]:
    """The boxes ticked on the sign-up form. Every required purpose must be among them."""
    codes = set(granted_codes)
    purposes = active_purposes()
    missing = [p for p in purposes if p.required and p.code not in codes]
    if missing:
        raise ValidationFailed(
            fields={
                f"consent_{p.code}": [_("This consent is required to create an account.")] for p in missing
            }
        )
    return [
        set_consent(user, p, granted=True, actor=user, source=Consent.Source.SIGNUP)
        for p in purposes
        if p.code in codes
    ]


def missing_required_consents(user: Any) -> list[ConsentPurpose]:
    """Required purposes the user has not (or not for the current text) agreed to — for example
    accounts created before consent was recorded."""
    current = {
        c.purpose_id
        for c in Consent.objects.filter(user=user, granted=True).select_related("purpose")
        if c.text_version == c.purpose.text_version
    }
    return [p for p in active_purposes() if p.required and p.pk not in current]


# --- access log ----------------------------------------------------------------------------------


def _value(source: Any, name: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _subject_of(record: Any) -> tuple[int | None, Any]:
    """(the account the record is about, the directory person) for a Person, a User or anything with
    a `user_id`."""
    if record.__class__._meta.label_lower == "directory.person":
        return record.user_id, record
    if isinstance(record, User):
        return record.pk, None
    return getattr(record, "user_id", None), None


def _record_key(record: Any) -> str:
    return str(getattr(record, "uuid", None) or record.pk)


def log_access(
    actor: Any,
    record: Any,
    *,
    action: str = AccessLog.Action.VIEW,
    shown: Any = None,
    fields: Iterable[str] = SENSITIVE_PERSON_FIELDS,
    channel: str = "",
    reason: str = "",
) -> AccessLog | None:
    """Record that `actor` was shown sensitive fields of `record` (a directory Person or a User).

    `shown` is what was actually displayed (a dict, such as an API answer, or an object; by default
    the record): only fields with a value there are logged, and nothing is written when none has one
    or when people look at their own data.
    """
    if not getattr(actor, "is_authenticated", False):
        return None
    source = record if shown is None else shown
    present = [name for name in fields if _value(source, name)]
    if not present:
        return None
    subject_user_id, person = _subject_of(record)
    if subject_user_id is not None and subject_user_id == actor.pk:
        return None
    return AccessLog.objects.create(
        actor=actor,
        subject_user_id=subject_user_id,
        person=person,
        record_type=record.__class__._meta.label_lower,
        record_id=_record_key(record),
        action=action,
        fields=present,
        channel=channel[:16],
        reason=reason[:255],
    )


def current_actor() -> Any:
    """The signed-in user of the request being served (auditlog's middleware holds it), if any."""
    from auditlog.context import auditlog_value

    try:
        actor = auditlog_value.get().get("actor")
    except LookupError:
        return None
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def log_people_export(qs: Any, *, actor: Any = None, channel: str = "export") -> int:
    """One access-log row per exported person whose e-mail or phone went into the file."""
    actor = actor if actor is not None else current_actor()
    rows = (
        qs.order_by()
        .filter(Q(email__gt="") | Q(phone__gt=""))
        .values_list("pk", "uuid", "user_id", "email", "phone")
    )
    entries = []
    for pk, key, user_id, email, phone in rows.iterator(chunk_size=2000):
        entries.append(
            AccessLog(
                actor=actor,
                subject_user_id=user_id,
                person_id=pk,
                record_type="directory.person",
                record_id=str(key),
                action=AccessLog.Action.EXPORT,
                fields=[name for name, value in (("email", email), ("phone", phone)) if value],
                channel=channel,
                reason="directory.export",
            )
        )
    AccessLog.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


RowsFunction = TypeVar("RowsFunction", bound=Callable[..., Iterator[Any]])


def logs_people_export(rows: RowsFunction) -> RowsFunction:
    """Decorates an exporter's row generator over a Person queryset: the export is logged when the
    rows are asked for, still inside the request (a streamed file is written after the view returns)."""

    @wraps(rows)
    def wrapper(qs: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        log_people_export(qs)
        return rows(qs, *args, **kwargs)

    return cast(RowsFunction, wrapper)


# --- export (a copy of my data) -------------------------------------------------------------------


def _is_secret(name: str) -> bool:
    return any(part in name for part in _SECRET_FIELD_PARTS)


def as_dict(obj: Any, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A model row's own columns, for the export. Foreign keys are ids; files are their stored names;
    secrets (password and token hashes) are never included."""
    skip = set(exclude)
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in skip or _is_secret(f.name):
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            value = value.name if value else ""
        out[f.attname if f.is_relation else f.name] = value
    return out


def _optional_model(label: str) -> Any:
    """A model of an app that may not be installed (or not have it yet)."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


#: (section, model label, field pointing at the user) of the programmes app, read if present
PROGRAMME_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("applications", "programs.Application", "created_by"),
    ("application_versions", "programs.ApplicationVersion", "submitted_by"),
    ("application_files", "programs.ApplicationFile", "uploaded_by"),
    ("letters", "programs.Letter", "recipient"),
    ("appeals", "programs.Appeal", "filed_by"),
)


def _programme_rows(user: Any) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    files: list[tuple[str, Any]] = []
    for section, label, user_field in PROGRAMME_SECTIONS:
        model = _optional_model(label)
        if model is None or not _has_field(model, user_field):
            continue
        rows = []
        for obj in model._default_manager.filter(**{user_field: user}).order_by("pk"):
            rows.append(as_dict(obj))
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.FileField):
                    stored = getattr(obj, f.attname)
                    if stored:
                        original = getattr(obj, "original_name", "") or stored.name.rsplit("/", 1)[-1]
                        files.append((f"files/{section}/{obj.pk}-{original}", stored))
        sections[section] = rows
    return sections, files


def _person_data(user: Any) -> dict[str, Any] | None:
    from innohub.directory.models import Person

    person = (
        Person.objects.filter(user=user)
        .select_related("center", "organisation", "province", "country")
        .first()
    )
    if person is None:
        return None
    data = as_dict(person)
    data["center"] = person.center.slug
    data["organisation"] = (
        person.organisation.name if person.organisation_id and person.organisation else None
    )
    data["sectors"] = sorted(s.code for s in person.sectors.all())
    data["science_fields"] = sorted(f.code for f in person.science_fields.all())
    data["tags"] = sorted(t.name for t in person.tags.all())
    return data


def _organisations_data(user: Any) -> list[dict[str, Any]]:
    from innohub.directory.models import OrganisationMember

    rows = (
        OrganisationMember.objects.filter(user=user)
        .select_related("organisation", "organisation__center")
        .order_by("organisation__name")
    )
    return [
        {
            "uuid": m.organisation.uuid,
            "slug": m.organisation.slug,
            "name": m.organisation.name,
            "kind": m.organisation.kind,
            "center": m.organisation.center.slug,
            "my_role": m.role,
            "since": m.created_at,
        }
        for m in rows
    ]


def _claims_data(user: Any) -> list[dict[str, Any]]:
    from innohub.directory.models import ClaimRequest

    return [
        {
            "organisation": c.organisation.slug,
            "message": c.message,
            "status": c.status,
            "created_at": c.created_at,
            "decided_at": c.decided_at,
            "decision_note": c.decision_note,
        }
        for c in ClaimRequest.objects.filter(user=user).select_related("organisation")
    ]


def _profile_data(user: Any) -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    data = {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }
    authenticators = _optional_model("mfa.Authenticator")
    if authenticators is not None:
        data["two_factor_methods"] = sorted(
            authenticators.objects.filter(user=user).values_list("type", flat=True)
        )
    return data


def _access_log_data(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "by": str(e.actor) if e.actor_id else None,
            "action": e.action,
            "record_type": e.record_type,
            "record_id": e.record_id,
            "fields": e.fields,
            "channel": e.channel,
            "reason": e.reason,
        }
        for e in AccessLog.objects.about(user).select_related("actor")
    ]


def user_data(user: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Everything the platform holds about `user`, as JSON-ready data, and their uploaded files as
    (path in the archive, stored file)."""
    programmes, files = _programme_rows(user)
    data: dict[str, Any] = {
        "format": "innohub-personal-data",
        "format_version": 1,
        "generated_at": timezone.now(),
        "instance": getattr(settings, "INNOHUB_INSTANCE", "local"),
        "profile": _profile_data(user),
        "memberships": [
            {
                "center": m.center.slug,
                "center_name": m.center.name,
                "role": m.role.code,
                "role_name": m.role.name,
                "since": m.created_at,
            }
            for m in Membership.objects.filter(user=user).select_related("center", "role").order_by("pk")
        ],
        "consents": [
            {
                "purpose": c.purpose.code,
                "purpose_name": c.purpose.name,
                "granted": c.granted,
                "text_version": c.text_version,
                "granted_at": c.granted_at,
                "withdrawn_at": c.withdrawn_at,
                "source": c.source,
            }
            for c in Consent.objects.filter(user=user).select_related("purpose")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "key_prefix": t.key_prefix,
                "scope": t.scope,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "expires_at": t.expires_at,
                "revoked_at": t.revoked_at,
            }
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "invitations": [
            {
                "center": i.center.slug,
                "role": i.role.code,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "accepted_at": i.accepted_at,
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("center", "role")
        ],
        "organisations": _organisations_data(user),
        "directory_person": _person_data(user),
        "profile_claims": _claims_data(user),
        "programmes": programmes,
        "data_requests": [
            {
                "kind": r.kind,
                "status": r.status,
                "created_at": r.created_at,
                "completed_at": r.completed_at,
                "note": r.note,
                "explanation": r.explanation,
            }
            for r in DataRequest.objects.filter(user=user)
        ],
        "access_log": _access_log_data(user),
    }
    return data, files


def _readme() -> str:
    return _(
        "This archive holds a copy of the personal data that InnoHub keeps about you.\n\n"
        "data.json: your account, memberships, consents, API tokens (without the secret tokens), "
        "organisations, directory profile, programme applications and letters, your requests about "
        "your data, and who looked at or exported your sensitive data.\n"
        "files/: the files you uploaded.\n"
    )


def _no_progress(done: int, total: int, message: str = "") -> None:
    return None


def export_user_data(user: Any, *, progress: progress_api.ProgressCallback | None = None) -> bytes:
    """A ZIP archive: data.json, README.txt and the user's uploaded files."""
    data, files = user_data(user)
    total = 1 + len(files)
    report: progress_api.ProgressCallback = progress or _no_progress
    buffer = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n, (name, stored) in enumerate(files, start=1):
            try:
                with stored.open("rb") as fh:
                    archive.writestr(name, fh.read())
            except (OSError, ValueError):
                missing.append(name)
            report(n, total, "")
        data["missing_files"] = missing
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True)
        )
        archive.writestr("README.txt", _readme())
    report(total, total, "")
    return buffer.getvalue()


@transaction.atomic
def request_export(user: Any, *, actor: Any, language: str = "vi") -> DataRequest:
    """Start a copy of the user's data (a background task). Only the user may ask; a second request
    while one runs returns the running one."""
    if not _is_self(actor, user):
        raise Forbidden(_("Only you can ask for a copy of your data."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    running = (
        DataRequest.objects.filter(
            user=user,
            kind=DataRequest.Kind.EXPORT,
            status__in=[DataRequest.Status.PENDING, DataRequest.Status.RUNNING],
            created_at__gte=timezone.now() - EXPORT_STALE_AFTER,
        )
        .order_by("-created_at")
        .first()
    )
    if running is not None:
        return running
    progress = progress_api.start_progress(EXPORT_KIND, _("Copy of my personal data"), owner=user)
    with set_actor(actor):
        data_request = DataRequest.objects.create(user=user, kind=DataRequest.Kind.EXPORT, progress=progress)
    from innohub.privacy.tasks import enqueue_export

    enqueue_export(data_request, language=language)
    return data_request


def mark_export_running(data_request: DataRequest) -> None:
    DataRequest.objects.filter(pk=data_request.pk).update(
        status=DataRequest.Status.RUNNING, updated_at=timezone.now()
    )
    if data_request.progress_id:
        progress_api.mark_running(data_request.progress_id, total=1, message=_("Collecting your data…"))


def complete_export(data_request: DataRequest, content: bytes) -> DataRequest:
    """Store the archive under an unguessable name and mark the request done."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = default_storage.save(
        f"privacy/exports/{uuid.uuid4().hex}/innohub-data-{stamp}.zip", ContentFile(content)
    )
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        locked.result_file.name = name
        locked.result_size = len(content)
        locked.status = DataRequest.Status.DONE
        locked.completed_at = timezone.now()
        locked.save(update_fields=["result_file", "result_size", "status", "completed_at", "updated_at"])
    if locked.progress_id:
        progress_api.finish(
            locked.progress_id,
            {"data_request": str(locked.uuid)},
            message=_("Your copy is ready to download."),
        )
    return locked


def fail_export(data_request: DataRequest, message: str) -> None:
    DataRequest.objects.filter(pk=data_request.pk).update(
        status=DataRequest.Status.FAILED, explanation=message, updated_at=timezone.now()
    )
    if data_request.progress_id:
        progress_api.fail(data_request.progress_id, message)


def export_for_download(user: Any, key: Any) -> DataRequest:
    """The user's own finished export; anyone else's (even an administrator's view) is a 404."""
    try:
        request_uuid = uuid.UUID(str(key))
    except ValueError:
        raise NotFound() from None
    owner_id = getattr(user, "pk", None)
    data_request = (
        DataRequest.objects.filter(uuid=request_uuid, user_id=owner_id, kind=DataRequest.Kind.EXPORT).first()
        if owner_id is not None
        else None
    )
    if data_request is None:
        raise NotFound()
    return data_request


# --- erasure -------------------------------------------------------------------------------------


@dataclass
class ErasurePlan:
    """What deleting an account removes, what it keeps and why, and what stands in the way."""

    deleted: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "deleted": list(self.deleted),
            "kept": [{"what": what, "why": why} for what, why in self.kept],
            "blockers": list(self.blockers),
        }

    def as_text(self) -> str:
        lines = [_("Deleted or anonymised:")]
        lines += [f"- {item}" for item in self.deleted]
        lines.append(_("Kept, and why:"))
        lines += [f"- {what}: {why}" for what, why in self.kept]
        return "\n".join(lines)


def is_erased(user: Any) -> bool:
    return bool(user.email.endswith("@" + ERASED_EMAIL_DOMAIN) and not user.is_active)


def _programme_counts(user: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section, label, user_field in PROGRAMME_SECTIONS:
        model = _optional_model(label)
        if model is not None and _has_field(model, user_field):
            counts[section] = model._default_manager.filter(**{user_field: user}).count()
    return counts


def _sole_admin_centers(user: Any) -> list[Any]:
    centers = []
    for membership in Membership.objects.filter(user=user, role__code=CENTER_ADMIN).select_related("center"):
        others = (
            Membership.objects.filter(center_id=membership.center_id, role__code=CENTER_ADMIN)
            .exclude(user=user)
            .exists()
        )
        if not others:
            centers.append(membership.center)
    return centers


def erasure_plan(user: Any) -> ErasurePlan:
    from innohub.directory.models import OrganisationMember, Person

    plan = ErasurePlan()
    if user.is_superuser or Membership.objects.filter(user=user, role__code=PLATFORM_ADMIN).exists():
        plan.blockers.append(
            _(
                "A platform administrator account cannot be deleted here. Another operator must first "
                "remove the administrator rights."
            )
        )
    for center in _sole_admin_centers(user):
        plan.blockers.append(
            _(
                "This account is the only administrator of %(center)s. A center must keep an "
                "administrator: appoint another one first."
            )
            % {"center": center.name}
        )
    memberships = Membership.objects.filter(user=user).count()
    org_memberships = OrganisationMember.objects.filter(user=user).count()
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    has_person = Person.objects.filter(user=user).exists()
    plan.deleted.append(
        _(
            "Your name, e-mail address and phone number are replaced; your password is removed, you "
            "cannot sign in any more and every open session is ended."
        )
    )
    plan.deleted.append(_("Your memberships of centers (%(count)s) end.") % {"count": memberships})
    plan.deleted.append(
        _("Your role in organisations' profiles (%(count)s) ends; pending profile claims are withdrawn.")
        % {"count": org_memberships}
    )
    plan.deleted.append(_("Your API tokens (%(count)s active) are revoked.") % {"count": tokens})
    if has_person:
        plan.deleted.append(
            _(
                "Your directory profile loses your name, contact details, personal ID number and "
                "biography, and is hidden."
            )
        )
    plan.deleted.append(
        _("Your e-mail addresses, two-factor devices, sign-in history and copies of your data are deleted.")
    )
    plan.deleted.append(_("Your consents are withdrawn."))

    plan.kept.append(
        (
            _("The audit trail (who changed what, and when)"),
            _(
                "Kept for accountability and security as long as the audit log is kept; your name, "
                "e-mail and the personal values in it are replaced."
            ),
        )
    )
    counts = _programme_counts(user)
    submitted = counts.get("applications", 0) + counts.get("letters", 0) + counts.get("appeals", 0)
    plan.kept.append(
        (
            _("Submitted programme applications, their files, decisions and letters (%(count)s)")
            % {"count": submitted},
            _(
                "The programme must keep its selection records for its record-keeping period (public "
                "funds are audited); they stay with the organisation that applied and no longer point "
                "to your name."
            ),
        )
    )
    plan.kept.append(
        (
            _("Accounting and co-investment records"),
            _("Kept for the period the accounting law requires."),
        )
    )
    plan.kept.append(
        (
            _("The access log of sensitive records"),
            _("Kept for %(days)s days to show who looked at personal data, then deleted.")
            % {"days": access_log_retention().days},
        )
    )
    plan.kept.append(
        (
            _("The record of your consents and of this request"),
            _("Kept as proof for each purpose's retention period, then deleted by the retention purge."),
        )
    )
    return plan


def may_handle_requests(actor: Any) -> bool:
    scope = scope_for(actor)
    return scope.is_platform_admin or bool(centers_where(actor, MANAGE_REQUESTS))


def _user_center_ids(user_id: int) -> set[int]:
    from innohub.directory.models import OrganisationMember, Person

    ids = set(Membership.objects.filter(user_id=user_id).values_list("center_id", flat=True))
    ids |= set(Person.objects.filter(user_id=user_id).values_list("center_id", flat=True))
    ids |= set(
        OrganisationMember.objects.filter(user_id=user_id).values_list("organisation__center_id", flat=True)
    )
    return ids


def may_act_for(actor: Any, user: Any) -> bool:
    """The user themselves, a platform administrator, or an administrator of a center the user
    belongs to (as a member, a directory person or an organisation's member)."""
    if _is_self(actor, user) or scope_for(actor).is_platform_admin:
        return True
    return any(can(actor, MANAGE_REQUESTS, center_id=cid) for cid in _user_center_ids(user.pk))


def _erased_email() -> str:
    return f"erased-{uuid.uuid4().hex[:16]}@{ERASED_EMAIL_DOMAIN}"


def _drop_sessions(user_pk: int) -> int:
    """Delete the user's stored sessions. With a cache-only session engine sessions cannot be listed;
    they die anyway at their next request, because the password (part of the session hash) changed
    and the account is inactive."""
    from importlib import import_module

    engine = settings.SESSION_ENGINE
    if engine not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return 0
    from django.contrib.sessions.models import Session

    store = import_module(engine).SessionStore
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if s.get_decoded().get("_auth_user_id") == str(user_pk)
    ]
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


def _redact_changes(changes: Any, old_values: Iterable[str]) -> Any:
    olds = [v for v in old_values if v]
    if isinstance(changes, dict):
        out = {}
        for key, value in changes.items():
            if key in PERSONAL_FIELDS and isinstance(value, list):
                out[key] = [REDACTED if item not in (None, "", "None") else item for item in value]
            else:
                out[key] = _redact_changes(value, olds)
        return out
    if isinstance(changes, list):
        return [_redact_changes(item, olds) for item in changes]
    if isinstance(changes, str):
        for old in olds:
            changes = changes.replace(old, REDACTED)
        return changes
    return changes


def redact_audit_entries(
    *,
    user: Any = None,
    old_values: Iterable[str] = (),
    objects: Iterable[Any] = (),
    new_email: str = "",
    scan_for: Iterable[str] = (),
) -> int:
    """Mask personal values in the audit entries that are kept: the entries `user` made (their e-mail
    as actor), those about `objects` (changed fields that hold personal data, and the old values
    wherever they appear) and any entry whose description names one of `scan_for` (unique values such
    as an e-mail address: a name is not unique and is only masked in the entries found otherwise)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    olds = [v for v in old_values if v]
    condition = Q(pk__in=[])
    if user is not None:
        condition |= Q(actor_id=user.pk)
    for obj in objects:
        condition |= Q(content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=str(obj.pk))
    for value in scan_for:
        if value:
            condition |= Q(object_repr__icontains=value)
    count = 0
    for entry in LogEntry.objects.filter(condition).iterator():
        updates: dict[str, Any] = {}
        if user is not None and entry.actor_id == user.pk and entry.actor_email:
            updates["actor_email"] = new_email or REDACTED
        changes = _redact_changes(entry.changes, olds)
        if changes != entry.changes:
            updates["changes"] = changes
        text = _redact_changes(entry.changes_text or "", olds)
        if text != (entry.changes_text or ""):
            updates["changes_text"] = text
        for old in olds:
            if old in (entry.object_repr or ""):
                updates["object_repr"] = (updates.get("object_repr") or entry.object_repr).replace(
                    old, REDACTED
                )
        if updates:
            LogEntry.objects.filter(pk=entry.pk).update(**updates)
            count += 1
    return count


@transaction.atomic
def erase_user(user: Any, *, actor: Any, data_request: DataRequest | None = None) -> ErasurePlan:
    """Anonymise an account (the right to deletion). Returns what was deleted and what was kept and
    why; raises InvalidTransition naming the obstacle when the account cannot be deleted yet."""
    from allauth.account.models import EmailAddress

    from innohub.centers.models import Center
    from innohub.core.models import Visibility
    from innohub.directory.models import ClaimRequest, OrganisationMember, Person
    from innohub.directory.services import update_person

    if not may_act_for(actor, user):
        raise Forbidden()
    # Lock the centers first (accounts.services does the same): an administrator leaving cannot race
    # another one leaving and leave the center without one.
    center_ids = list(Membership.objects.filter(user=user).values_list("center_id", flat=True))
    list(Center.objects.select_for_update().filter(pk__in=center_ids).order_by("pk"))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(locked):
        raise InvalidTransition(_("This account has already been deleted."), code="already_erased")
    plan = erasure_plan(locked)
    if plan.blockers:
        raise InvalidTransition(" ".join(str(b) for b in plan.blockers), code="erasure_blocked")

    now = timezone.now()
    old_values = [locked.email, locked.full_name, locked.first_name, locked.last_name, locked.phone]
    new_email = _erased_email()
    person = Person.objects.filter(user=locked).first()
    if person is not None:
        old_values += [person.full_name, person.email, person.phone, person.personal_id]
    invitations = list(Invitation.objects.filter(email__iexact=locked.email))
    memberships = list(Membership.objects.filter(user=locked).select_related("center", "role"))
    with set_actor(actor):
        for membership in memberships:
            membership.delete()
        OrganisationMember.objects.filter(user=locked).delete()
        ClaimRequest.objects.filter(user=locked, status=ClaimRequest.Status.PENDING).delete()
        ClaimRequest.objects.filter(user=locked).update(message="")
        ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=now)
        # Invitations keep who invited whom to which role, under the replaced address.
        Invitation.objects.filter(pk__in=[i.pk for i in invitations], accepted_at__isnull=True).update(
            expires_at=now
        )
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(email=new_email)
        EmailAddress.objects.filter(user=locked).delete()
        authenticators = _optional_model("mfa.Authenticator")
        if authenticators is not None:
            authenticators.objects.filter(user=locked).delete()
        _forget_sign_in_history(locked.email)
        if person is not None:
            update_person(
                person,
                actor=None,
                full_name=ERASED_NAME,
                title="",
                bio_vi="",
                bio_en="",
                email="",
                phone="",
                personal_id="",
                linkedin="",
                visibility=Visibility.PRIVATE,
                user=None,
            )
        for consent in Consent.objects.filter(user=locked, granted=True):
            consent.granted = False
            consent.withdrawn_at = now
            consent.source = Consent.Source.ERASURE
            consent.save()
        exports = DataRequest.objects.filter(user=locked, kind=DataRequest.Kind.EXPORT).exclude(
            result_file=""
        )
        _delete_files_on_commit([r.result_file.name for r in exports])
        exports.update(result_file="", result_size=0)
        locked.email = new_email
        locked.full_name = ""
        locked.first_name = ""
        locked.last_name = ""
        locked.phone = ""
        locked.is_active = False
        locked.is_staff = False
        locked.set_unusable_password()
        locked.save(
            update_fields=[
                "email",
                "full_name",
                "first_name",
                "last_name",
                "phone",
                "is_active",
                "is_staff",
                "password",
            ]
        )
    sessions = _drop_sessions(locked.pk)
    redact_audit_entries(
        user=locked,
        old_values=old_values,
        objects=[*([person] if person is not None else []), *invitations, *memberships, locked],
        new_email=new_email,
        scan_for=[old_values[0]],
    )
    forget_scope(user)
    if data_request is not None:
        with set_actor(actor):
            data_request.status = DataRequest.Status.DONE
            data_request.completed_at = now
            data_request.handled_by = actor if not _is_self(actor, user) else None
            data_request.explanation = plan.as_text()
            data_request.report = plan.as_dict()
            data_request.save(
                update_fields=["status", "completed_at", "handled_by", "explanation", "report", "updated_at"]
            )
    logger.info(
        "account %s erased by %s (%s sessions ended)", locked.pk, getattr(actor, "pk", None), sessions
    )
    return plan


def _forget_sign_in_history(email: str) -> None:
    """django-axes keeps sign-in attempts under the address typed: they go with the account."""
    for label in ("axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"):
        model = _optional_model(label)
        if model is not None:
            model.objects.filter(username__iexact=email).delete()


def _delete_files_on_commit(names: list[str]) -> None:
    names = [n for n in names if n]
    if not names:
        return

    def _delete() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete %s", name)

    transaction.on_commit(_delete)


@transaction.atomic
def request_erasure(user: Any, *, actor: Any, note: str = "") -> tuple[DataRequest, ErasurePlan | None]:
    """The user asks to delete their account. It is done at once when nothing stands in the way;
    otherwise the request stays open, saying why, for the center's administrators."""
    if not _is_self(actor, user):
        raise Forbidden(_("Only you can ask to delete your account."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    if is_erased(user):
        raise InvalidTransition(_("This account has already been deleted."), code="already_erased")
    existing = DataRequest.objects.filter(
        user=user, kind=DataRequest.Kind.ERASURE, status=DataRequest.Status.PENDING
    ).first()
    with set_actor(actor):
        data_request = existing or DataRequest.objects.create(
            user=user, kind=DataRequest.Kind.ERASURE, note=(note or "").strip()[:2000]
        )
    plan = erasure_plan(user)
    if plan.blockers:
        with set_actor(actor):
            data_request.explanation = "\n".join(str(b) for b in plan.blockers)
            data_request.save(update_fields=["explanation", "updated_at"])
        return data_request, None
    return data_request, erase_user(user, actor=actor, data_request=data_request)


@transaction.atomic
def decide_data_request(
    data_request: DataRequest, *, actor: Any, approve: bool, explanation: str = ""
) -> DataRequest:
    """A center administrator carries out an open erasure request (once its obstacle is gone) or
    declines it, saying why (for example a legal duty to keep the data)."""
    locked = DataRequest.objects.select_for_update().select_related("user").get(pk=data_request.pk)
    if not may_act_for(actor, locked.user) or _is_self(actor, locked.user):
        raise Forbidden()
    if not locked.is_open:
        raise InvalidTransition(_("This request has already been handled."))
    explanation = (explanation or "").strip()
    if approve:
        if locked.kind != DataRequest.Kind.ERASURE:
            raise InvalidTransition(_("Only deletion requests are carried out here."))
        erase_user(locked.user, actor=actor, data_request=locked)
        locked.refresh_from_db()
        return locked
    if not explanation:
        raise ValidationFailed(fields={"explanation": [_("Say why the request is declined.")]})
    with set_actor(actor):
        locked.status = DataRequest.Status.DECLINED
        locked.explanation = explanation[:4000]
        locked.completed_at = timezone.now()
        locked.handled_by = actor
        locked.save(update_fields=["status", "explanation", "completed_at", "handled_by", "updated_at"])
    return locked


# --- retention purge -----------------------------------------------------------------------------


@dataclass
class PurgeReport:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge_personal_data(*, dry_run: bool = False, now: Any = None) -> PurgeReport:
    """Delete what is past its retention period. Running it twice deletes nothing the second time.

    * consents withdrawn longer ago than their purpose's retention period (the proof is no longer
      needed, and neither is the data kept for that purpose);
    * invitations nobody accepted, some time after they expired (they hold an e-mail address);
    * access-log entries older than the access log's own retention period;
    * copies of people's data (exports) older than a few days.
    """
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run)
    with transaction.atomic():
        consent_q = Q(pk__in=[])
        for purpose in ConsentPurpose.objects.all():
            consent_q |= Q(purpose=purpose, withdrawn_at__lt=now - timedelta(days=purpose.retention_days))
        consents = Consent.objects.filter(consent_q, granted=False)
        invitations = Invitation.objects.filter(
            accepted_at__isnull=True, expires_at__lt=now - invitation_retention()
        )
        access = AccessLog.objects.filter(at__lt=now - access_log_retention())
        exports = DataRequest.objects.filter(
            kind=DataRequest.Kind.EXPORT, completed_at__lt=now - export_retention()
        ).exclude(result_file="")
        report.counts = {
            "withdrawn_consents": consents.count(),
            "expired_invitations": invitations.count(),
            "access_log_entries": access.count(),
            "data_exports": exports.count(),
        }
        if dry_run:
            return report
        invitation_rows = list(invitations.only("pk", "email"))
        with disable_auditlog():
            consents.delete()
            Invitation.objects.filter(pk__in=[i.pk for i in invitation_rows]).delete()
            access.delete()  # QuerySet.delete: AccessLog.delete() refuses single deletions on purpose
        redact_audit_entries(old_values=[i.email for i in invitation_rows], objects=invitation_rows)
        _delete_files_on_commit([r.result_file.name for r in exports])
        exports.update(result_file="", result_size=0)
    logger.info("retention purge: %s", report.counts)
    return report

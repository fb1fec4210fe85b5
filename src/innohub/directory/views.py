"""Workspace pages of the directory: lists, create/edit/delete, relations, claims and change history.

Reads go through directory.selectors (visibility in the ORM), writes through directory.services.
An unknown or invisible record is a 404; a visible record the user may not act on is a 403 page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innohub.accounts.access import can, centers_where, scope_for
from innohub.accounts.dashboard import pending_claims_for
from innohub.accounts.web import apply_domain_error, error_status, forbidden
from innohub.centers.models import Center
from innohub.core.errors import Conflict, DomainError, NotFound
from innohub.core.search import correction_note
from innohub.directory import selectors, services
from innohub.directory.filters import DirectoryFilters
from innohub.directory.forms import (
    ClaimDecisionForm,
    ClaimForm,
    OrganisationForm,
    PersonForm,
    PersonRelationForm,
    RelationForm,
)
from innohub.directory.models import (
    ClaimRequest,
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRelation,
    Person,
    PersonRelation,
)
from innohub.privacy.services import log_access
from innohub.taxonomy.models import Province

PAGE_SIZE = 25
ORG_ALIASES = {"name": "name_vi", "description": "description_vi"}
PERSON_ALIASES = {"bio": "bio_vi", "organisation": "organisation_ref"}


# --- lookups -------------------------------------------------------------------------------------


def _organisation(user: Any, key: str) -> Organisation:
    """A visible organisation, or one the user manages (an owner keeps access if visibility narrows)."""
    try:
        return selectors.get_organisation_for(user, key)
    except NotFound:
        managed = Organisation.objects.filter(memberships__user=user).select_related("center")
        org = managed.filter(Q(slug=key) | Q(uuid=_as_uuid(key))).first()
        if org is None:
            raise Http404 from None
        return org


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def _person(user: Any, key: str) -> Person:
    try:
        return selectors.get_person_for(user, key)
    except NotFound:
        raise Http404 from None


def _centers_for_adding(user: Any) -> list[Center]:
    qs = Center.objects.filter(is_active=True).order_by("path")
    if not scope_for(user).is_platform_admin:
        qs = qs.filter(pk__in=sorted(centers_where(user, "directory.add")))
    return list(qs)


def _can_edit_person(user: Any, person: Person) -> bool:
    return (
        can(user, "directory.change", person) or person.created_by_id == user.pk or person.user_id == user.pk
    )


def may_view_history(user: Any, org: Organisation) -> bool:
    if can(user, "directory.view_history", org) or org.created_by_id == user.pk:
        return True
    return OrganisationMember.objects.filter(
        organisation=org, user_id=user.pk, role=OrganisationMember.Role.OWNER
    ).exists()


def _editable_ids(user: Any) -> tuple[set[int], set[int]]:
    """(center ids where the user edits everything, organisation ids the user manages): two queries
    for a whole list page instead of one per row."""
    managed = set(
        OrganisationMember.objects.filter(
            user_id=user.pk, role__in=[OrganisationMember.Role.OWNER, OrganisationMember.Role.ADMIN]
        ).values_list("organisation_id", flat=True)
    )
    return centers_where(user, "directory.delete"), managed


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- lists ---------------------------------------------------------------------------------------


def _filter_context(filters: DirectoryFilters) -> dict[str, Any]:
    from innohub.taxonomy.models import Stage

    return {
        "filters": filters,
        "kinds": OrganisationKind.choices,
        "provinces": list(Province.objects.order_by("name")),
        "stages": list(Stage.objects.all()),
        "centers": list(Center.objects.filter(is_active=True).order_by("path")),
        "visibilities": Organisation._meta.get_field("visibility").choices,
        "query_string": _query_without_page(filters),
    }


def _query_without_page(filters: DirectoryFilters) -> str:
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    for key, value in filters.as_params().items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        else:
            qd[key] = str(value)
    return qd.urlencode()


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilters.from_querydict(request.GET)
    organisations = selectors.organisations_for(request.user, filters)
    page = _page(request, organisations)
    staff_centers, managed = _editable_ids(request.user)
    admin = scope_for(request.user).is_platform_admin
    for org in page.object_list:
        org.editable = (  # type: ignore[attr-defined]
            admin
            or org.center_id in staff_centers
            or org.pk in managed
            or org.created_by_id == request.user.pk
        )
    context = {
        "page": page,
        "can_add": admin or bool(centers_where(request.user, "directory.add")),
        "search_note": correction_note(organisations, (org.name for org in page.object_list)),
        **_filter_context(filters),
    }
    return render(request, "directory/organisation_list.html", context)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilters.from_querydict(request.GET)
    people = selectors.people_for(request.user, filters)
    page = _page(request, people)
    edit_centers = centers_where(request.user, "directory.change")
    admin = scope_for(request.user).is_platform_admin
    for person in page.object_list:
        person.editable = (  # type: ignore[attr-defined]
            admin
            or person.center_id in edit_centers
            or person.created_by_id == request.user.pk
            or person.user_id == request.user.pk
        )
    context = {
        "page": page,
        "can_add": admin or bool(centers_where(request.user, "directory.add")),
        "search_note": correction_note(people, selectors.person_texts(page.object_list)),
        **_filter_context(filters),
    }
    return render(request, "directory/person_list.html", context)


# --- organisations -------------------------------------------------------------------------------


def _duplicate_of(user: Any, form: OrganisationForm, exclude_pk: int | None = None) -> Organisation | None:
    """The existing record a duplicate warning refers to, if the user may see it (for a link)."""
    data = form.cleaned_data
    candidates = services.find_duplicates(
        name=data.get("name_vi") or "",
        province_id=getattr(data.get("province"), "pk", None),
        tax_code=data.get("tax_code") or "",
        exclude_pk=exclude_pk,
    )
    return Organisation.objects.visible_to(user).filter(pk__in=candidates.values("pk")).first()


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    centers = _centers_for_adding(request.user)
    if not centers:
        return forbidden(
            request,
            _(
                "Only members of a center with the right to add records can create organisations. "
                "Ask your center for an invitation, or claim an existing profile."
            ),
        )
    duplicate = None
    status = 200
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, centers=centers)
        if form.is_valid():
            try:
                org = services.create_organisation(
                    actor=request.user,
                    center=form.cleaned_data["center"],
                    check_duplicates=not form.cleaned_data.get("not_a_duplicate"),
                    **form.service_fields(),
                )
            except DomainError as exc:
                if exc.code == "duplicate":  # before the errors drop fields from cleaned_data
                    duplicate = _duplicate_of(request.user, form)
                apply_domain_error(form, exc, ORG_ALIASES)
                status = error_status(exc)
            else:
                messages.success(request, _("“%(name)s” was created.") % {"name": org.name})
                return redirect("workspace:directory-organisation-edit", key=org.slug)
    else:
        form = OrganisationForm(centers=centers, initial={"visibility": "public"})
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "duplicate": duplicate, "creating": True},
        status=status,
    )


@login_required
def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    org = _organisation(request.user, key)
    user = request.user
    is_member = OrganisationMember.objects.filter(organisation=org, user=user).exists()  # type: ignore[misc]
    pending_claim = ClaimRequest.objects.filter(
        organisation=org,
        user=user,  # type: ignore[misc]
        status=ClaimRequest.Status.PENDING,
    ).first()
    context = {
        "org": org,
        "relations": selectors.relations_of(user, org),
        "person_relations": selectors.people_related_to(user, org),
        "people": Person.objects.visible_to(user)
        .filter(organisation=org)
        .only("full_name", "slug", "title")[:50],
        "may_edit": services.can_edit_organisation(user, org),
        "may_delete": can(user, "directory.delete", org),
        "may_history": may_view_history(user, org),
        "is_member": is_member,
        "pending_claim": pending_claim,
        "claim_form": ClaimForm() if not is_member and not pending_claim else None,
    }
    return render(request, "directory/organisation_detail.html", context)


def _rebind_with_current_version(request: HttpRequest, org: Organisation) -> tuple[OrganisationForm, list]:
    """The user's input again, now carrying the current version, and the fields where the current
    record differs from that input (label, current value) so the user sees what the other edit did."""
    current = _organisation(request.user, str(org.uuid))
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = OrganisationForm(data, request.FILES, instance=current, editing=True)
    form.is_valid()
    return form, _differences(form, current)


def _comparable(value: Any) -> Any:
    if value is None or value == "":
        return ""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "model"):  # a queryset or manager of related objects
        return sorted(obj.pk for obj in value.all())
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return str(value)


def _differences(form: OrganisationForm, current: Organisation) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    skip = {"version", "logo", "center", "not_a_duplicate", "description_vi", "description_en"}
    for name, field in form.fields.items():
        if name in skip or name not in form.cleaned_data:
            continue
        mine = form.cleaned_data[name]
        if name == "tags":
            theirs: Any = sorted(t.name for t in current.tags.all())
            shown = ", ".join(theirs)
        else:
            theirs = getattr(current, name)
            display = getattr(current, f"get_{name}_display", None)
            if hasattr(theirs, "all"):
                shown = ", ".join(str(obj) for obj in theirs.all())
            else:
                shown = str(display() if display else (theirs if theirs not in (None, "") else ""))
        if _comparable(mine) != _comparable(theirs):
            out.append((str(field.label), shown or "—"))
    return out


@login_required
def organisation_edit(request: HttpRequest, key: str) -> HttpResponse:
    org = _organisation(request.user, key)
    if not services.can_edit_organisation(request.user, org):
        return forbidden(
            request,
            _(
                "You can see “%(name)s” but not edit it. Its center's staff and the people who manage "
                "the profile can; you may ask to manage it."
            )
            % {"name": org.name},
        )
    status = 200
    duplicate = None
    conflict: str | None = None
    differences: list[tuple[str, str]] = []
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, instance=org, editing=True)
        if form.is_valid():
            try:
                org = services.update_organisation(
                    org,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            except Conflict as exc:
                conflict = str(exc.message)
                status = error_status(exc)
                # Keep what the user typed; once they have looked at the current record, saving again
                # applies their input on top of it (a deliberate, not a silent, overwrite).
                form, differences = _rebind_with_current_version(request, org)
            except DomainError as exc:
                if exc.code == "duplicate":
                    duplicate = _duplicate_of(request.user, form, exclude_pk=org.pk)
                apply_domain_error(form, exc, ORG_ALIASES)
                status = error_status(exc)
            else:
                messages.success(request, _("Your changes to “%(name)s” were saved.") % {"name": org.name})
                return redirect("workspace:directory-organisation-edit", key=org.slug)
    else:
        form = OrganisationForm(instance=org, editing=True)
    context = {
        "form": form,
        "org": org,
        "duplicate": duplicate,
        "conflict": conflict,
        "differences": differences,
        "creating": False,
        "relations": selectors.relations_of(request.user, org),
        "relation_form": RelationForm(user=request.user),
        "person_relations": selectors.people_related_to(request.user, org),
        "person_relation_form": PersonRelationForm(user=request.user),
        "may_delete": can(request.user, "directory.delete", org),
        "may_history": may_view_history(request.user, org),
    }
    return render(request, "directory/organisation_form.html", context, status=status)


@login_required
def organisation_delete(request: HttpRequest, key: str) -> HttpResponse:
    org = _organisation(request.user, key)
    if not can(request.user, "directory.delete", org):
        return forbidden(request, _("Only the staff of the organisation's center can delete it."))
    if request.method == "POST":
        name = org.name
        try:
            services.delete_organisation(org, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("workspace:directory-organisation-edit", key=org.slug)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect("workspace:directory-organisation-list")
    return render(request, "directory/confirm_delete.html", {"object": org, "kind": _("organisation")})


@login_required
def organisation_history(request: HttpRequest, key: str) -> HttpResponse:
    org = _organisation(request.user, key)
    if not may_view_history(request.user, org):
        return forbidden(
            request,
            _("The change history is shown to the center's staff, the profile's owners and its creator."),
        )
    entries = (
        LogEntry.objects.get_for_object(org).select_related("actor", "content_type").order_by("-timestamp")
    )
    page = _page(request, entries)
    for entry in page.object_list:
        entry.rows = history_rows(entry)  # type: ignore[attr-defined]
    return render(request, "directory/organisation_history.html", {"org": org, "page": page})


EMPTY_VALUES = {"", "None", "[]", "{}"}
# Shown elsewhere on the row (who, when) or meaningless to readers.
HIDDEN_HISTORY_FIELDS = {"id", "uuid", "created_at", "created_by"}


def history_rows(entry: LogEntry) -> list[dict[str, Any]]:
    """One row per changed field, for people rather than for auditors: field labels, choice labels
    and related names instead of raw values; reverse relations, ids and the untranslated shadow of
    translated fields left out; on creation only the fields that were filled in."""
    model = entry.content_type.model_class()
    display = entry.changes_display_dict
    is_create = entry.action == LogEntry.Action.CREATE
    rows: list[dict[str, Any]] = []
    for name, values in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name)  # type: ignore[union-attr]
        except FieldDoesNotExist:  # a field removed since the change was logged
            continue
        if name in HIDDEN_HISTORY_FIELDS or (field.auto_created and not field.concrete):
            continue
        if any(f.name == f"{name}_vi" for f in model._meta.fields):  # type: ignore[union-attr]
            continue  # modeltranslation's base column duplicates name_vi
        label = str(getattr(field, "verbose_name", name))
        if isinstance(values, dict) and values.get("type") == "m2m":
            verb = _("added") if values.get("operation") == "add" else _("removed")
            objects = ", ".join(map(str, values.get("objects", [])))
            rows.append({"label": label, "m2m": verb, "objects": objects})
            continue
        shown = display.get(label, values)
        old, new = (list(shown) + ["", ""])[:2] if isinstance(shown, (list, tuple)) else ("", shown)
        old, new = ("" if str(v) in EMPTY_VALUES else v for v in (old, new))
        if (is_create and new == "") or old == new == "":
            continue
        rows.append({"label": label, "old": old, "new": new, "created": is_create})
    return rows


# --- relations -----------------------------------------------------------------------------------


def _back_to_edit(org: Organisation, anchor: str) -> HttpResponse:
    return redirect(reverse("workspace:directory-organisation-edit", kwargs={"key": org.slug}) + anchor)


def _add_from_form(
    request: HttpRequest, org: Organisation, form: Any, anchor: str, save: Callable[[dict[str, Any]], Any]
) -> HttpResponse:
    """The add forms of the edit page's relation cards: save through the service, say what happened
    (a domain error with its field messages, or each form error with its label), back to the card."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, " ".join([str(exc.message), *sum(exc.fields.values(), [])]))
        else:
            messages.success(request, _("The relation was added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
    return _back_to_edit(org, anchor)


def _remove(request: HttpRequest, org: Organisation, anchor: str, remove: Callable[[], Any]) -> HttpResponse:
    try:
        remove()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The relation was removed."))
    return _back_to_edit(org, anchor)


@login_required
@require_POST
def relation_add(request: HttpRequest, key: str) -> HttpResponse:
    org = _organisation(request.user, key)
    if not services.can_edit_organisation(request.user, org):
        return forbidden(request, _("You cannot change the relations of this organisation."))
    return _add_from_form(
        request,
        org,
        RelationForm(request.POST, user=request.user),
        "#relations",
        lambda data: services.add_relation(
            org,
            data["target"],
            actor=request.user,
            kind=data["kind"],
            since_year=data.get("since_year"),
            note=data.get("note") or "",
        ),
    )


@login_required
@require_POST
def relation_remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    org = _organisation(request.user, key)
    relation = (
        OrganisationRelation.objects.filter(pk=pk)
        .filter(Q(source=org) | Q(target=org))
        .select_related("source", "target")
        .first()
    )
    if relation is None:
        raise Http404
    if not services.can_edit_organisation(request.user, relation.source):
        return forbidden(request, _("You cannot change the relations of this organisation."))
    return _remove(request, org, "#relations", lambda: services.remove_relation(relation, actor=request.user))


@login_required
@require_POST
def person_relation_add(request: HttpRequest, key: str) -> HttpResponse:
    """Record a person's tie to this organisation (mentor, adviser, founder, investor)."""
    org = _organisation(request.user, key)
    if not services.can_edit_organisation(request.user, org):
        return forbidden(request, _("You cannot change the people related to this organisation."))
    return _add_from_form(
        request,
        org,
        PersonRelationForm(request.POST, user=request.user),
        "#person-relations",
        lambda data: services.add_person_relation(
            data["person"],
            org,
            actor=request.user,
            kind=data["kind"],
            since_year=data.get("since_year"),
            until_year=data.get("until_year"),
            note=data.get("note") or "",
        ),
    )


@login_required
@require_POST
def person_relation_remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    org = _organisation(request.user, key)
    relation = (
        PersonRelation.objects.filter(pk=pk, organisation=org)
        .select_related("person", "organisation")
        .first()
    )
    if relation is None:
        raise Http404
    if not services.can_edit_person_relation(request.user, relation.person, relation.organisation):
        return forbidden(request, _("You cannot change the people related to this organisation."))
    return _remove(
        request,
        org,
        "#person-relations",
        lambda: services.remove_person_relation(relation, actor=request.user),
    )


# --- claims --------------------------------------------------------------------------------------


@login_required
@require_POST
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    org = _organisation(request.user, slug)
    message = (request.POST.get("message") or "")[:2000]
    try:
        services.request_claim(org, actor=request.user, message=message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Your request to manage “%(name)s” was sent to its center. You will see the answer here.")
            % {"name": org.name},
        )
    return redirect("workspace:directory-organisation-detail", key=org.slug)


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (scope_for(user).is_platform_admin or centers_where(user, "directory.approve_claim")):
        return forbidden(request, _("Only center staff decide profile claims."))
    page = _page(request, pending_claims_for(user))
    recent = (
        ClaimRequest.objects.exclude(status=ClaimRequest.Status.PENDING)
        .filter(
            Q(organisation__center_id__in=sorted(centers_where(user, "directory.approve_claim")))
            if not scope_for(user).is_platform_admin
            else Q()
        )
        .select_related("organisation", "user", "decided_by")
        .order_by("-decided_at")[:10]
    )
    return render(
        request,
        "directory/claim_list.html",
        {"page": page, "recent": recent, "decision_form": ClaimDecisionForm()},
    )


@login_required
@require_POST
def claim_decide(request: HttpRequest, uuid: str) -> HttpResponse:
    claim_request = ClaimRequest.objects.filter(uuid=uuid).select_related("organisation", "user").first()
    if claim_request is None or not (
        Organisation.objects.visible_to(request.user).filter(pk=claim_request.organisation_id).exists()
        or claim_request.user_id == request.user.pk
    ):
        raise Http404
    if not can(request.user, "directory.approve_claim", claim_request.organisation):
        return forbidden(request, _("Only the staff of the organisation's center decide its claims."))
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("workspace:directory-claims")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        with transaction.atomic():
            services.decide_claim(
                claim_request, actor=request.user, approve=approve, note=form.cleaned_data.get("note") or ""
            )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("workspace:directory-claims")
    params = {"user": claim_request.user, "name": claim_request.organisation.name}
    messages.success(
        request,
        (
            _("%(user)s now manages “%(name)s”.")
            if approve
            else _("The claim of %(user)s on “%(name)s” was rejected.")
        )
        % params,
    )
    return redirect("workspace:directory-claims")


# --- people --------------------------------------------------------------------------------------


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    centers = _centers_for_adding(request.user)
    if not centers:
        return forbidden(request, _("Only members of a center with the right to add records can add people."))
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, centers=centers)
        if form.is_valid():
            try:
                person = services.create_person(
                    actor=request.user, center=form.cleaned_data["center"], **form.service_fields()
                )
            except DomainError as exc:
                apply_domain_error(form, exc, PERSON_ALIASES)
                status = error_status(exc)
            else:
                messages.success(request, _("“%(name)s” was added.") % {"name": person.full_name})
                return redirect("workspace:directory-person-edit", key=person.slug)
    else:
        form = PersonForm(user=request.user, centers=centers, initial={"visibility": "network"})
    return render(request, "directory/person_form.html", {"form": form, "creating": True}, status=status)


@login_required
def person_edit(request: HttpRequest, key: str) -> HttpResponse:
    person = _person(request.user, key)
    if not _can_edit_person(request.user, person):
        return forbidden(request, _("You can see this profile but not edit it."))
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, instance=person, user=request.user, editing=True)
        if form.is_valid():
            try:
                person = services.update_person(
                    person,
                    actor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            except Conflict as exc:
                status = error_status(exc)
                data = request.POST.copy()
                data["version"] = str(Person.objects.only("version").get(pk=person.pk).version)
                form = PersonForm(data, instance=person, user=request.user, editing=True)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except DomainError as exc:
                apply_domain_error(form, exc, PERSON_ALIASES)
                status = error_status(exc)
            else:
                messages.success(
                    request, _("Your changes to “%(name)s” were saved.") % {"name": person.full_name}
                )
                return redirect("workspace:directory-person-edit", key=person.slug)
    else:
        form = PersonForm(instance=person, user=request.user, editing=True)
    log_access(request.user, person, channel="workspace", reason="directory.person_edit")
    context = {
        "form": form,
        "person": person,
        "creating": False,
        "may_delete": can(request.user, "directory.delete", person),
        "organisation_relations": selectors.relations_of_person(request.user, person),
    }
    return render(request, "directory/person_form.html", context, status=status)


@login_required
def person_delete(request: HttpRequest, key: str) -> HttpResponse:
    person = _person(request.user, key)
    if not can(request.user, "directory.delete", person):
        return forbidden(request, _("Only the staff of the person's center can delete this profile."))
    if request.method == "POST":
        name = person.full_name
        try:
            services.delete_person(person, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("workspace:directory-person-edit", key=person.slug)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect("workspace:directory-person-list")
    return render(request, "directory/confirm_delete.html", {"object": person, "kind": _("person")})

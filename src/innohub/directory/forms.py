"""Workspace forms of the directory. They validate and shape input; directory.services writes.

The forms are ModelForms for their labels, widgets and choices, but `save()` is never called: views
hand `service_fields()` to the service, which checks permission, version, duplicates and sanitises HTML.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from innohub.centers.models import Center
from innohub.core.models import Visibility
from innohub.core.search import text_search
from innohub.core.validators import validate_personal_id, validate_tax_code
from innohub.directory.models import ClaimRequest, Organisation, Person, PersonRelationKind, RelationKind

LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}

VISIBILITY_HELP = _(
    "Public: shown on the portal. Network: every center's members. Center only: members of the owning "
    "center (and the centers above it). Private: you and the people you share it with."
)


class CenterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Center) -> str:
        return str(obj.name)


class TagsField(forms.CharField):
    """Comma-separated tag names."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        names = [part.strip() for part in text.replace(";", ",").split(",")]
        return list(dict.fromkeys(n[:64] for n in names if n))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(getattr(v, "name", v)) for v in value)
        return value


def resolve_organisation(user: Any, text: str) -> Organisation:
    """An organisation the user may see, typed as its slug, public id or (part of) its name."""
    from innohub.core.errors import NotFound
    from innohub.directory.selectors import get_organisation_for

    text = (text or "").strip()
    try:
        return get_organisation_for(user, text)
    except NotFound:
        pass
    visible = Organisation.objects.visible_to(user)
    matches = list(text_search(visible, text)[:2]) if text else []
    if text and not matches:  # records written before their search text was filled
        matches = list(visible.filter(name__icontains=text)[:2])
    if not matches:
        raise ValidationError(_("No organisation you can see matches “%(text)s”."), params={"text": text})
    if len(matches) > 1:
        exact = [o for o in matches if o.name.casefold() == text.casefold()]
        if len(exact) != 1:
            raise ValidationError(
                _("Several organisations match “%(text)s”; type more of the name or its web address (slug)."),
                params={"text": text},
            )
        return exact[0]
    return matches[0]


def resolve_person(user: Any, text: str) -> Person:
    """A person the user may see, typed as their slug, public id or (part of) their name."""
    from innohub.core.errors import NotFound
    from innohub.directory.selectors import get_person_for

    text = (text or "").strip()
    try:
        return get_person_for(user, text)
    except NotFound:
        pass
    visible = Person.objects.visible_to(user)
    matches = list(text_search(visible, text)[:2]) if text else []
    if text and not matches:  # records written before their search text was filled
        matches = list(visible.filter(full_name__icontains=text)[:2])
    if not matches:
        raise ValidationError(_("No person you can see matches “%(text)s”."), params={"text": text})
    if len(matches) > 1:
        exact = [p for p in matches if p.full_name.casefold() == text.casefold()]
        if len(exact) != 1:
            raise ValidationError(
                _("Several people match “%(text)s”; type more of the name or their web address (slug)."),
                params={"text": text},
            )
        return exact[0]
    return matches[0]


def validate_logo(upload: Any) -> None:
    limit = settings.INNOHUB_LOGO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The logo is %(size)s; the limit is %(limit)s. Upload a smaller image."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    image = getattr(upload, "image", None)
    fmt = getattr(image, "format", None)
    if fmt not in LOGO_FORMATS:
        raise ValidationError(
            _("The logo must be a PNG, JPEG or WebP image."),
            code="invalid_image_type",
        )


class FieldsetsMixin:
    """`form.fieldsets`: (legend, [bound fields]) for the template, skipping fields the form dropped."""

    FIELDSETS: list[tuple[Any, list[str]]] = []

    def _limit_centers(self, centers: list[Center] | None) -> None:
        field = self.fields["center"]  # type: ignore[attr-defined]
        field.queryset = Center.objects.filter(pk__in=[c.pk for c in centers or []]).order_by("path")
        if centers is not None and len(centers) == 1:
            field.initial = centers[0].pk

    @property
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        out = []
        for legend, names in self.FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]  # type: ignore[index,attr-defined]
            if bound:
                out.append((legend, bound))
        return out


class OrganisationForm(FieldsetsMixin, forms.ModelForm):
    """Create (with `centers`) or edit (with `version`) one organisation."""

    FIELDSETS = [
        (
            _("Identity"),
            ["center", "kind", "name_vi", "name_en", "short_name", "tax_code", "not_a_duplicate"],
        ),
        (_("Description"), ["description_vi", "description_en"]),
        (_("Location"), ["province", "country", "address"]),
        (_("Profile"), ["stage", "readiness_level", "founded_year", "team_size", "funding_raised_vnd"]),
        (_("Contact"), ["website", "email", "phone"]),
        (_("Classification"), ["sectors", "science_fields", "tags"]),
        (_("Logo and visibility"), ["logo", "visibility"]),
    ]

    center = CenterChoiceField(label=_("Center"), queryset=Center.objects.none(), required=True)
    tags = TagsField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas, e.g. AI, agritech.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different organisation. Create it anyway."), required=False
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name_vi",
            "name_en",
            "short_name",
            "tax_code",
            "description_vi",
            "description_en",
            "province",
            "country",
            "address",
            "stage",
            "readiness_level",
            "founded_year",
            "team_size",
            "funding_raised_vnd",
            "website",
            "email",
            "phone",
            "sectors",
            "science_fields",
            "logo",
            "visibility",
        ]
        labels = {
            "name_vi": _("Name (Vietnamese)"),
            "name_en": _("Name (English)"),
            "description_vi": _("Description (Vietnamese)"),
            "description_en": _("Description (English)"),
        }
        help_texts = {
            "tax_code": _(
                "10 digits (13 with a branch suffix, e.g. 0101234567-001), or a 12-digit personal ID."
            ),
            "description_vi": _(
                "Simple formatting (bold, lists, links) is kept; scripts and styles are removed."
            ),
            "logo": _("PNG, JPEG or WebP."),
        }
        widgets = {
            "description_vi": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "sectors": forms.SelectMultiple(attrs={"size": 6}),
            "science_fields": forms.SelectMultiple(attrs={"size": 6}),
            "visibility": forms.RadioSelect(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args: Any, centers: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["name_vi"].required = True
        self.fields["name_en"].required = False
        self.fields["visibility"].help_text = VISIBILITY_HELP
        cast(forms.ChoiceField, self.fields["visibility"]).choices = Visibility.choices
        self.fields["logo"].help_text = _("PNG, JPEG or WebP, at most %(limit)s.") % {
            "limit": filesizeformat(settings.INNOHUB_LOGO_MAX_BYTES)
        }
        if editing:
            del self.fields["center"]
            del self.fields["not_a_duplicate"]
            if self.instance.pk and not self.is_bound:
                self.initial["tags"] = [t.name for t in self.instance.tags.all()]
                self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]
            self._limit_centers(centers)
        self.order_fields(["center", "kind", "name_vi", "name_en", "short_name", "tax_code"])

    def clean_tax_code(self) -> str:
        value = (self.cleaned_data.get("tax_code") or "").strip()
        return validate_tax_code(value) if value else ""

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if upload and hasattr(upload, "content_type") and hasattr(upload, "size"):
            validate_logo(upload)
        return upload

    def _post_clean(self) -> None:
        # The service validates the record as a whole (and sanitises HTML); model-level validation here
        # would only duplicate it on a half-built instance.
        pass

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("center", "version", "not_a_duplicate"):
            data.pop(key, None)
        logo = data.pop("logo", None)
        if logo is False:
            data["logo"] = ""  # "clear" ticked
        elif logo and hasattr(logo, "content_type"):
            data["logo"] = logo
        for key in ("name_en", "description_en", "description_vi"):
            data[key] = data.get(key) or ""
        return data


class PersonForm(FieldsetsMixin, forms.ModelForm):
    FIELDSETS = [
        (_("Identity"), ["center", "full_name", "title", "organisation_ref", "personal_id"]),
        (_("Biography"), ["bio_vi", "bio_en"]),
        (_("Contact"), ["email", "phone", "linkedin"]),
        (_("Where"), ["province", "country", "is_overseas_vietnamese"]),
        (_("Classification"), ["sectors", "tags"]),
        (_("Visibility"), ["visibility"]),
    ]

    center = CenterChoiceField(label=_("Center"), queryset=Center.objects.none(), required=True)
    organisation_ref = forms.CharField(
        label=_("Organisation"),
        required=False,
        help_text=_("Type the organisation's name or web address (slug)."),
    )
    tags = TagsField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    linkedin = forms.URLField(label=_("LinkedIn"), required=False, assume_scheme="https")

    class Meta:
        model = Person
        fields = [
            "full_name",
            "title",
            "bio_vi",
            "bio_en",
            "email",
            "phone",
            "personal_id",
            "province",
            "country",
            "is_overseas_vietnamese",
            "linkedin",
            "sectors",
            "visibility",
        ]
        labels = {"bio_vi": _("Biography (Vietnamese)"), "bio_en": _("Biography (English)")}
        widgets = {
            "bio_vi": forms.Textarea(attrs={"rows": 5}),
            "bio_en": forms.Textarea(attrs={"rows": 4}),
            "sectors": forms.SelectMultiple(attrs={"size": 6}),
            "visibility": forms.RadioSelect(attrs={"class": "form-check-input"}),
        }

    def __init__(
        self, *args: Any, user: Any, centers: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["bio_en"].required = False
        self.fields["visibility"].help_text = VISIBILITY_HELP
        cast(forms.ChoiceField, self.fields["visibility"]).choices = Visibility.choices
        if editing:
            del self.fields["center"]
            if self.instance.pk and not self.is_bound:
                self.initial["tags"] = [t.name for t in self.instance.tags.all()]
                self.initial["version"] = self.instance.version
                if self.instance.organisation_id:
                    self.initial["organisation_ref"] = self.instance.organisation.slug
        else:
            del self.fields["version"]
            self._limit_centers(centers)
        self.order_fields(["center", "full_name", "title", "organisation_ref"])

    def clean_organisation_ref(self) -> Organisation | None:
        text = self.cleaned_data.get("organisation_ref") or ""
        return resolve_organisation(self.user, text) if text.strip() else None

    def clean_personal_id(self) -> str:
        value = (self.cleaned_data.get("personal_id") or "").strip()
        return validate_personal_id(value) if value else ""

    def _post_clean(self) -> None:
        pass

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("center", "version"):
            data.pop(key, None)
        data["organisation"] = data.pop("organisation_ref", None)
        for key in ("bio_vi", "bio_en"):
            data[key] = data.get(key) or ""
        return data


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    target = forms.CharField(
        label=_("Organisation"), help_text=_("Type the organisation's name or web address (slug).")
    )
    since_year = forms.IntegerField(label=_("Since (year)"), required=False, min_value=1900, max_value=2100)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_target(self) -> Organisation:
        return resolve_organisation(self.user, self.cleaned_data.get("target") or "")


class PersonRelationForm(forms.Form):
    """A person's tie to the organisation being edited (its mentors, advisers, founders, investors)."""

    kind = forms.ChoiceField(label=_("Relation"), choices=PersonRelationKind.choices)
    person = forms.CharField(label=_("Person"), help_text=_("Type the person's name or web address (slug)."))
    since_year = forms.IntegerField(label=_("Since (year)"), required=False, min_value=1900, max_value=2100)
    until_year = forms.IntegerField(
        label=_("Until (year)"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Leave empty while the relation lasts."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        # Unique ids: the form shares the page with the organisation relations' form.
        kwargs.setdefault("auto_id", "id_person_relation_%s")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_person(self) -> Person:
        return resolve_person(self.user, self.cleaned_data.get("person") or "")


class ClaimForm(forms.ModelForm):
    class Meta:
        model = ClaimRequest
        fields = ["message"]
        labels = {"message": _("How are you connected to this organisation?")}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note to the requester"), required=False, max_length=1000)

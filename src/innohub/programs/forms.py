"""Workspace forms of programmes, calls and application forms. They shape input; the services write and
check everything again (permissions, versions, transitions, rule shapes).

Application answers are not a Django form: the questions are data, so the page renders them from the
form's fields and `answers_from_post` turns the posted values back into raw answers for the service.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from innohub.centers.models import Center
from innohub.core.models import Visibility
from innohub.directory.models import Organisation, OrganisationKind
from innohub.programs import answers as answer_rules
from innohub.programs.models import Call, Currency, FieldKind, FormField, Programme, ProgrammeKind

LANGUAGE_CHOICES = [("vi", "Tiếng Việt"), ("en", "English"), ("ko", "한국어")]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FieldsetsMixin:
    FIELDSETS: list[tuple[Any, list[str]]] = []

    @property
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        out = []
        for legend, names in self.FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]  # type: ignore[index,attr-defined]
            if bound:
                out.append((legend, bound))
        return out


# --- programmes -----------------------------------------------------------------------------------


class ProgrammeForm(FieldsetsMixin, forms.Form):
    FIELDSETS = [
        (_("Programme"), ["center", "kind", "title_vi", "title_en", "summary_vi", "summary_en"]),
        (_("Description"), ["description_vi", "description_en"]),
        (
            _("Details"),
            [
                "languages",
                "budget_amount",
                "budget_currency",
                "starts_on",
                "ends_on",
                "visibility",
                "partners",
            ],
        ),
    ]

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    center = forms.ModelChoiceField(queryset=Center.objects.none(), label=_("Center"))
    kind = forms.ChoiceField(choices=ProgrammeKind.choices, label=_("Kind"))
    title_vi = forms.CharField(max_length=255, label=_("Title (Vietnamese)"))
    title_en = forms.CharField(max_length=255, required=False, label=_("Title (English)"))
    summary_vi = forms.CharField(max_length=500, required=False, label=_("Summary (Vietnamese)"))
    summary_en = forms.CharField(max_length=500, required=False, label=_("Summary (English)"))
    description_vi = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label=_("Description (Vietnamese)")
    )
    description_en = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label=_("Description (English)")
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Working languages"),
    )
    budget_amount = forms.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, required=False, label=_("Budget")
    )
    budget_currency = forms.ChoiceField(choices=Currency.choices, initial=Currency.VND, label=_("Currency"))
    starts_on = forms.DateField(required=False, widget=DateInput, label=_("Starts on"))
    ends_on = forms.DateField(required=False, widget=DateInput, label=_("Ends on"))
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PUBLIC, label=_("Visibility")
    )
    partners = forms.CharField(
        required=False,
        label=_("Partner organisations"),
        help_text=_("Web addresses (slugs) of directory organisations, separated by commas."),
    )

    def __init__(
        self,
        *args: Any,
        centers: list[Center] | None = None,
        instance: Programme | None = None,
        **kwargs: Any,
    ):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": instance.version,
                "kind": instance.kind,
                "title_vi": getattr(instance, "title_vi", ""),
                "title_en": getattr(instance, "title_en", ""),
                "summary_vi": getattr(instance, "summary_vi", ""),
                "summary_en": getattr(instance, "summary_en", ""),
                "description_vi": getattr(instance, "description_vi", ""),
                "description_en": getattr(instance, "description_en", ""),
                "languages": instance.languages or [],
                "budget_amount": instance.budget_amount,
                "budget_currency": instance.budget_currency,
                "starts_on": instance.starts_on,
                "ends_on": instance.ends_on,
                "visibility": instance.visibility,
                "partners": ", ".join(o.slug for o in instance.partners.all()),
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["center"]
        else:
            del self.fields["version"]
            cast(forms.ModelChoiceField, self.fields["center"]).queryset = Center.objects.filter(
                pk__in=[c.pk for c in centers or []]
            ).order_by("path")
            if centers and len(centers) == 1:
                self.fields["center"].initial = centers[0].pk

    def clean_partners(self) -> list[Organisation]:
        text = self.cleaned_data.get("partners") or ""
        slugs = [s.strip().strip("/").rsplit("/", 1)[-1] for s in text.split(",") if s.strip()]
        found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise forms.ValidationError(
                _("No organisation has the address: %(slugs)s."), params={"slugs": ", ".join(missing)}
            )
        return [found[s] for s in dict.fromkeys(slugs)]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("center", "version"):
            data.pop(key, None)
        data["title_en"] = data.get("title_en") or ""
        return data


class StatusForm(forms.Form):
    to = forms.CharField(max_length=32)
    version = forms.IntegerField(required=False)


# --- calls ----------------------------------------------------------------------------------------


def _stage_choices() -> list[tuple[str, str]]:
    from innohub.taxonomy.models import Stage

    return [(s.code, str(s.name)) for s in Stage.objects.order_by("order")]


def _province_choices() -> list[tuple[str, str]]:
    from innohub.taxonomy.models import Province

    return [(p.code, p.name) for p in Province.objects.order_by("name")]


def _sector_choices() -> list[tuple[str, str]]:
    from innohub.taxonomy.models import Sector

    return [(s.code, f"{s.code} – {s.name}") for s in Sector.objects.order_by("code")]


class CallForm(FieldsetsMixin, forms.Form):
    """A call, with its eligibility rules as plain fields (the service builds and checks the JSON)."""

    FIELDSETS = [
        (_("Call"), ["title_vi", "title_en", "description_vi", "description_en"]),
        (
            _("Dates (Vietnam time)"),
            ["opens_at", "closes_at", "edits_allowed_until", "max_selected", "appeal_days"],
        ),
        (
            _("Eligibility"),
            [
                "rule_kinds",
                "rule_stages",
                "rule_founded_min",
                "rule_founded_max",
                "rule_provinces",
                "rule_sectors",
                "rule_team_min",
                "rule_team_max",
                "rule_exclude_previous",
            ],
        ),
        (_("Quotas"), ["quotas"]),
    ]

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title_vi = forms.CharField(max_length=255, label=_("Title (Vietnamese)"))
    title_en = forms.CharField(max_length=255, required=False, label=_("Title (English)"))
    description_vi = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label=_("Description (Vietnamese)")
    )
    description_en = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label=_("Description (English)")
    )
    opens_at = forms.DateTimeField(
        input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput, label=_("Opens at")
    )
    closes_at = forms.DateTimeField(
        input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput, label=_("Closes at")
    )
    edits_allowed_until = forms.DateTimeField(
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput,
        required=False,
        label=_("Submitted applications editable until"),
        help_text=_(
            "Leave empty: applicants can change a submitted application only while the call is open."
        ),
    )
    max_selected = forms.IntegerField(min_value=1, required=False, label=_("Places"))
    appeal_days = forms.IntegerField(min_value=0, max_value=365, initial=7, label=_("Appeal window (days)"))
    rule_kinds = forms.MultipleChoiceField(
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Kinds of organisation (none ticked: any)"),
    )
    rule_stages = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple, label=_("Stages (none ticked: any)")
    )
    rule_founded_min = forms.IntegerField(required=False, label=_("Founded in or after"))
    rule_founded_max = forms.IntegerField(required=False, label=_("Founded in or before"))
    rule_provinces = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Provinces (none selected: any)"),
    )
    rule_sectors = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Sectors (none selected: any; a section includes its divisions)"),
    )
    rule_team_min = forms.IntegerField(required=False, min_value=1, label=_("Team of at least"))
    rule_team_max = forms.IntegerField(required=False, min_value=1, label=_("Team of at most"))
    rule_exclude_previous = forms.BooleanField(
        required=False, label=_("Exclude organisations that already took part in this programme")
    )
    quotas = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        label=_("Quotas (JSON)"),
        help_text=_(
            'For example: [{"code": "outside_hn_hcm", "label_vi": "Ngoài Hà Nội và TP.HCM", "label_en": '
            '"Outside Hanoi and HCMC", "min_share": 0.5, "province_codes_not_in": ["01", "79"]}]'
        ),
    )

    def __init__(self, *args: Any, instance: Call | None = None, **kwargs: Any):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            rules = instance.eligibility or {}
            kwargs["initial"] = {
                "version": instance.version,
                "title_vi": getattr(instance, "title_vi", ""),
                "title_en": getattr(instance, "title_en", ""),
                "description_vi": getattr(instance, "description_vi", ""),
                "description_en": getattr(instance, "description_en", ""),
                "opens_at": instance.opens_at,
                "closes_at": instance.closes_at,
                "edits_allowed_until": instance.edits_allowed_until,
                "max_selected": instance.max_selected,
                "appeal_days": instance.appeal_days,
                "rule_kinds": rules.get("organisation_kinds", []),
                "rule_stages": rules.get("stages", []),
                "rule_founded_min": (rules.get("founded_year") or {}).get("min"),
                "rule_founded_max": (rules.get("founded_year") or {}).get("max"),
                "rule_provinces": rules.get("provinces", []),
                "rule_sectors": rules.get("sectors", []),
                "rule_team_min": (rules.get("team_size") or {}).get("min"),
                "rule_team_max": (rules.get("team_size") or {}).get("max"),
                "rule_exclude_previous": bool(rules.get("exclude_previous_participants")),
                "quotas": json.dumps(instance.quotas, ensure_ascii=False) if instance.quotas else "",
            }
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["version"]
        cast(forms.ChoiceField, self.fields["rule_stages"]).choices = _stage_choices()
        cast(forms.ChoiceField, self.fields["rule_provinces"]).choices = _province_choices()
        cast(forms.ChoiceField, self.fields["rule_sectors"]).choices = _sector_choices()

    def clean_quotas(self) -> list[Any]:
        text = (self.cleaned_data.get("quotas") or "").strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Enter valid JSON (a list of quotas).")) from None
        return value if isinstance(value, list) else [value]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        rules: dict[str, Any] = {}
        if data.get("rule_kinds"):
            rules["organisation_kinds"] = data["rule_kinds"]
        if data.get("rule_stages"):
            rules["stages"] = data["rule_stages"]
        if data.get("rule_provinces"):
            rules["provinces"] = data["rule_provinces"]
        if data.get("rule_sectors"):
            rules["sectors"] = data["rule_sectors"]
        for key, low, high in (
            ("founded_year", "rule_founded_min", "rule_founded_max"),
            ("team_size", "rule_team_min", "rule_team_max"),
        ):
            bounds = {k: data[v] for k, v in (("min", low), ("max", high)) if data.get(v) is not None}
            if bounds:
                rules[key] = bounds
        if data.get("rule_exclude_previous"):
            rules["exclude_previous_participants"] = True
        return {
            "title_vi": data["title_vi"],
            "title_en": data.get("title_en") or "",
            "description_vi": data.get("description_vi") or "",
            "description_en": data.get("description_en") or "",
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "edits_allowed_until": data.get("edits_allowed_until"),
            "max_selected": data.get("max_selected"),
            "appeal_days": data.get("appeal_days") if data.get("appeal_days") is not None else 7,
            "eligibility": rules,
            "quotas": data.get("quotas") or [],
        }


#: service error keys → form fields (eligibility.<key> from eligibility.validate_rules)
CALL_ERROR_ALIASES = {
    "eligibility.organisation_kinds": "rule_kinds",
    "eligibility.stages": "rule_stages",
    "eligibility.provinces": "rule_provinces",
    "eligibility.sectors": "rule_sectors",
    "eligibility.founded_year": "rule_founded_min",
    "eligibility.team_size": "rule_team_min",
    "eligibility.exclude_previous_participants": "rule_exclude_previous",
}


# --- form builder ---------------------------------------------------------------------------------


class SectionForm(forms.Form):
    title_vi = forms.CharField(max_length=255, label=_("Title (Vietnamese)"))
    title_en = forms.CharField(max_length=255, required=False, label=_("Title (English)"))
    help_text_vi = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Help (Vietnamese)")
    )
    help_text_en = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Help (English)")
    )


FILE_TYPE_CHOICES = [(ext, ext.upper()) for ext in answer_rules.FILE_TYPES]


class FieldForm(forms.Form):
    """One question; kind-specific settings are plain inputs turned into `options` here."""

    kind = forms.ChoiceField(choices=FieldKind.choices, label=_("Kind of answer"))
    label_vi = forms.CharField(max_length=255, label=_("Question (Vietnamese)"))
    label_en = forms.CharField(max_length=255, required=False, label=_("Question (English)"))
    key = forms.CharField(
        max_length=64,
        required=False,
        label=_("Key"),
        help_text=_("Used in exports and the API, e.g. team_size. Made from the question if left empty."),
    )
    help_text_vi = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Help (Vietnamese)")
    )
    help_text_en = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Help (English)")
    )
    required = forms.BooleanField(required=False, label=_("An answer is required"))
    choices_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Choices"),
        help_text=_("One per line: value | label in Vietnamese | label in English."),
    )
    min_value = forms.DecimalField(required=False, label=_("Lowest value / fewest members"))
    max_value = forms.DecimalField(required=False, label=_("Highest value / most members"))
    max_length = forms.IntegerField(required=False, min_value=1, label=_("Longest answer (characters)"))
    currencies = forms.MultipleChoiceField(
        choices=Currency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Currencies"),
    )
    file_types = forms.MultipleChoiceField(
        choices=FILE_TYPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Accepted file types"),
    )
    max_mb = forms.DecimalField(
        required=False, min_value=0, max_value=answer_rules.MAX_FILE_MB, label=_("Largest file (MB)")
    )
    max_files = forms.IntegerField(
        required=False, min_value=1, max_value=answer_rules.MAX_FILES, label=_("Most files")
    )
    condition_field = forms.ChoiceField(
        choices=[],
        required=False,
        label=_("Show only when the question"),
        help_text=_("Leave empty: always shown."),
    )
    condition_values = forms.CharField(
        required=False,
        label=_("has one of these answers"),
        help_text=_("Values separated by commas (for choices: their values)."),
    )

    KIND_SETTINGS = {
        FieldKind.TEXT: ["max_length"],
        FieldKind.LONG_TEXT: ["max_length"],
        FieldKind.NUMBER: ["min_value", "max_value"],
        FieldKind.MONEY: ["currencies", "min_value", "max_value"],
        FieldKind.DATE: [],
        FieldKind.CHOICE: ["choices_text"],
        FieldKind.MULTI_CHOICE: ["choices_text"],
        FieldKind.FILE: ["file_types", "max_mb", "max_files"],
        FieldKind.TEAM: ["min_value", "max_value"],
        FieldKind.ORGANISATION: [],
    }

    MAIN = ("kind", "label_vi", "label_en", "key", "help_text_vi", "help_text_en", "required")
    CONDITION = ("condition_field", "condition_values")

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN]

    @property
    def condition_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CONDITION]

    @property
    def setting_rows(self) -> list[tuple[forms.BoundField, str]]:
        """Kind-specific inputs with the kinds they apply to (the page shows only the current kind's)."""
        kinds: dict[str, list[str]] = {}
        for kind, names in self.KIND_SETTINGS.items():
            for name in names:
                kinds.setdefault(name, []).append(str(kind))
        return [(self[name], " ".join(k)) for name, k in kinds.items()]

    def __init__(
        self,
        *args: Any,
        others: list[FormField] | None = None,
        instance: FormField | None = None,
        **kwargs: Any,
    ):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = field_initial(instance)
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["condition_field"]).choices = [("", "—")] + [
            (f.key, f"{f.label} ({f.key})") for f in (others or []) if instance is None or f.pk != instance.pk
        ]

    @staticmethod
    def _number(value: Any) -> Any:
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        options: dict[str, Any] = {}
        if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT) and data.get("max_length"):
            options["max_length"] = data["max_length"]
        if kind in (FieldKind.NUMBER, FieldKind.MONEY, FieldKind.TEAM):
            for key, name in (("min", "min_value"), ("max", "max_value")):
                if data.get(name) is not None:
                    options[key] = self._number(data[name])
        if kind == FieldKind.MONEY:
            chosen = data.get("currencies") or [Currency.VND]
            if len(chosen) == 1:
                options["currency"] = chosen[0]
            else:
                options["currencies"] = chosen
        if kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
            options["choices"] = parse_choices(data.get("choices_text") or "")
        if kind == FieldKind.FILE:
            options["types"] = data.get("file_types") or answer_rules.DEFAULT_FILE_TYPES
            options["max_mb"] = (
                self._number(data["max_mb"]) if data.get("max_mb") else answer_rules.DEFAULT_FILE_MB
            )
            options["max_files"] = data.get("max_files") or 1
        condition: dict[str, Any] = {}
        if data.get("condition_field"):
            values = [v.strip() for v in (data.get("condition_values") or "").split(",") if v.strip()]
            condition = (
                {"field": data["condition_field"], "in": values}
                if len(values) != 1
                else {
                    "field": data["condition_field"],
                    "equals": values[0],
                }
            )
        out = {
            "kind": kind,
            "label_vi": data["label_vi"],
            "label_en": data.get("label_en") or "",
            "help_text_vi": data.get("help_text_vi") or "",
            "help_text_en": data.get("help_text_en") or "",
            "required": bool(data.get("required")),
            "options": options,
            "condition": condition,
        }
        if data.get("key") or self.instance is not None:
            out["key"] = data.get("key") or (self.instance.key if self.instance else "")
        return out


def parse_choices(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts or not parts[0]:
            continue
        value = parts[0]
        label_vi = parts[1] if len(parts) > 1 and parts[1] else value
        label_en = parts[2] if len(parts) > 2 else ""
        out.append({"value": value, "label_vi": label_vi, "label_en": label_en})
    return out


def field_initial(field: FormField) -> dict[str, Any]:
    options = field.options or {}
    condition = field.condition or {}
    values = [condition["equals"]] if "equals" in condition else condition.get("in", [])
    return {
        "kind": field.kind,
        "label_vi": getattr(field, "label_vi", ""),
        "label_en": getattr(field, "label_en", ""),
        "key": field.key,
        "help_text_vi": getattr(field, "help_text_vi", ""),
        "help_text_en": getattr(field, "help_text_en", ""),
        "required": field.required,
        "choices_text": "\n".join(
            " | ".join([c["value"], c.get("label_vi", ""), c.get("label_en", "")]).rstrip(" |")
            for c in options.get("choices", [])
        ),
        "min_value": options.get("min"),
        "max_value": options.get("max"),
        "max_length": options.get("max_length"),
        "currencies": options.get("currencies") or ([options["currency"]] if options.get("currency") else []),
        "file_types": options.get("types", []),
        "max_mb": options.get("max_mb"),
        "max_files": options.get("max_files"),
        "condition_field": condition.get("field", ""),
        "condition_values": ", ".join(str(v) for v in values),
    }


FIELD_ERROR_ALIASES = {"options": "__all__", "condition": "condition_field"}


# --- applications ---------------------------------------------------------------------------------


class StartApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Apply as"))

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Reason (optional)"),
    )


TEAM_ROWS_EXTRA = 2


def answers_from_post(fields: list[FormField], data: Any) -> dict[str, Any]:
    """Raw answers from the posted application form, for the keys the form carried. Every question's
    inputs are named after its key (`key`, `key__currency`, `key__<n>__name` …); a question whose
    inputs were not posted at all is left out (a partial save)."""
    out: dict[str, Any] = {}
    posted = set(data.keys())
    for field in fields:
        key = field.key
        if field.kind == FieldKind.FILE:
            continue
        if field.kind == FieldKind.MULTI_CHOICE:
            if key in posted or f"{key}__present" in posted:
                out[key] = [v for v in data.getlist(key) if v]
        elif field.kind == FieldKind.MONEY:
            if key in posted:
                out[key] = {"amount": data.get(key, ""), "currency": data.get(f"{key}__currency") or None}
                if not out[key]["currency"]:
                    out[key].pop("currency")
        elif field.kind == FieldKind.TEAM:
            rows = sorted(
                {
                    int(p.split("__")[1])
                    for p in posted
                    if p.startswith(f"{key}__") and p.split("__")[1].isdigit()
                }
            )
            if rows:
                out[key] = [
                    {
                        "name": data.get(f"{key}__{n}__name", ""),
                        "role": data.get(f"{key}__{n}__role", ""),
                        "email": data.get(f"{key}__{n}__email", ""),
                    }
                    for n in rows
                ]
        elif field.kind == FieldKind.CHOICE:
            if key in posted or f"{key}__present" in posted:
                out[key] = data.get(key, "")
        elif key in posted:
            out[key] = data.get(key, "")
    return out

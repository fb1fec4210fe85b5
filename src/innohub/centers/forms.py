"""Workspace forms of the center network. They validate and shape input; centers.services writes.

`CenterForm` is a ModelForm for its labels, widgets and choices, but `save()` is never called: views hand
`service_fields()` to `create_center` / `update_center`, which check permission, version, slug and tree.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innohub.centers.models import Center
from innohub.taxonomy.models import Province


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Center) -> str:
        depth = max(0, obj.path.strip("/").count("/"))
        return f"{'— ' * depth}{obj.name}"


class CenterForm(forms.ModelForm):
    """Open a center below a parent (`parent` fixed by the page), or edit one (`version`, and `parent`
    when the user may move it somewhere: `parents` lists the allowed new parents)."""

    FIELDSETS = [
        (_("Identity"), ["name_vi", "name_en", "short_name", "slug", "kind", "parent"]),
        (_("Where and how to reach it"), ["province", "website", "email", "phone"]),
        (_("Description"), ["description_vi", "description_en"]),
    ]

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    parent = ParentChoiceField(
        label=_("Parent center"),
        queryset=Center.objects.none(),
        required=False,
        empty_label=_("None (a root center)"),
        help_text=_("Moving a center moves the centers below it too."),
    )

    class Meta:
        model = Center
        fields = [
            "name_vi",
            "name_en",
            "short_name",
            "slug",
            "kind",
            "province",
            "description_vi",
            "description_en",
            "website",
            "email",
            "phone",
        ]
        labels = {
            "name_vi": _("Name (Vietnamese)"),
            "name_en": _("Name (English)"),
            "slug": _("Web address (slug)"),
            "description_vi": _("Description (Vietnamese)"),
            "description_en": _("Description (English)"),
        }
        help_texts = {
            "slug": _("Lowercase letters, digits and hyphens; it appears in the center's portal address."),
            "short_name": _("Shown where space is short, e.g. “NIC Hà Nội”."),
        }
        widgets = {
            "description_vi": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        editing: bool = False,
        parents: list[Center] | None = None,
        may_be_root: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["name_vi"].required = True
        self.fields["name_en"].required = False
        province = self.fields["province"]
        assert isinstance(province, forms.ModelChoiceField)
        province.queryset = Province.objects.order_by("name_vi")
        if editing:
            if self.instance.pk and not self.is_bound:
                self.initial["version"] = self.instance.version
                self.initial["parent"] = self.instance.parent_id
            self._limit_parents(parents or [], may_be_root=may_be_root)
        else:
            del self.fields["version"]
            del self.fields["parent"]

    def _limit_parents(self, parents: list[Center], *, may_be_root: bool) -> None:
        """Offer the allowed new parents; the current one stays selectable (not moving needs no right)."""
        current = self.instance.parent
        choices = {c.pk: c for c in parents}
        if current is not None:
            choices.setdefault(current.pk, current)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Center.objects.filter(pk__in=sorted(choices)).order_by("path")
        # Only a platform administrator may make a center a root (or keep a root one where it is).
        field.required = not (may_be_root or current is None)
        if field.required:
            field.empty_label = None
        if len(choices) + (1 if not field.required else 0) <= 1:
            del self.fields["parent"]  # nowhere else to put it: the page shows the parent as text

    @property
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
            if any(name in self.fields for name in names)
        ]

    def clean_slug(self) -> str:
        """Checked here too so that every problem shows at once; the service checks again under lock."""
        slug = self.cleaned_data.get("slug") or ""
        if slug and Center.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another center already uses this slug."))
        return slug

    def _post_clean(self) -> None:
        # The service validates the record as a whole (slug uniqueness included) under a lock; model
        # validation here would check the same on a half-built instance, outside the transaction.
        pass

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if "parent" in self.fields and data.get("parent") == self.instance.parent:
            data.pop("parent")  # unchanged: no move, no permission needed at the parent
        for key in ("name_en", "short_name", "description_vi", "description_en", "website", "email", "phone"):
            data[key] = data.get(key) or ""
        return data

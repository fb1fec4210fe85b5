"""Operators' admin for programmes, calls, forms, applications and their review. Staff work in the
workspace; here applications and their versions are read-only (they are changed by their applicants
through services), and the audit trail cannot be edited.

The review records that decide an outcome or are the audit trail of one — assignments, bids, runs,
scorecards and scores, conflicts of interest, letters as sent, appeals — are shown read-only: their
services record an event with every change (a dismissed conflict is remembered, a decided appeal
notifies), which an admin save would skip. A round's settings and criteria stay editable while the
round is being prepared; once it is open, reviews depend on them and they are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from unfold.admin import ModelAdmin, TabularInline

from innohub.programs.models import (
    Appeal,
    Application,
    ApplicationEvent,
    ApplicationFile,
    ApplicationVersion,
    AssignmentRun,
    Bid,
    Call,
    ConflictOfInterest,
    Criterion,
    FormField,
    FormSection,
    Letter,
    LetterTemplate,
    PanelMember,
    Participant,
    Programme,
    Review,
    ReviewAssignment,
    ReviewRound,
    Score,
)


@admin.register(Programme)
class ProgrammeAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "kind", "center", "status", "visibility", "updated_at"]
    list_filter = ["kind", "status", "visibility", "center"]
    search_fields = ["title", "title_en", "slug"]
    autocomplete_fields = ["center", "partners"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at"]
    exclude = ["shared_with"]


class FormFieldInline(TabularInline, TranslationTabularInline):
    model = FormField
    extra = 0
    fields = ["position", "key", "kind", "label", "required", "options", "condition"]


@admin.register(FormSection)
class FormSectionAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "call", "position"]
    search_fields = ["title", "call__title"]
    autocomplete_fields = ["call"]
    inlines = [FormFieldInline]


@admin.register(Call)
class CallAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "programme", "status", "opens_at", "closes_at"]
    list_filter = ["status", "programme__kind", "programme__center"]
    search_fields = ["title", "title_en", "slug", "programme__title"]
    autocomplete_fields = ["programme"]
    readonly_fields = ["uuid", "version", "created_by", "created_at", "updated_at", "results_published_at"]


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ["number", "submitted_at", "submitted_by", "answers"]
    readonly_fields = fields


class FileInline(ReadOnlyInline):
    model = ApplicationFile
    fields = ["field_key", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ModelAdmin):
    list_display = ["reference", "organisation", "call", "status", "submitted_at", "submitted_version"]
    list_filter = ["status", "call__programme__center", "call"]
    search_fields = ["reference", "organisation__name", "call__title"]
    inlines = [VersionInline, FileInline]
    exclude = ["search_text"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Application._meta.fields if f.name != "search_text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ModelAdmin):
    list_display = ["created_at", "action", "call", "application", "actor"]
    list_filter = ["action"]
    search_fields = ["action", "application__reference", "call__title"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ApplicationEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- review --------------------------------------------------------------------------------------


class ViewOnlyAdmin(ModelAdmin):
    """Listed and shown, never added, changed or deleted here (see the module docstring)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _round_is_draft(round_: ReviewRound | None) -> bool:
    return round_ is None or round_.status == ReviewRound.Status.DRAFT


class CriterionInline(TabularInline, TranslationTabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "title", "weight", "scale_min", "scale_max", "comment_required"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _round_is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _round_is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _round_is_draft(obj) and super().has_delete_permission(request, obj)


class PanelMemberInline(TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ["reviewer"]
    fields = ["reviewer", "is_lead", "capacity", "added_at"]
    readonly_fields = ["added_at"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "call", "kind", "position", "status", "blind", "closes_at"]
    list_filter = ["status", "kind", "blind", "call__programme__center"]
    search_fields = ["title", "title_en", "call__title"]
    autocomplete_fields = ["call"]
    list_select_related = ["call"]
    inlines = [CriterionInline, PanelMemberInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The status moves through the review services (opening notifies the panel, closing is checked).
        if _round_is_draft(obj):
            return ["status"]
        return ["call", "status", "kind", "position", "blind", "per_item", "capacity", "normalisation"]


@admin.register(Criterion)
class CriterionAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["title", "round", "position", "weight", "scale_min", "scale_max"]
    list_filter = ["round__status", "comment_required"]
    search_fields = ["title", "title_en", "round__title", "round__call__title"]
    autocomplete_fields = ["round"]
    list_select_related = ["round"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or _round_is_draft(obj.round)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or _round_is_draft(obj.round)) and super().has_delete_permission(request, obj)


@admin.register(PanelMember)
class PanelMemberAdmin(ModelAdmin):
    list_display = ["reviewer", "round", "is_lead", "capacity", "added_at"]
    list_filter = ["is_lead", "round__status"]
    search_fields = ["reviewer__email", "reviewer__full_name", "round__title", "round__call__title"]
    autocomplete_fields = ["round", "reviewer"]
    list_select_related = ["reviewer", "round"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ViewOnlyAdmin):
    list_display = ["application", "reviewer", "reason", "source", "detail", "created_at"]
    list_filter = ["reason", "source"]
    search_fields = ["application__reference", "reviewer__email", "reviewer__full_name", "detail"]
    list_select_related = ["application", "reviewer"]
    date_hierarchy = "created_at"


@admin.register(Bid)
class BidAdmin(ViewOnlyAdmin):
    list_display = ["application", "reviewer", "round", "value"]
    list_filter = ["value"]
    search_fields = ["application__reference", "reviewer__email", "round__title"]
    list_select_related = ["application", "reviewer", "round"]


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ViewOnlyAdmin):
    list_display = ["round", "status", "objective", "started_by", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["round__title", "round__call__title"]
    list_select_related = ["round", "started_by"]
    date_hierarchy = "created_at"


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ViewOnlyAdmin):
    list_display = ["application", "reviewer", "round", "status", "source", "locked", "affinity"]
    list_filter = ["status", "source", "locked"]
    search_fields = ["application__reference", "reviewer__email", "reviewer__full_name", "round__title"]
    list_select_related = ["application", "reviewer", "round"]


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(ViewOnlyAdmin):
    list_display = ["assignment", "total", "submitted_at", "updated_at"]
    list_filter = [("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["assignment__application__reference", "assignment__reviewer__email"]
    list_select_related = ["assignment", "assignment__application", "assignment__reviewer"]
    inlines = [ScoreInline]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ModelAdmin, TabbedTranslationAdmin):
    list_display = ["call", "outcome", "subject"]
    list_filter = ["outcome"]
    search_fields = ["subject", "call__title"]
    autocomplete_fields = ["call"]
    list_select_related = ["call"]


@admin.register(Letter)
class LetterAdmin(ViewOnlyAdmin):
    list_display = ["application", "outcome", "recipient", "language", "sent_at", "read_at"]
    list_filter = ["outcome", "language"]
    search_fields = ["application__reference", "recipient__email", "subject"]
    list_select_related = ["application", "recipient"]
    date_hierarchy = "sent_at"


@admin.register(Appeal)
class AppealAdmin(ViewOnlyAdmin):
    list_display = ["application", "status", "filed_by", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["application__reference", "reason", "response"]
    list_select_related = ["application", "filed_by", "decided_by"]


@admin.register(Participant)
class ParticipantAdmin(ViewOnlyAdmin):
    list_display = ["organisation", "programme", "status", "joined_on"]
    list_filter = ["status", "programme__center"]
    search_fields = ["organisation__name", "programme__title", "application__reference"]
    list_select_related = ["organisation", "programme"]

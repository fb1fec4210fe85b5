"""Workspace pages of programmes, calls, forms and applications (mounted at /workspace/programmes/, next
to urls_review.py: every path here starts with a fixed segment, so neither module shadows the other)."""

from django.urls import URLPattern, URLResolver, path

from innohub.programs.views import applicant, calls

urlpatterns: list[URLPattern | URLResolver] = [
    # staff: programmes
    path("", calls.programme_list, name="programs-programme-list"),
    path("new/", calls.programme_create, name="programs-programme-create"),
    # staff: calls, form builder, applications
    path("calls/<slug:call_slug>/", calls.call_detail, name="programs-call-detail"),
    path("calls/<slug:call_slug>/edit/", calls.call_edit, name="programs-call-edit"),
    path("calls/<slug:call_slug>/status/", calls.call_status, name="programs-call-status"),
    path("calls/<slug:call_slug>/form/", calls.form_builder, name="programs-form-builder"),
    path("calls/<slug:call_slug>/form/sections/add/", calls.section_add, name="programs-form-section-add"),
    path(
        "calls/<slug:call_slug>/form/sections/<int:pk>/",
        calls.section_edit,
        name="programs-form-section-edit",
    ),
    path(
        "calls/<slug:call_slug>/form/sections/<int:pk>/delete/",
        calls.section_delete,
        name="programs-form-section-delete",
    ),
    path(
        "calls/<slug:call_slug>/form/sections/<int:pk>/move/",
        calls.section_move,
        name="programs-form-section-move",
    ),
    path(
        "calls/<slug:call_slug>/form/sections/<int:pk>/questions/add/",
        calls.field_add,
        name="programs-form-field-add",
    ),
    path(
        "calls/<slug:call_slug>/form/questions/<int:pk>/", calls.field_edit, name="programs-form-field-edit"
    ),
    path(
        "calls/<slug:call_slug>/form/questions/<int:pk>/delete/",
        calls.field_delete,
        name="programs-form-field-delete",
    ),
    path(
        "calls/<slug:call_slug>/form/questions/<int:pk>/move/",
        calls.field_move,
        name="programs-form-field-move",
    ),
    path("calls/<slug:call_slug>/applications/", calls.application_list, name="programs-application-list"),
    path(
        "calls/<slug:call_slug>/applications.csv",
        calls.application_export,
        name="programs-application-export",
    ),
    path("applications/<uuid:uuid>/", calls.application_detail, name="programs-application-detail"),
    path(
        "applications/<uuid:uuid>/files/<int:pk>/", applicant.file_download, name="programs-application-file"
    ),
    path(
        "applications/<uuid:uuid>/versions/<int:number>/",
        applicant.version_detail,
        name="programs-application-version",
    ),
    # applicants
    path("my/", applicant.my_applications, name="programs-my-applications"),
    path("apply/<slug:call_slug>/", applicant.apply, name="programs-apply"),
    path("my/<uuid:uuid>/", applicant.application_form, name="programs-application-form"),
    path("my/<uuid:uuid>/save/", applicant.autosave, name="programs-application-autosave"),
    path("my/<uuid:uuid>/submit/", applicant.submit, name="programs-application-submit"),
    path("my/<uuid:uuid>/withdraw/", applicant.withdraw, name="programs-application-withdraw"),
    path(
        "my/<uuid:uuid>/files/<slug:key>/upload/",
        applicant.file_upload,
        name="programs-application-file-upload",
    ),
    path(
        "my/<uuid:uuid>/files/<int:pk>/remove/",
        applicant.file_remove,
        name="programs-application-file-remove",
    ),
    # staff: one programme
    path("p/<slug:slug>/", calls.programme_detail, name="programs-programme-detail"),
    path("p/<slug:slug>/edit/", calls.programme_edit, name="programs-programme-edit"),
    path("p/<slug:slug>/status/", calls.programme_status, name="programs-programme-status"),
    path("p/<slug:slug>/calls/new/", calls.call_create, name="programs-call-create"),
]

"""Directory pages of the workspace, mounted at /workspace/directory/ in the "workspace" namespace.

`<key>` is an organisation's or person's slug or public UUID.
"""

from django.urls import URLPattern, URLResolver, path

from innohub.directory import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.organisation_list, name="directory-organisation-list"),
    path("organisations/new/", views.organisation_create, name="directory-organisation-create"),
    path("organisations/<str:key>/", views.organisation_detail, name="directory-organisation-detail"),
    path("organisations/<str:key>/edit/", views.organisation_edit, name="directory-organisation-edit"),
    path("organisations/<str:key>/delete/", views.organisation_delete, name="directory-organisation-delete"),
    path(
        "organisations/<str:key>/history/", views.organisation_history, name="directory-organisation-history"
    ),
    path("organisations/<str:key>/relations/add/", views.relation_add, name="directory-relation-add"),
    path(
        "organisations/<str:key>/relations/<int:pk>/remove/",
        views.relation_remove,
        name="directory-relation-remove",
    ),
    path(
        "organisations/<str:key>/people/add/",
        views.person_relation_add,
        name="directory-person-relation-add",
    ),
    path(
        "organisations/<str:key>/people/<int:pk>/remove/",
        views.person_relation_remove,
        name="directory-person-relation-remove",
    ),
    path("organisations/<str:slug>/claim/", views.claim, name="directory-claim"),
    path("claims/", views.claim_list, name="directory-claims"),
    path("claims/<uuid:uuid>/decide/", views.claim_decide, name="directory-claim-decide"),
    path("people/", views.person_list, name="directory-person-list"),
    path("people/new/", views.person_create, name="directory-person-create"),
    path("people/<str:key>/edit/", views.person_edit, name="directory-person-edit"),
    path("people/<str:key>/delete/", views.person_delete, name="directory-person-delete"),
]

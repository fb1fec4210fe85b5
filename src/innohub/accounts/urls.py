"""Account pages, mounted at /workspace/account/ in the "workspace" namespace."""

from django.urls import URLPattern, URLResolver, path

from innohub.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("profile/", views.profile, name="account-profile"),
    path("memberships/", views.memberships, name="account-memberships"),
    path("memberships/<uuid:uuid>/leave/", views.leave, name="account-membership-leave"),
    path("tokens/", views.api_tokens, name="account-tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="account-token-revoke"),
    path("centers/<slug:slug>/members/", views.center_members, name="account-center-members"),
    path("centers/<slug:slug>/invite/", views.center_invite, name="account-center-invite"),
    path("members/<uuid:uuid>/role/", views.member_role, name="account-member-role"),
    path("members/<uuid:uuid>/remove/", views.member_remove, name="account-member-remove"),
    path("invitations/<uuid:uuid>/revoke/", views.invitation_revoke, name="account-invitation-revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="account-invitation"),
]

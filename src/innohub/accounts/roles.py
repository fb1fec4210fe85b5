"""The platform-wide roles. Centers may add their own (Role.center set); these are seeded by migration.

Permission codes are "<area>.<action>". `applies_to_descendants` lets a regional or national center's
staff see and act on the centers below it (the network aggregate).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

DIRECTORY_READ = ["directory.view"]
DIRECTORY_WRITE = ["directory.view", "directory.add", "directory.change"]
#: writing a center's news (drafts, edits, deletion) and putting it on the portal or taking it off
CONTENT_WRITE = ["content.change", "content.publish"]
STAFF = (
    DIRECTORY_WRITE
    + CONTENT_WRITE
    + [
        "directory.delete",
        "directory.import",
        "directory.export",
        "directory.approve_claim",
        "directory.view_history",
        "centers.view",
        "accounts.view_members",
        "tasks.view",
        # programmes, calls and selection (innohub.programs.permissions)
        "programs.view",
        "programs.manage",
        "programs.decide",
        "programs.review",
    ]
)

DEFAULT_ROLES: list[dict] = [
    {
        "code": "platform_admin",
        "name_vi": "Quản trị nền tảng",
        "name_en": N_("Platform administrator"),
        "permissions": ["*"],
        "applies_to_descendants": True,
    },
    {
        "code": "center_admin",
        "name_vi": "Quản trị trung tâm",
        "name_en": N_("Center administrator"),
        "permissions": STAFF + ["centers.change", "accounts.invite", "accounts.manage_members"],
        "applies_to_descendants": True,
    },
    {
        "code": "center_staff",
        "name_vi": "Cán bộ trung tâm",
        "name_en": N_("Center staff"),
        "permissions": STAFF,
        "applies_to_descendants": True,
    },
    {
        "code": "reviewer",
        "name_vi": "Chuyên gia đánh giá",
        "name_en": N_("Reviewer"),
        "permissions": DIRECTORY_READ + ["programs.review"],
        "applies_to_descendants": False,
    },
    {
        "code": "mentor",
        "name_vi": "Chuyên gia / cố vấn",
        "name_en": N_("Mentor / expert"),
        "permissions": DIRECTORY_READ + ["programs.review"],
        "applies_to_descendants": False,
    },
    {
        "code": "startup_member",
        "name_vi": "Thành viên startup",
        "name_en": N_("Startup member"),
        "permissions": DIRECTORY_WRITE,
        "applies_to_descendants": False,
    },
    {
        "code": "organisation_member",
        "name_vi": "Thành viên tổ chức",
        "name_en": N_("Organisation member"),
        "permissions": DIRECTORY_WRITE,
        "applies_to_descendants": False,
    },
    {
        "code": "partner",
        "name_vi": "Đối tác",
        "name_en": N_("Partner"),
        "permissions": DIRECTORY_READ,
        "applies_to_descendants": False,
    },
    {
        "code": "public",
        "name_vi": "Công chúng",
        "name_en": N_("Public"),
        "permissions": [],
        "applies_to_descendants": False,
    },
]


def sync_default_roles(role_model) -> None:  # type: ignore[no-untyped-def]
    """Create or update the system roles (used by the data migration and tests)."""
    for spec in DEFAULT_ROLES:
        role_model.objects.update_or_create(
            code=spec["code"],
            center=None,
            defaults={
                "name": spec["name_vi"],
                "name_vi": spec["name_vi"],
                "name_en": spec["name_en"],
                "permissions": spec["permissions"],
                "applies_to_descendants": spec["applies_to_descendants"],
                "is_system": True,
            },
        )

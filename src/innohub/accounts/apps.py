from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "innohub.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from auditlog.registry import auditlog

        from .models import Invitation, Membership
        from .services import unlock_after_password_reset

        auditlog.register(Membership, exclude_fields=["version", "updated_at"])
        # The token hash is a credential: never copied into the change log.
        auditlog.register(Invitation, exclude_fields=["token_hash", "version", "updated_at"])
        password_reset.connect(unlock_after_password_reset, dispatch_uid="innohub-unlock-after-reset")

        from django.db.models.signals import post_migrate

        from innohub.core.reference_data import ensure_rows

        from .roles import sync_default_roles

        post_migrate.connect(
            ensure_rows("accounts", "Role", sync_default_roles), sender=self, weak=False, dispatch_uid="roles"
        )

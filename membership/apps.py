from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership")

    def ready(self):
        # allauth's address changes clear a failing-address pause (see the module).
        from .notifications import signals  # noqa: F401
        # Sign-in time stamps and ending sessions on password changes.
        from . import sessions  # noqa: F401

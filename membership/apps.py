from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership")

    def ready(self):
        # Sign-in time stamps, and ending sessions on password changes (see the module).
        # allauth's address changes clear a failing-address pause (notifications.signals).
        from . import sessions  # noqa: F401
        from .notifications import signals  # noqa: F401

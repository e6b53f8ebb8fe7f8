from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    """Cross-community oversight. Its models arrive with the facilitation issue."""

    name = "facilitation"
    verbose_name = _("Facilitation")

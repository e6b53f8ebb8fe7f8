from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The shared repertoire. Its models arrive with the knowledge issue."""

    name = "knowledge"
    verbose_name = _("Knowledge")

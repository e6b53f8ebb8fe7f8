from django import template

from membership.models import Membership

register = template.Library()


@register.filter
def level_label(level: str | None) -> str:
    """The translated name of a participation level stored as its value."""
    if not level:
        return ""
    return Membership.Level(level).label

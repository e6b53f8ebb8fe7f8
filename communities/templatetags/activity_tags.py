"""Template helpers for the activity feeds."""

from django import template
from django.utils.html import format_html

register = template.Library()


def _is_local_path(url: str) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url


@register.filter
def activity_link(activity):
    """The activity's title, linked to where it happened when that is a path here."""
    if _is_local_path(activity.url):
        return format_html('<a href="{}">{}</a>', activity.url, activity.title)
    return format_html("{}", activity.title)

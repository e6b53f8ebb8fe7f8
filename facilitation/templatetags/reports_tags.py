"""Template questions for the leader report (asked of the permission authority)."""

from django import template

from membership import permissions

register = template.Library()


@register.filter
def may_see_reports(user) -> bool:
    """For the navigation's "Reports" link: costs no query."""
    return permissions.may_see_reports(user)

"""Template helpers for the facilitator dashboard: the navigation asks the permission
authority (no query: the platform role is on the user)."""

from django import template

from membership import permissions

register = template.Library()


@register.filter
def may_see_dashboard(user) -> bool:
    return permissions.may_see_dashboard(user)

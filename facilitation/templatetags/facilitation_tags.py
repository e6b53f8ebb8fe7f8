"""Questions the navigation asks the permission authority about the facilitation
pages. Neither costs a query: the platform role is on the user."""

from django import template

from membership import permissions

register = template.Library()


@register.filter
def may_see_dashboard(user) -> bool:
    return permissions.may_see_dashboard(user)


@register.filter
def may_see_reports(user) -> bool:
    return permissions.may_see_reports(user)


@register.filter
def may_see_delivery_runs(user) -> bool:
    return permissions.may_see_delivery_runs(user)

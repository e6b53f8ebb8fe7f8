"""Template helpers for knowledge items: Markdown through the one sanitiser."""

from django import template

from copplatform.markdown import plain_excerpt, render_markdown

register = template.Library()


@register.filter
def item_markdown(source):
    return render_markdown(source)


@register.filter
def item_excerpt(source, length=200):
    return plain_excerpt(source, int(length))

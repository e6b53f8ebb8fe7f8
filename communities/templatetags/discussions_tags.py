from django import template

from communities.discussions.mentions import plain_mentions as _plain_mentions
from communities.discussions.mentions import render_with_mentions

register = template.Library()


@register.filter
def post_markdown(source: str | None):
    """A thread's or reply's Markdown, with @mentions as profile links, sanitised."""
    return render_with_mentions(source)


@register.filter
def plain_mentions(source: str | None) -> str:
    """Markdown source with mentions as `@Name`, for plain-text emails."""
    return _plain_mentions(source)

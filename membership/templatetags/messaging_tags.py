"""Template helpers for messages, notifications and feeds."""

from django import template

from copplatform.markdown import plain_excerpt, render_markdown
from membership import permissions

register = template.Library()

EXCERPT_LENGTH = 140


@register.filter
def markdown(source: str):
    """Members' Markdown as sanitised HTML (the only way message bodies are shown)."""
    return render_markdown(source)


@register.filter
def excerpt(source: str):
    return plain_excerpt(source or "", EXCERPT_LENGTH)


@register.simple_tag
def may_message(sender, recipient) -> bool:
    """For a "Send a message" link: asks the permission authority."""
    return bool(getattr(sender, "is_authenticated", False)) and permissions.may_message(
        sender, recipient
    )


@register.simple_tag
def capture_names(participants) -> str:
    """The names of conversation participants, comma-separated (escaped on output)."""
    return ", ".join(str(participant.user.name) for participant in participants)

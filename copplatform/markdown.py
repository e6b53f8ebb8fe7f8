"""Markdown for everything members write: rendered, then sanitised by nh3 (Ammonia).

Every Markdown field (threads, replies, agendas, minutes, knowledge items, glossary
definitions, messages) goes through `render_markdown` and nowhere else, so the XSS
corpus in tests/test_markdown.py covers them all. Raw HTML in the source is escaped
rather than passed on, and nh3 then keeps only the tags below: no script, no event
handler, no `javascript:` or `data:` link; every link gets rel="nofollow noopener".
"""

import html

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def _to_html(source: str) -> str:
    converter = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
    # Members write Markdown, not HTML: raw HTML is shown as text, never interpreted.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter.convert(source)


def render_markdown(source: str | None) -> SafeString:
    """Markdown to sanitised HTML, safe to put in a template as is."""
    if not source:
        return mark_safe("")
    cleaned = nh3.clean(
        _to_html(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output is the sanitised form


def plain_excerpt(source: str | None, length: int = 200) -> str:
    """A short plain-text excerpt of Markdown (for lists, emails and notifications)."""
    if not source:
        return ""
    text = html.unescape(nh3.clean(_to_html(source), tags=set()))
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"

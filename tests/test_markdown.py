import pytest

from copplatform.markdown import plain_excerpt, render_markdown

from .xss import PAYLOADS, assert_inert, assert_links_safe


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_renders_inert(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nafter [a link](https://example.org)")
    assert_inert(html)
    assert_links_safe(html)


def test_markdown_still_formats():
    html = render_markdown("## Plan\n\n- **one**\n- two\n\n[site](https://example.org)")
    assert "<h2>Plan</h2>" in html
    assert "<strong>one</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">site</a>' in html


def test_raw_html_is_shown_as_text():
    assert render_markdown("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"
    assert render_markdown("`<b>`") == "<p><code>&lt;b&gt;</code></p>"


def test_empty_source_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_plain_excerpt_strips_markup_and_shortens():
    assert plain_excerpt("**Hi** <script>x</script> & more") == "Hi <script>x</script> & more"
    assert plain_excerpt("word " * 100, length=20).endswith("…")
    assert len(plain_excerpt("word " * 100, length=20)) == 20


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_the_check_catches_raw_payloads(payload):
    # The corpus check itself must be able to fail, or the tests above prove nothing.
    with pytest.raises(AssertionError):
        assert_inert(payload.replace("[click](", '<a href="').replace(")", '">x</a>'))

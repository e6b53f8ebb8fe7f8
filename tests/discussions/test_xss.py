"""Every payload of the XSS corpus, posted through the real forms (thread, reply and
both edit forms, with a mention token around it), comes back inert on the thread page,
its history and the moderation queue."""

import re

import pytest
from django.urls import reverse

from communities.discussions import services
from communities.models import Post, Thread

from ..xss import FORM_PAYLOADS, assert_inert, assert_links_safe

# The page's own forms (reply, moderation, decisions), exactly as the templates write
# them, are taken out first: what remains of <main> is member text and our markup.
OWN_FORM = re.compile(
    r'<form method="(?:post|get)"'
    r'(?: (?:action|hx-post|hx-target|hx-swap|class|aria-label)="[^"<>]*"| novalidate)*>'
    r".*?</form>",
    re.S,
)


def _assert_safe(html):
    main = OWN_FORM.sub("", html.split("<main", 1)[1].split("</main>", 1)[0])
    assert_inert(main)
    # Member-written links carry rel="nofollow noopener"; the page's own links are ours.
    assert_links_safe(
        "".join(part.split("</div>", 1)[0] for part in main.split('class="post-body">')[1:])
    )


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_thread_and_reply_bodies_are_inert(client, community, active, replier, payload):
    client.force_login(active)
    mention = f"@[{payload[:40]}](member:{replier.pk}) "
    client.post(
        reverse("discussions:create", args=[community.slug]),
        {"kind": "question", "title": payload[:200], "body": mention + payload},
    )
    thread = Thread.objects.get()
    client.force_login(replier)
    client.post(reverse("discussions:reply", args=[community.slug, thread.pk]), {"body": payload})
    assert Post.objects.filter(thread=thread).count() == 1
    services.report_create(reporter=replier, thread=thread, reason=payload)

    _assert_safe(
        client.get(reverse("discussions:thread", args=[community.slug, thread.pk])).content.decode()
    )


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_edited_bodies_and_their_history_are_inert(client, community, active, core, payload):
    thread = services.thread_create(
        community=community, author=active, kind="discussion", title="T", body="Safe"
    )
    post = services.reply_create(thread=thread, author=active, body="Safe reply")
    client.force_login(active)
    client.post(
        reverse("discussions:thread_edit", args=[community.slug, thread.pk]),
        {"title": payload[:200], "body": payload},
    )
    client.post(
        reverse("discussions:reply_edit", args=[community.slug, thread.pk, post.pk]),
        {"body": payload},
    )
    thread.refresh_from_db()
    post.refresh_from_db()
    assert thread.body == payload.strip() and post.body == payload.strip()
    for name, args in [
        ("discussions:thread", [community.slug, thread.pk]),
        ("discussions:thread_history", [community.slug, thread.pk]),
        ("discussions:reply_history", [community.slug, thread.pk, post.pk]),
    ]:
        _assert_safe(client.get(reverse(name, args=args)).content.decode())
    services.report_create(reporter=active, thread=thread, post=post, reason=payload)
    client.force_login(core)
    _assert_safe(
        client.get(reverse("discussions:moderation", args=[community.slug])).content.decode()
    )

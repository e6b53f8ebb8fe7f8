"""The download stays synchronous because it stays cheap: the same number of queries
for a member with a bit of everything and for one with thousands of rows and
megabytes of files, and a few seconds at most for the big one."""

import io
import time
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Post
from membership.models import Message, Notification
from membership.privacy.export import export_archive

from ..knowledge.factories import make_item, text_upload
from .world import World

MEGABYTE = 1024 * 1024


def export_measured(user) -> tuple[int, float, zipfile.ZipFile]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        archive = export_archive(user=user)
    elapsed = time.perf_counter() - started
    return len(queries), elapsed, zipfile.ZipFile(io.BytesIO(archive.read()))


def test_the_archive_costs_the_same_queries_however_big_the_account(community):
    world = World(community)
    pat = world.pat
    few_queries, _elapsed, _zip = export_measured(pat)

    conversation = Message.objects.filter(sender=pat).first().conversation
    Post.objects.bulk_create(
        Post(thread=world.thread, author=pat, body=f"Reply {n} " + "words " * 40)
        for n in range(2000)
    )
    Message.objects.bulk_create(
        Message(conversation=conversation, sender=pat, body=f"Message {n}") for n in range(1000)
    )
    Notification.objects.bulk_create(
        Notification(recipient=pat, kind="reply", community=community, title=f"N{n}", url="/")
        for n in range(1000)
    )
    for n in range(4):
        make_item(
            community,
            author=pat,
            kind="document",
            title=f"Big file {n}",
            upload=text_upload(f"big-{n}.txt", ("line of text\n" * (2 * MEGABYTE // 13))),
        )

    many_queries, elapsed, zipped = export_measured(pat)
    print(f"export of a big account: {elapsed:.2f} s, {many_queries} queries")

    assert many_queries == few_queries
    names = zipped.namelist()
    assert len([name for name in names if name.startswith("files/")]) == 5
    assert zipped.read("replies.json").count(b'"body"') == 2001
    # Measured about 1 s on SQLite on a shared 2-core machine; the bound leaves room.
    assert elapsed < 10, f"export took {elapsed:.1f} s"

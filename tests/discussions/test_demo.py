from io import StringIO

from django.core.management import call_command

from communities.models import Activity, Post, Report, Thread
from membership.notifications.models import Notification


def test_demo_discussions_are_lively_and_seeding_twice_adds_nothing(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    counts = (Thread.objects.count(), Post.objects.count(), Report.objects.count())

    assert Thread.objects.filter(community__visibility="public").count() >= 4
    assert Thread.objects.filter(community__visibility="private").exists()
    assert Thread.objects.filter(kind="question").exclude(accepted_post=None).exists()
    assert Thread.objects.filter(kind="announcement").exists()
    assert Thread.objects.filter(is_pinned=True).exists()
    assert Report.objects.filter(status="open").exists()
    assert Notification.objects.filter(
        kind=Notification.Kind.MENTION, recipient__email="active@example.org"
    ).exists()
    assert Activity.objects.filter(verb=Activity.Verb.ANSWER_ACCEPTED).exists()

    call_command("seed_demo", force=True, stdout=StringIO())
    assert (Thread.objects.count(), Post.objects.count(), Report.objects.count()) == counts

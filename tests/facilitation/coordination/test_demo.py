"""The coordination demo: a work log for the demo facilitator, and join requests
waiting in a community they facilitate; made once."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from facilitation.coordination import selectors
from facilitation.models import WorkLogEntry
from membership.models import User


def test_demo_work_log_is_filled_once(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("seed_demo", force=True, stdout=StringIO())
    facilitator = User.objects.get(email="facilitator@example.org")
    entries = WorkLogEntry.objects.filter(facilitator=facilitator)
    automatic = entries.exclude(source="")
    assert automatic.exists() and entries.filter(source="").exists()
    assert automatic.filter(minutes=0).exists()
    assert entries.count() >= 10
    assert entries.values("occurred_on__month").distinct().count() >= 3
    assert selectors.join_requests_pending_for(user=facilitator).exists()


def test_the_demo_facilitator_opens_every_coordination_page(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())
    facilitator = User.objects.get(email="facilitator@example.org")
    client.force_login(facilitator)
    entry = WorkLogEntry.objects.filter(facilitator=facilitator).exclude(source="").first()
    item = selectors.shareable_items(user=facilitator)[0]
    urls = [
        reverse("coordination:announce"),
        reverse("coordination:share"),
        reverse("coordination:share") + f"?item={item.pk}",
        reverse("coordination:join_requests"),
        reverse("coordination:bulk_invite"),
        reverse("coordination:work_log"),
        reverse("coordination:work_log_add"),
        reverse("coordination:work_log_edit", args=[entry.pk]),
        reverse("coordination:work_log_delete", args=[entry.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url
    newcomer = User.objects.get(email="newcomer@example.org")
    requests_page = client.get(reverse("coordination:join_requests")).content.decode()
    assert newcomer.name in requests_page

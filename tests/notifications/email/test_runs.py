"""The delivery runs page for the facilitation team: the last 30 runs, newest first,
with what each sent, skipped, failed, still has waiting and has in doubt, in one
aggregate query."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membership.models import DeliveryRecord, DeliveryRun
from membership.notifications.kinds import KIND_LABELS, kind_label

from ...factories import UserFactory

RUNS = reverse("email:runs")
Status = DeliveryRecord.Status


def _run(kind, period, *, started, finished=None, statuses=(), claimed_ago=None):
    run = DeliveryRun.objects.create(
        kind=kind,
        period=period,
        started_at=started,
        finished_at=finished,
        planned=len(statuses),
    )
    people = UserFactory.create_batch(len(statuses)) if statuses else []
    DeliveryRecord.objects.bulk_create(
        DeliveryRecord(
            run=run,
            user=user,
            kind=kind,
            period=period,
            status=status,
            claimed_at=timezone.now() - claimed_ago
            if status == Status.CLAIMED and claimed_ago
            else None,
        )
        for user, status in zip(people, statuses, strict=True)
    )
    return run


def test_signed_out_people_are_asked_to_sign_in(client, db):
    assert client.get(RUNS)["Location"].startswith(reverse("account_login"))


def test_members_and_leaders_may_not_see_runs(client, peripheral, core, leader):
    for person in (peripheral, core, leader):
        client.force_login(person)
        assert client.get(RUNS).status_code == 403


def test_facilitators_and_admins_see_the_runs(client, facilitator, admin_user):
    for person in (facilitator, admin_user):
        client.force_login(person)
        assert client.get(RUNS).status_code == 200


def test_an_empty_record_says_what_it_will_hold(client, facilitator):
    client.force_login(facilitator)

    page = client.get(RUNS).content.decode()

    assert "No email runs yet" in page
    assert "Each scheduled run of digests and reminders is listed here" in page


def test_each_run_shows_its_label_period_times_and_counts(client, facilitator, settings):
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 600
    now = timezone.now()
    _run(
        "digest_daily",
        "2026-03-01",
        started=now - timedelta(days=1),
        finished=now - timedelta(days=1) + timedelta(minutes=3),
        statuses=[Status.SENT, Status.SENT, Status.SKIPPED, Status.FAILED],
    )
    _run(
        "event_reminder_hour",
        "2026-03-02T10",
        started=now - timedelta(minutes=30),
        statuses=[Status.PENDING, Status.SENT],
    )
    running = _run(
        "digest_weekly",
        "2026-W10",
        started=now - timedelta(minutes=20),
        statuses=[Status.CLAIMED, Status.CLAIMED],
        claimed_ago=timedelta(minutes=15),  # longer than the lease: in doubt
    )
    # One of its two claims is fresh: still being sent, so waiting, not in doubt.
    fresh = DeliveryRecord.objects.filter(run=running).order_by("pk").first()
    DeliveryRecord.objects.filter(pk=fresh.pk).update(claimed_at=now - timedelta(minutes=1))
    _run("new_kind_nobody_named", "x-1", started=now - timedelta(minutes=10))
    client.force_login(facilitator)

    response = client.get(RUNS)

    rows = {run.kind: run for run in response.context["runs"]}
    assert [run.kind for run in response.context["runs"]] == [
        "new_kind_nobody_named",
        "digest_weekly",
        "event_reminder_hour",
        "digest_daily",
    ]

    def counts(kind):
        run = rows[kind]
        return (run.planned, run.sent, run.skipped, run.failed, run.waiting, run.in_doubt)

    assert counts("digest_daily") == (4, 2, 1, 1, 0, 0)
    assert counts("event_reminder_hour") == (2, 1, 0, 0, 1, 0)
    assert counts("digest_weekly") == (2, 0, 0, 0, 1, 1)
    page = response.content.decode()
    assert "Daily digest" in page and "Weekly digest" in page
    assert "Event reminder, an hour before" in page
    assert '<th scope="row">new_kind_nobody_named</th>' in page  # an unknown kind: its code
    assert "2026-W10" in page and "running" in page


def test_only_the_last_30_runs_are_shown(client, facilitator):
    now = timezone.now()
    for day in range(32):
        _run("digest_daily", f"day-{day}", started=now - timedelta(days=day))
    client.force_login(facilitator)

    runs = client.get(RUNS).context["runs"]

    assert len(runs) == 30
    assert runs[0].period == "day-0" and runs[-1].period == "day-29"


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_queries_however_many_runs_and_records(
    client, facilitator, django_assert_num_queries, count
):
    now = timezone.now()
    for index in range(count):
        _run(
            "digest_daily",
            f"p{index}",
            started=now - timedelta(hours=index),
            statuses=[Status.SENT, Status.SKIPPED, Status.PENDING][: 1 + index % 3],
        )
    client.force_login(facilitator)

    # session, user, the runs with their counts (one aggregate), the nav counts
    with django_assert_num_queries(4):
        assert client.get(RUNS).status_code == 200


def test_the_facilitation_dashboard_links_here_for_those_who_may_see_it(
    client, facilitator, admin_user
):
    for person in (facilitator, admin_user):
        client.force_login(person)
        page = client.get(reverse("dashboard:index")).content.decode()
        assert f'href="{RUNS}"' in page


def test_every_kind_the_engine_sends_has_a_label_and_others_show_their_code():
    expected = {
        "digest_daily",
        "digest_weekly",
        "instant_thread",
        "instant_reply",
        "instant_item",
        "announcement",
        "event_reminder_day",
        "event_reminder_hour",
        "rsvp_nudge",
        "action_overdue",
        "applied_30",
        "applied_90",
        "join_requests_waiting",
        "unanswered_questions",
        "charter_review_due",
        "knowledge_review_due",
        "onboarding_nudge",
        "quiet_member_note",
        "at_risk_summary",
    }
    assert expected <= set(KIND_LABELS)
    assert all(kind_label(code) != code for code in expected)
    assert kind_label("something_new") == "something_new"

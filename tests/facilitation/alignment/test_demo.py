"""The alignment demo: priorities, declarations, value stories of every kind (one
waiting for the demo core member) and brokerage events, made once."""

from io import StringIO

from django.core.management import call_command
from django.db.models import F

from facilitation.models import (
    BrokerageEvent,
    CommunityLearningStage,
    StrategicPriority,
    ValueStory,
)
from membership import permissions
from membership.models import User


def _counts():
    return (
        StrategicPriority.objects.count(),
        CommunityLearningStage.objects.count(),
        ValueStory.objects.count(),
        BrokerageEvent.objects.count(),
    )


def test_demo_alignment_is_filled_and_idempotent(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = _counts()
    call_command("seed_demo", force=True, stdout=StringIO())

    assert _counts() == first
    assert 5 <= StrategicPriority.objects.count() <= 6
    stories = ValueStory.objects.all()
    assert stories.count() >= 8
    assert set(stories.filter(status="confirmed").values_list("value_type", flat=True)) == set(
        ValueStory.ValueType.values
    )
    waiting = stories.get(status="recorded")
    core = User.objects.get(email="core@example.org")
    assert permissions.may_confirm_value_story(core, waiting)
    kinds = set(BrokerageEvent.objects.values_list("kind", flat=True))
    assert {"share", "link"} <= kinds
    assert not BrokerageEvent.objects.filter(source_community=F("target_community")).exists()
    for slug in ("safer-opioid-prescribing", "ed-flow-leaders", "dementia-care-homes"):
        assert StrategicPriority.objects.filter(communities__slug=slug).exists()

"""The people by stakeholder type of the unfiltered report come from a platform-wide
row refreshed with the snapshots (distinct people cannot be summed from per-community
rows); a filtered report counts them now."""

import csv
import io
from datetime import timedelta

import pytest

from facilitation.models import PlatformSnapshot, StrategicPriority
from facilitation.tasks import refresh_all_snapshots
from membership.models import User

from ...factories import CommunityFactory
from .helpers import add_members

pytestmark = pytest.mark.django_db
PATIENTS = str(User.StakeholderType.PATIENT_CARER_PUBLIC.label)


def _people(client, query=""):
    response = client.get(f"/reports/export/stakeholders.csv{query}")
    return dict(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def ward(leader, client):
    client.force_login(leader)
    ward = CommunityFactory(name="Ward")
    add_members(ward, 6, stakeholder="patient")
    return ward


def test_the_task_stores_each_person_once(ward):
    other = CommunityFactory(name="Other")
    people = add_members(other, 5, stakeholder="clinician")
    for person in people:  # the same five in two communities: counted once
        ward.memberships.create(user=person, level="peripheral")
    refresh_all_snapshots()
    row = PlatformSnapshot.objects.get(key=PlatformSnapshot.PEOPLE)
    assert row.data["patient"] == 6 and row.data["clinician"] == 5


def test_the_unfiltered_report_reads_the_row_until_it_is_refreshed(client, ward):
    refresh_all_snapshots()
    assert _people(client)[PATIENTS] == "6"
    add_members(ward, 3, stakeholder="patient")
    assert _people(client)[PATIENTS] == "6"
    body = client.get("/reports/").content.decode()
    assert body.count("Figures as of") == 2  # the activity, and the people
    refresh_all_snapshots()
    assert _people(client)[PATIENTS] == "9"


def test_a_filtered_report_or_an_older_period_counts_now(client, ward):
    falls = StrategicPriority.objects.create(name="Fewer falls")
    falls.communities.add(ward)
    refresh_all_snapshots()
    add_members(ward, 3, stakeholder="patient")
    assert _people(client, f"?priority={falls.pk}")[PATIENTS] == "9"
    row = PlatformSnapshot.objects.get(key=PlatformSnapshot.PEOPLE)
    ended = (row.computed_at - timedelta(days=1)).date().isoformat()
    assert _people(client, f"?date_to={ended}&date_from=2024-01-01")[PATIENTS] == "0"


def test_without_a_row_the_report_computes_and_stores_it(client, ward):
    assert not PlatformSnapshot.objects.exists()
    assert _people(client)[PATIENTS] == "6"
    assert PlatformSnapshot.objects.get(key=PlatformSnapshot.PEOPLE).data["patient"] == 6

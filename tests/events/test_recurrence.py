"""Generating a series' meetings: weekly, fortnightly, monthly on a weekday, bounded,
and at the same wall-clock time across daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from communities.events.services import MAX_OCCURRENCES, MAX_SPAN_DAYS, occurrence_times

from .factories import TORONTO, make_event

ZONE = ZoneInfo(TORONTO)


def _local(year, month, day, hour=19, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def _times(start, recurrence, **kwargs):
    return occurrence_times(
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone=TORONTO,
        recurrence=recurrence,
        repeat_until=kwargs.get("repeat_until"),
        repeat_count=kwargs.get("repeat_count"),
    )


def _local_dates(times):
    return [start.astimezone(ZONE).date() for start, _end in times]


def test_a_one_off_event_has_one_meeting(community, core):
    event = make_event(community, core)
    assert event.occurrences.count() == 1
    meeting = event.occurrences.get()
    assert (meeting.starts_at, meeting.ends_at) == (event.starts_at, event.ends_at)


def test_weekly_with_a_count():
    times = _times(_local(2026, 3, 3), "weekly", repeat_count=4)
    assert _local_dates(times) == [date(2026, 3, d) for d in (3, 10, 17, 24)]


def test_every_two_weeks_until_a_date():
    times = _times(_local(2026, 3, 3), "fortnightly", repeat_until=date(2026, 4, 28))
    assert _local_dates(times) == [
        date(2026, 3, 3),
        date(2026, 3, 17),
        date(2026, 3, 31),
        date(2026, 4, 14),
        date(2026, 4, 28),
    ]


def test_monthly_on_the_second_tuesday():
    # 13 January 2026 is the second Tuesday of its month.
    times = _times(_local(2026, 1, 13), "monthly_weekday", repeat_count=4)
    assert _local_dates(times) == [
        date(2026, 1, 13),
        date(2026, 2, 10),
        date(2026, 3, 10),
        date(2026, 4, 14),
    ]
    assert all(day.weekday() == 1 for day in _local_dates(times))


def test_a_fifth_weekday_repeats_as_the_last_one():
    # 30 January 2026 is the fifth Friday; February has only four.
    times = _times(_local(2026, 1, 30), "monthly_weekday", repeat_count=3)
    assert _local_dates(times) == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]


def test_weekly_meetings_keep_their_local_time_across_the_end_of_daylight_saving():
    # Toronto leaves daylight-saving time on 1 November 2026.
    times = _times(_local(2026, 10, 20), "weekly", repeat_count=4)
    assert [start.astimezone(ZONE).hour for start, _ in times] == [19, 19, 19, 19]
    assert [start.hour for start, _ in times] == [23, 23, 0, 0]  # UTC moves instead
    assert all(end - start == timedelta(hours=1) for start, end in times)


def test_monthly_meetings_keep_their_local_time_across_the_start_of_daylight_saving():
    # Daylight-saving time starts on 8 March 2026 in Toronto.
    times = _times(_local(2026, 2, 10, hour=9), "monthly_weekday", repeat_count=2)
    assert [start.astimezone(ZONE).hour for start, _ in times] == [9, 9]
    assert [start.hour for start, _ in times] == [14, 13]


def test_generation_is_bounded_in_count_and_span():
    start = _local(2026, 1, 5)
    weekly = _times(start, "weekly", repeat_until=date(2031, 1, 1))
    assert len(weekly) <= MAX_OCCURRENCES
    assert weekly[-1][0] - start <= timedelta(days=MAX_SPAN_DAYS)
    assert len(_times(start, "weekly", repeat_count=500)) <= MAX_OCCURRENCES


def test_a_repeating_event_generates_its_meetings_as_rows(community, core):
    event = make_event(community, core, recurrence="fortnightly", repeat_count=5)
    assert list(event.occurrences.values_list("position", flat=True)) == [0, 1, 2, 3, 4]


def test_a_repeating_event_needs_an_end(community, core):
    with pytest.raises(ValidationError) as error:
        make_event(community, core, recurrence="weekly")
    assert "repeat_until" in error.value.error_dict


def test_an_unknown_time_zone_is_refused(community, core):
    with pytest.raises(ValidationError) as error:
        make_event(community, core, time_zone="Mars/Olympus_Mons")
    assert "time_zone" in error.value.error_dict

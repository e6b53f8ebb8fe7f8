"""CommunitySignals to JSON and back, for CommunitySnapshot.signals.

Everything but the community, the period and the flags is stored as it is: signals
as {"current", "previous"}, moments as ISO 8601, the rest (numbers, lists, dicts
with string keys) as JSON has them. Flags are not stored: they are read off the
signals with the thresholds of the moment (facilitation.dashboard.flags).
"""

from dataclasses import fields
from datetime import datetime

from communities.models import Community
from facilitation.dashboard.signals import CommunitySignals, Period, Signal

_SKIPPED = {"community", "period", "flags"}
_SIGNALS = {f.name for f in fields(CommunitySignals) if f.type is Signal}
_MOMENTS = {f.name for f in fields(CommunitySignals) if f.type == datetime | None}
_PLAIN = {f.name for f in fields(CommunitySignals)} - _SKIPPED - _SIGNALS - _MOMENTS


def signals_to_json(signals: CommunitySignals) -> dict:
    data = {"period": [signals.period.start.isoformat(), signals.period.end.isoformat()]}
    for name in _SIGNALS:
        signal = getattr(signals, name)
        data[name] = {"current": signal.current, "previous": signal.previous}
    for name in _MOMENTS:
        moment = getattr(signals, name)
        data[name] = moment.isoformat() if moment is not None else None
    for name in _PLAIN:
        data[name] = getattr(signals, name)
    return data


def signals_from_json(data: dict, community: Community) -> CommunitySignals:
    start, end = (datetime.fromisoformat(moment) for moment in data["period"])
    values = {name: Signal(data[name]["current"], data[name]["previous"]) for name in _SIGNALS}
    values.update(
        {
            name: datetime.fromisoformat(data[name]) if data[name] is not None else None
            for name in _MOMENTS
        }
    )
    values.update({name: data[name] for name in _PLAIN})
    return CommunitySignals(community=community, period=Period(start, end), **values)

"""Put the XSS corpus into every text field people write, across the demo data.

`poison()` walks every model of the project (and taggit's tags): each editable
CharField and TextField that is not a slug, URL, address, choice or one of `EXEMPT`
(machine-made values, each with its reason) is rewritten row by row. A field's value
starts with its marker (`XF017X`), so a crawl can tell which fields a page, email or
export showed; then come payloads:

- a text field (Markdown or plain, no length limit) holds `TEXT_ROOM` characters of
  payloads, one per paragraph; a field with a length limit holds as many whole
  payloads as fit;
- each row starts where the previous row of that field stopped, so the rows carry the
  corpus round and round (`payloads_per_field` counts how many each field got).

History rows (django-simple-history) are poisoned too: version pages show them.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

from ..xss import PAYLOADS

APPS = {"communities", "membership", "knowledge", "facilitation", "taggit"}
EXEMPT = {
    "membership.User.password": "a password hash, never shown",
    "membership.User.time_zone": "chosen from the list of zones and validated",
    "communities.Event.time_zone": "chosen from the list of zones and validated",
    "membership.Invitation.nonce": "server-made random key",
    "communities.CalendarFeed.token": "server-made random key",
    "communities.Activity.url": "a path on this site, made by the server",
    "membership.Notification.url": "a path on this site, made by the server",
    "membership.DeliveryRun.kind": "the email engine's kind code",
    "membership.DeliveryRun.period": "the email engine's period code",
    "membership.DeliveryRecord.kind": "the email engine's kind code",
    "membership.DeliveryRecord.period": "the email engine's period code",
    "membership.DeliveryRecord.detail": "the email engine's error text",
    "membership.NotificationSettings.email_failure": "the SMTP server's error text",
    "knowledge.KnowledgeItem.file_type": "detected from the file's content",
    "facilitation.WorkLogEntry.source": "the key of an automatic entry",
}
TEXT_ROOM = 1500  # pages stay a realistic size; the rows share out the corpus
MACHINE_TYPES = (models.SlugField, models.URLField, models.EmailField)


@dataclass
class Poisoned:
    """What `poison` wrote: marker -> "app.Model.field", and how many payloads each
    field carries across its rows."""

    fields: dict[str, str] = field(default_factory=dict)
    payloads_per_field: dict[str, int] = field(default_factory=dict)

    def seen_in(self, text: str) -> set[str]:
        return {name for marker, name in self.fields.items() if marker in text}


def _field_or_none(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def writable_text_fields():
    """(label "app.Model.field", model, field) for every field `poison` fills."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, (models.CharField, models.TextField)):
                continue
            label = f"{model._meta.label}.{model_field.name}"
            base_label = label.replace(".Historical", ".")
            original = getattr(model, "instance_type", model)  # a history row's model
            if isinstance(_field_or_none(original, model_field.name), models.FileField):
                continue  # a history row's copy of a storage key
            if (
                isinstance(model_field, MACHINE_TYPES)
                or model_field.choices
                or not model_field.editable
                or base_label in EXEMPT
                or model_field.name in ("history_change_reason", "history_type")
            ):
                continue
            yield label, model, model_field


def _pack(start: int, limit: int | None) -> tuple[list[int], str]:
    """Payload indexes and the text holding them, from `start` on, within `limit`
    (a text field's payloads are paragraphs, a limited field's are words)."""
    count = len(PAYLOADS)
    separator = "\n\n" if limit is None else " "
    limit = TEXT_ROOM if limit is None else limit
    chosen, text = [], ""
    for step in range(count):
        index = (start + step) % count
        candidate = f"{text}{separator}{PAYLOADS[index]}" if text else PAYLOADS[index]
        if len(candidate) > limit:
            break
        chosen, text = [*chosen, index], candidate
    if not chosen:  # one payload longer than the field: as much of it as fits
        return [start % count], PAYLOADS[start % count][:limit]
    return chosen, text


def poison() -> Poisoned:
    result = Poisoned()
    by_model: dict = {}
    for number, (label, model, model_field) in enumerate(writable_text_fields()):
        marker = f"XF{number:03d}X"
        result.fields[marker] = label
        by_model.setdefault(model, []).append((label, marker, model_field))
    for model, fields in by_model.items():
        seen = {label: set() for label, _, _ in fields}
        starts = {label: 0 for label, _, _ in fields}
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True):
            values = {}
            for label, marker, model_field in fields:
                limit = model_field.max_length
                room = None if limit is None else limit - len(marker) - 1
                chosen, text = _pack(starts[label], room)
                seen[label].update(chosen)
                starts[label] += len(chosen)
                values[model_field.attname] = f"{marker} {text}"
            model._default_manager.filter(pk=pk).update(**values)
        for label in seen:
            result.payloads_per_field[label] = len(seen[label])
    return result

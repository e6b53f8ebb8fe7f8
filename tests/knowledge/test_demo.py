"""The knowledge demo content: a realistic repertoire, made once."""

from io import StringIO

from django.core.management import call_command

from knowledge.models import ItemShare, KnowledgeItem


def test_demo_repertoire_is_realistic_and_idempotent(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    counts = (
        KnowledgeItem.objects.count(),
        KnowledgeItem.history.count(),
        ItemShare.objects.count(),
    )
    call_command("seed_demo", force=True, stdout=StringIO())

    assert (
        KnowledgeItem.objects.count(),
        KnowledgeItem.history.count(),
        ItemShare.objects.count(),
    ) == counts
    published = KnowledgeItem.objects.filter(status="published")
    assert set(published.values_list("community__slug", flat=True)) >= {
        "safer-opioid-prescribing",
        "diabetes-patient-partners",
        "mental-health-peer-support",
        "ed-flow-leaders",
        "dementia-care-homes",
        "regional-quality-team",
    }
    assert set(KnowledgeItem.objects.values_list("kind", flat=True)) >= {
        "document",
        "story",
        "checklist",
        "answer",
        "link",
    }
    assert published.filter(is_featured=True).exists()
    assert published.filter(in_library=True).exists()
    assert ItemShare.objects.exists()
    revised = KnowledgeItem.objects.get(title="Opioid tapering plan template")
    assert len({str(version.file) for version in revised.history.all()}) == 2
    with revised.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"

from io import StringIO

from django.core.management import call_command

from knowledge.glossary_demo import COMMUNITY_TERMS, PLATFORM_TERMS
from knowledge.models import GlossaryTerm


def test_the_demo_glossary_is_seeded_once(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())
    count = GlossaryTerm.objects.count()
    call_command("seed_demo", force=True, stdout=StringIO())

    assert GlossaryTerm.objects.count() == count
    assert count == len(PLATFORM_TERMS) + sum(len(terms) for terms in COMMUNITY_TERMS.values())
    assert GlossaryTerm.objects.filter(community=None, term="HbA1c").exists()


def test_demo_terms_of_the_hidden_community_are_not_found_by_others(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())

    response = client.get("/search/", {"q": "PDSA"})

    assert response.status_code == 200
    assert response.context["page_obj"].total.number == 0
    assert client.login(email="facilitator@example.org", password="demo-password-2026")
    response = client.get("/search/", {"q": "PDSA"})
    assert [hit.title for hit in response.context["hits"]] == ["PDSA cycle"]

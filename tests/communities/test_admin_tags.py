"""The topics' admin (taggit's tags): merging needs tags chosen in the list first."""

from django.urls import reverse
from taggit.models import Tag


def test_merging_tags_without_choosing_them_first_sends_the_admin_back_to_the_list(
    client, admin_user
):
    # Found by tests/permissions/test_fuzz.py: taggit's page failed with a 500.
    client.force_login(admin_user)

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "care"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:taggit_tag_changelist")
    assert not Tag.objects.filter(name="care").exists()


def test_chosen_tags_still_merge(client, admin_user):
    old = Tag.objects.create(name="old-care")
    client.force_login(admin_user)
    session = client.session
    session["selected_tag_ids"] = str(old.pk)
    session.save()

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "care"})

    assert response.status_code == 302
    assert Tag.objects.filter(name="care").exists()

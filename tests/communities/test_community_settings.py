import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communities.models import Community
from membership.models import AuditEntry

from ..factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory

Visibility = Community.Visibility


def _url(community):
    return reverse("communities:settings", args=[community.slug])


def _image(name="picture.png", image_format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _data(community, **overrides):
    data = {
        "name": community.name,
        "purpose": community.purpose,
        "description": community.description,
        "visibility": community.visibility,
        "join_policy": community.join_policy,
        "stage": community.stage,
        "topics": ", ".join(community.topics.names()),
        "welcome_message": community.welcome_message,
    }
    data.update(overrides)
    return data


def test_signed_out_visitors_are_asked_to_sign_in(client, community):
    response = client.get(_url(community))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_peripheral_members_may_not_change_settings(client, peripheral, community):
    client.force_login(peripheral)

    assert client.get(_url(community)).status_code == 403
    assert client.post(_url(community), _data(community, name="Taken over")).status_code == 403
    community.refresh_from_db()
    assert community.name == "Safer Prescribing"


def test_outsiders_are_refused_a_listed_community_and_never_learn_of_a_hidden_one(client, outsider):
    listed = CommunityFactory(visibility=Visibility.PRIVATE)
    hidden = CommunityFactory(visibility=Visibility.HIDDEN)
    client.force_login(outsider)

    assert client.get(_url(listed)).status_code == 403
    assert client.get(_url(hidden)).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.HIDDEN])
def test_core_members_and_facilitators_see_the_settings(client, db, visibility):
    community = CommunityFactory(visibility=visibility, welcome_message="Hello there")
    community.topics.set(["b topic", "A topic"])
    core = MembershipFactory(community=community, level="core").user
    facilitator = FacilitatorAssignmentFactory(community=community).user

    for person in (core, facilitator):
        client.force_login(person)
        response = client.get(_url(community))
        assert response.status_code == 200
        assert response.context["form"]["topics"].value() == "A topic, b topic"
        assert "Hello there" in response.content.decode()


def test_saving_changes_only_what_changed_and_audits_visibility(client, core, community):
    client.force_login(core)

    response = client.post(
        _url(community),
        _data(
            community,
            purpose="A new purpose.",
            visibility="private",
            stage="maturing",
            topics="medicines, safety",
            welcome_message="Welcome!",
        ),
    )

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.purpose == "A new purpose."
    assert community.visibility == "private"
    assert community.stage == "maturing"
    assert community.welcome_message == "Welcome!"
    assert sorted(community.topics.names()) == ["medicines", "safety"]
    entries = AuditEntry.objects.filter(community=community)
    assert entries.get(action=AuditEntry.Action.VISIBILITY_CHANGED).detail == "public → private"
    settings_entry = entries.get(action=AuditEntry.Action.SETTINGS_CHANGED)
    assert settings_entry.detail == "purpose, stage, welcome_message, topics"


def test_saving_without_changes_records_nothing(client, core, community):
    client.force_login(core)
    before = AuditEntry.objects.filter(community=community).count()

    response = client.post(_url(community), _data(community))

    assert response.status_code == 302
    assert AuditEntry.objects.filter(community=community).count() == before


def test_a_valid_image_is_saved(client, core, community):
    client.force_login(core)

    response = client.post(_url(community), _data(community, image=_image()))

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.image.name.startswith("communities/picture")
    assert "image" in AuditEntry.objects.get(action="settings_changed", community=community).detail


def test_a_file_that_is_not_an_image_is_refused_and_typed_values_are_kept(client, core, community):
    client.force_login(core)
    not_an_image = SimpleUploadedFile("notes.png", b"just some text", content_type="image/png")

    response = client.post(
        _url(community), _data(community, name="Typed New Name", image=not_an_image)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [
        "The file is not a picture we can use. Choose a JPEG, PNG, GIF or WebP image."
    ]
    body = response.content.decode()
    assert 'value="Typed New Name"' in body
    assert "There is a problem" in body
    community.refresh_from_db()
    assert community.name == "Safer Prescribing"


def test_an_image_in_a_format_browsers_may_not_show_is_refused(client, core, community):
    client.force_login(core)

    response = client.post(
        _url(community), _data(community, image=_image("scan.tiff", image_format="TIFF"))
    )

    assert "Choose a JPEG, PNG, GIF or WebP image." in response.context["form"].errors["image"][0]


def test_an_image_over_two_megabytes_is_refused_with_its_size(client, core, community):
    client.force_login(core)
    big = SimpleUploadedFile("big.png", b"\0" * (3 * 1024 * 1024), content_type="image/png")

    response = client.post(_url(community), _data(community, name="Typed New Name", image=big))

    assert response.context["form"].errors["image"] == [
        "The image must be 2.0\xa0MB or smaller; this one is 3.0\xa0MB."
    ]
    assert 'value="Typed New Name"' in response.content.decode()
    community.refresh_from_db()
    assert not community.image


def test_a_blank_name_is_refused_beside_its_field(client, core, community):
    client.force_login(core)

    response = client.post(_url(community), _data(community, name="  ", purpose="Kept purpose"))

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Enter a name for the community."]
    assert "Kept purpose" in response.content.decode()


def test_an_unknown_visibility_is_refused(client, core, community):
    client.force_login(core)

    response = client.post(_url(community), _data(community, visibility="everyone"))

    assert "visibility" in response.context["form"].errors
    community.refresh_from_db()
    assert community.visibility == Visibility.PUBLIC

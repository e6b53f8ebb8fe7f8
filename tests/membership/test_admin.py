from django.urls import reverse

from membership.models import AuditEntry
from membership.permissions import may_manage_members

from ..factories import CommunityFactory, UserFactory


def test_a_platform_admin_assigns_a_facilitator_who_gets_core_powers(client, admin_user):
    community = CommunityFactory(visibility="hidden")
    facilitator = UserFactory(platform_role="facilitator")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:membership_facilitatorassignment_add"),
        {"user": facilitator.pk, "community": community.pk},
    )

    assert response.status_code == 302
    assert may_manage_members(type(facilitator).objects.get(pk=facilitator.pk), community)
    assert AuditEntry.objects.get(action="facilitator_assigned").actor == admin_user


def test_the_admin_unassign_action_removes_core_powers(client, admin_user):
    from membership.models import FacilitatorAssignment

    from ..factories import FacilitatorAssignmentFactory

    assignment = FacilitatorAssignmentFactory()
    client.force_login(admin_user)

    client.post(
        reverse("admin:membership_facilitatorassignment_changelist"),
        {"action": "unassign_selected", "_selected_action": [assignment.pk]},
    )

    assert not FacilitatorAssignment.objects.exists()
    assert not may_manage_members(assignment.user, assignment.community)


def test_memberships_are_read_only_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("admin:membership_membership_add")).status_code == 403


def test_second_factors_are_read_only_in_the_admin_so_a_changed_type_cannot_fail(
    client, admin_user
):
    # Found by tests/permissions/test_fuzz.py: posting another type was a 500.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(UserFactory()).instance
    client.force_login(admin_user)
    change = reverse("admin:mfa_authenticator_change", args=[codes.pk])

    assert client.get(change).status_code == 200
    assert client.post(change, {"type": "webauthn"}).status_code == 403
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    assert Authenticator.objects.get(pk=codes.pk).type == Authenticator.Type.RECOVERY_CODES

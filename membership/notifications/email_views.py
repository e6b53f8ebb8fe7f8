"""Email pages: a member's email settings (and their failing address), the one-click
unsubscribe, and the record of delivery runs for the facilitation team."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from membership import permissions
from membership.models import User

from . import preferences, runs
from .email_forms import EmailSettingsForm


@login_required
def email_settings(request):
    if not permissions.may_manage_own_email(request.user):
        raise PermissionDenied
    row = preferences.settings_for(request.user)
    memberships = preferences.email_settings_memberships(user=request.user)
    form = EmailSettingsForm(
        request.POST or None,
        memberships=memberships,
        initial=EmailSettingsForm.initial_for(row, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            preferences.email_settings_save(user=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your email settings have been saved."))
            return redirect("email:settings")
    context = {"form": form, "settings_row": row}
    return render(
        request, "membership/email/settings.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def email_resume(request):
    """The member says their address works again: mail may go to it once more."""
    if not permissions.may_manage_own_email(request.user):
        raise PermissionDenied
    preferences.email_failure_clear(user=request.user)
    messages.success(
        request,
        _("Thank you. We will send email to %(email)s again.") % {"email": request.user.email},
    )
    return redirect("email:settings")


@csrf_exempt  # RFC 8058: mail clients POST with no session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, unsubscribe_token):
    """GET asks for confirmation (link scanners follow GETs); POST unsubscribes, from
    our own button or a mail client's one-click List-Unsubscribe-Post."""
    token = unsubscribe_token
    found = preferences.read_unsubscribe_token(token)
    person = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if person is None:
        return render(request, "membership/email/unsubscribe_invalid.html", status=400)
    scope = found[1]
    kind, community_id = preferences.describe_scope(scope)
    community = None
    if community_id is not None:
        community = (
            person.memberships.select_related("community").filter(community_id=community_id).first()
        )
        community = community.community if community else None
    context = {"person": person, "scope_kind": kind, "community": community, "token": token}
    if request.method == "POST":
        preferences.unsubscribe_apply(user=person, scope=scope)
        return render(request, "membership/email/unsubscribe_done.html", context)
    return render(request, "membership/email/unsubscribe_confirm.html", context)


@login_required
def delivery_runs(request):
    if not permissions.may_see_delivery_runs(request.user):
        raise PermissionDenied
    context = {
        "runs": runs.delivery_runs_recent(),
        "lease_minutes": settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS // 60,
    }
    return render(request, "membership/email/runs.html", context)

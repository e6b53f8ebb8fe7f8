"""Email settings and one-click unsubscribe."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from membership.models import User

from . import preferences


@login_required
def email_settings(request):
    row = preferences.settings_for(request.user)
    return render(request, "membership/email/settings.html", {"settings_row": row})


@csrf_exempt  # RFC 8058: mail clients POST with no session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation (link scanners follow GETs); POST unsubscribes, from
    our own button or a mail client's one-click List-Unsubscribe-Post."""
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

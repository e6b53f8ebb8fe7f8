"""The member's own data: what the platform holds (a page), the download, and
deleting the account. Every view is about the signed-in person only: none takes
an id."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from membership import permissions

from . import export, services
from .forms import AccountDeleteForm


def _own_data_only(request) -> None:
    if not permissions.may_manage_own_data(request.user):
        raise PermissionDenied


@login_required
def your_data(request):
    _own_data_only(request)
    context = {"parts": [part.name for part in export.PARTS]}
    return render(request, "membership/privacy/your_data.html", context)


@login_required
def download(request):
    """The archive, built now and streamed (see export.py for why not a task)."""
    _own_data_only(request)
    archive = export.export_archive(user=request.user)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=export.export_filename(user=request.user),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@reauthentication_required
def delete_account(request):
    """Asks for the password again (allauth's reauthentication, within the last few
    minutes) and the member's email address typed out."""
    _own_data_only(request)
    form = AccountDeleteForm(request.POST or None)
    blockers = services.account_deletion_blockers(user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.account_delete(
                    user=request.user, confirmation=form.cleaned_data["confirmation"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                    status = 400
                else:
                    blockers, status = error.messages, 409
            else:
                logout(request)
                messages.success(request, _("Your account and personal data have been deleted."))
                return redirect("home")
        else:
            status = 400
    context = {"form": form, "blockers": blockers}
    return render(request, "membership/privacy/delete_account.html", context, status=status)

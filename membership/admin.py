from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from copplatform.admin_paginator import EstimatedCountPaginator

from . import services, sessions
from .models import FacilitatorAssignment, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "platform_role", "stakeholder_type", "is_staff"]
    list_filter = ["platform_role", "stakeholder_type", "is_staff", "is_active"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    # No COUNT(*) over every account (copplatform/admin_paginator.py).
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "first_name", "last_name", "stakeholder_type")},
        ),
        (
            _("Platform access"),
            {"fields": ("platform_role", "is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["deactivate_selected"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "display_name" in form.changed_data:
            services.membership_sort_name_sync(user=obj)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account is signed out everywhere at once.
            sessions.sessions_end_all(user=obj)

    @admin.action(description=_("Deactivate the selected accounts and sign them out"))
    def deactivate_selected(self, request, queryset):
        for user in queryset:
            sessions.user_deactivate(user=user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only: levels and roles change on the community's member management page,
    where the services keep permissions, counts and the audit log in step."""

    list_display = ["user", "community", "level", "role", "created_at"]
    list_filter = ["level", "role"]
    list_select_related = ["user", "community"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FacilitatorAssignment)
class FacilitatorAssignmentAdmin(admin.ModelAdmin):
    """Platform admins assign facilitators here; the service grants core powers."""

    list_display = ["user", "community", "created_at"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "community"]
    actions = ["unassign_selected"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.facilitator_assign(user=obj.user, community=obj.community, actor=request.user)
        obj.pk = FacilitatorAssignment.objects.get(user=obj.user, community=obj.community).pk

    @admin.action(description=_("Unassign the selected facilitators"))
    def unassign_selected(self, request, queryset):
        for assignment in queryset.select_related("user", "community"):
            services.facilitator_unassign(
                user=assignment.user, community=assignment.community, actor=request.user
            )


# allauth's authenticator admin, read-only: a second factor is set up and removed by
# its owner on their own two-factor pages (staff may still delete one, for someone who
# lost theirs). Editable, a changed type made the page fail (500) when it showed the
# form again, as allauth read the old secret as the new type's.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import FacilitatorAssignment, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "platform_role", "stakeholder_type", "is_staff"]
    list_filter = ["platform_role", "stakeholder_type", "is_staff", "is_active"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    show_full_result_count = False
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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "level", "created_at"]
    list_filter = ["level"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "community"]
    show_full_result_count = False


@admin.register(FacilitatorAssignment)
class FacilitatorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "created_at"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "community"]

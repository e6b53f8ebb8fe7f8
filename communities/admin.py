from django.contrib import admin

from .models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "last_activity_at"]
    list_filter = ["visibility"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False

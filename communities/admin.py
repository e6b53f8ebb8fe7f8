from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from copplatform.db import parse_id

from .models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "last_activity_at"]
    list_filter = ["visibility"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False


# Topics are taggit tags. taggit's "merge tags" page merges the tags its list action
# put in the session; posted without them (or after one was deleted) it failed with a
# 500. It now sends the admin back to the list to choose them.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    def merge_tags_view(self, request):
        chosen = [parse_id(v) for v in request.session.get("selected_tag_ids", "").split(",")]
        all_there = None not in chosen and Tag.objects.filter(pk__in=chosen).count() == len(
            set(chosen)
        )
        if request.method == "POST" and not all_there:
            self.message_user(
                request, _("Choose the tags to merge in the list first."), level=messages.WARNING
            )
            return redirect("admin:taggit_tag_changelist")
        return super().merge_tags_view(request)

from django.contrib import admin

from .models import RiskThresholds, StrategicPriority


@admin.register(RiskThresholds)
class RiskThresholdsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]

    def has_add_permission(self, request):
        return not RiskThresholds.objects.exists()


@admin.register(StrategicPriority)
class StrategicPriorityAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    filter_horizontal = ["communities"]

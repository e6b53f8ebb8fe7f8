"""Email pages: a member's email settings, the one-click unsubscribe, and the record
of delivery runs for the facilitation team."""

from django.urls import path

from . import email_views

app_name = "email"

urlpatterns = [
    path("email/settings/", email_views.email_settings, name="settings"),
    path("email/settings/resume/", email_views.email_resume, name="resume"),
    path("email/unsubscribe/<str:unsubscribe_token>/", email_views.unsubscribe, name="unsubscribe"),
    path("email/runs/", email_views.delivery_runs, name="runs"),
]

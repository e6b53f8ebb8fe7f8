from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("actions/announcement/", views.announce, name="announce"),
    path("actions/announcement/sent/", views.announce_sent, name="announce_sent"),
    path("actions/share/", views.share, name="share"),
    path("actions/join-requests/", views.join_requests, name="join_requests"),
    path("actions/bulk-invite/", views.bulk_invite_view, name="bulk_invite"),
    path("work-log/", views.work_log, name="work_log"),
    path("work-log/add/", views.work_log_add, name="work_log_add"),
    path("work-log/<int:work_log_entry_id>/edit/", views.work_log_edit, name="work_log_edit"),
    path("work-log/<int:work_log_entry_id>/delete/", views.work_log_delete, name="work_log_delete"),
]

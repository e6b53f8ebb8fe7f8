from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.conversation_new, name="new"),
    path("messages/blocked/", views.blocked, name="blocked"),
    path("messages/blocked/<int:person_id>/block/", views.block, name="block"),
    path("messages/blocked/<int:person_id>/unblock/", views.unblock, name="unblock"),
    path("messages/reports/", views.reports, name="reports"),
    path(
        "messages/reports/<int:message_report_id>/resolve/",
        views.report_resolve,
        name="report_resolve",
    ),
    path("messages/<int:conversation_id>/", views.conversation, name="conversation"),
    path("messages/<int:conversation_id>/reply/", views.reply, name="reply"),
    path("messages/<int:conversation_id>/mute/", views.mute, name="mute"),
    path("messages/<int:conversation_id>/leave/", views.leave, name="leave"),
    path(
        "messages/<int:conversation_id>/<int:message_id>/report/",
        views.report,
        name="report",
    ),
]

from django.urls import path

from . import views

app_name = "discussions"

THREAD = "c/<slug:slug>/discussions/<int:thread_id>/"
REPLY = THREAD + "replies/<int:post_id>/"

urlpatterns = [
    path("c/<slug:slug>/discussions/", views.thread_list, name="list"),
    path("c/<slug:slug>/discussions/new/", views.thread_create, name="create"),
    path(
        "c/<slug:slug>/discussions/mention-suggestions/",
        views.mention_suggestions,
        name="mention_suggestions",
    ),
    path(THREAD, views.thread_detail, name="thread"),
    path(THREAD + "reply/", views.reply_create, name="reply"),
    path(THREAD + "edit/", views.thread_edit, name="thread_edit"),
    path(THREAD + "delete/", views.thread_delete, name="thread_delete"),
    path(THREAD + "history/", views.thread_history, name="thread_history"),
    path(THREAD + "unaccept/", views.unaccept_answer, name="unaccept_answer"),
    path(THREAD + "moderate/", views.thread_moderate, name="thread_moderate"),
    path(THREAD + "move/", views.thread_move, name="thread_move"),
    path(THREAD + "report/", views.thread_report, name="thread_report"),
    path(REPLY + "edit/", views.reply_edit, name="reply_edit"),
    path(REPLY + "delete/", views.reply_delete, name="reply_delete"),
    path(REPLY + "history/", views.reply_history, name="reply_history"),
    path(REPLY + "accept/", views.accept_answer, name="accept_answer"),
    path(REPLY + "moderate/", views.reply_moderate, name="reply_moderate"),
    path(REPLY + "report/", views.reply_report, name="reply_report"),
    path("c/<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("c/<slug:slug>/moderation/<int:report_id>/", views.report_decide, name="report_decide"),
]

"""Reactions and polls on a thread. The kwarg is `discussion_id` (the thread's id):
the discussions module's own URLs use `thread_id`, and the permission matrix needs
each area's kwarg names to differ."""

from django.urls import path

from . import interaction_views as views

app_name = "interactions"

THREAD = "c/<slug:slug>/discussions/<int:discussion_id>/"

urlpatterns = [
    path(f"{THREAD}react/", views.react, name="react"),
    path(f"{THREAD}poll/", views.poll, name="poll"),
    path(f"{THREAD}poll/new/", views.poll_new, name="poll_new"),
    path(f"{THREAD}poll/vote/", views.poll_vote_view, name="poll_vote"),
    path(f"{THREAD}poll/withdraw/", views.poll_withdraw, name="poll_withdraw"),
]

from django.urls import path

from . import views

app_name = "alignment"

STORY = "c/<slug:slug>/stories/<int:story_id>/"

urlpatterns = [
    path("priorities/", views.priority_list, name="priorities"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<int:priority_id>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:priority_id>/move/", views.priority_move, name="priority_move"),
    path("c/<slug:slug>/alignment/", views.community_alignment, name="community_alignment"),
    path("c/<slug:slug>/stories/", views.story_list, name="stories"),
    path("c/<slug:slug>/stories/new/", views.story_create, name="story_create"),
    path(STORY, views.story_detail, name="story"),
    path(STORY + "edit/", views.story_edit, name="story_edit"),
    path(STORY + "decide/", views.story_decide, name="story_decide"),
    path("suggest/", views.suggest, name="suggest"),
]

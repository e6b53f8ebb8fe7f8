from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("feed/", views.home_feed, name="home_feed"),
    path("c/<slug:slug>/activity/", views.community_feed, name="community_feed"),
]

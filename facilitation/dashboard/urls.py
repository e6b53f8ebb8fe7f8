from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("c/<slug:slug>/", views.community_health, name="community"),
    path("thresholds/", views.thresholds_edit, name="thresholds"),
]

from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("c/<slug:slug>/", views.community_home, name="home"),
]

from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.community_create, name="create"),
    path("communities/proposed/", views.proposed, name="proposed"),
    path("communities/proposed/<slug:slug>/approve/", views.approve, name="approve"),
    path("communities/proposed/<slug:slug>/decline/", views.decline, name="decline"),
    path("c/<slug:slug>/", views.community_home, name="home"),
    path("c/<slug:slug>/settings/", views.community_settings, name="settings"),
    path("c/<slug:slug>/charter/", views.charter, name="charter"),
    path("c/<slug:slug>/charter/edit/", views.charter_edit, name="charter_edit"),
    path("c/<slug:slug>/charter/history/", views.charter_history, name="charter_history"),
    path(
        "c/<slug:slug>/charter/history/<int:history_id>/",
        views.charter_revision,
        name="charter_revision",
    ),
    path("c/<slug:slug>/charter/compare/", views.charter_compare, name="charter_compare"),
]

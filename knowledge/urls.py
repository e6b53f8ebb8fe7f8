from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("c/<slug:slug>/knowledge/", views.repertoire, name="repertoire"),
    path("c/<slug:slug>/knowledge/new/", views.item_create, name="create"),
    path(
        "c/<slug:slug>/knowledge/from-thread/<int:source_thread_id>/",
        views.item_from_thread,
        name="from_thread",
    ),
    path("knowledge/library/", views.library, name="library"),
    path("knowledge/<int:item_id>/", views.item_detail, name="item"),
    path("knowledge/<int:item_id>/edit/", views.item_edit, name="edit"),
    path("knowledge/<int:item_id>/download/", views.download, name="download"),
    path("knowledge/<int:item_id>/share/", views.item_share, name="share"),
    path("knowledge/<int:item_id>/status/", views.item_status, name="status"),
    path("knowledge/<int:item_id>/feature/", views.item_feature, name="feature"),
    path("knowledge/<int:item_id>/review/", views.item_review, name="review"),
    path("knowledge/<int:item_id>/library/", views.item_library, name="library_toggle"),
    path("knowledge/<int:item_id>/history/", views.item_history, name="history"),
    path(
        "knowledge/<int:item_id>/history/<int:item_version_id>/",
        views.item_version,
        name="version",
    ),
    path(
        "knowledge/<int:item_id>/history/<int:item_version_id>/download/",
        views.version_download,
        name="version_download",
    ),
    path("knowledge/<int:item_id>/compare/", views.item_compare, name="compare"),
]

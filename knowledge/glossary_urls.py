from django.urls import path

from . import glossary_views as views

app_name = "glossary"

urlpatterns = [
    path("glossary/", views.platform_glossary, name="platform"),
    path("glossary/add/", views.term_add, name="platform_add"),
    path("glossary/<int:platform_term_id>/edit/", views.platform_term_edit, name="platform_edit"),
    path(
        "glossary/<int:platform_term_id>/delete/",
        views.platform_term_delete,
        name="platform_delete",
    ),
    path("c/<slug:slug>/glossary/", views.community_glossary, name="community"),
    path("c/<slug:slug>/glossary/add/", views.term_add, name="community_add"),
    path(
        "c/<slug:slug>/glossary/<int:glossary_term_id>/edit/",
        views.community_term_edit,
        name="community_edit",
    ),
    path(
        "c/<slug:slug>/glossary/<int:glossary_term_id>/delete/",
        views.community_term_delete,
        name="community_delete",
    ),
]

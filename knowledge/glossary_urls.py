from django.urls import path

from . import glossary_views as views

app_name = "glossary"

urlpatterns = [
    path("glossary/", views.platform_glossary, name="platform"),
    path("glossary/add/", views.term_add, name="platform_add"),
    path("glossary/<int:term_id>/edit/", views.term_edit, name="platform_edit"),
    path("glossary/<int:term_id>/delete/", views.term_delete, name="platform_delete"),
    path("c/<slug:slug>/glossary/", views.community_glossary, name="community"),
    path("c/<slug:slug>/glossary/add/", views.term_add, name="community_add"),
    path("c/<slug:slug>/glossary/<int:term_id>/edit/", views.term_edit, name="community_edit"),
    path(
        "c/<slug:slug>/glossary/<int:term_id>/delete/", views.term_delete, name="community_delete"
    ),
]

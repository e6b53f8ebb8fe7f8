from django.urls import path

from . import search_views as views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
]

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.your_data, name="your_data"),
    path("me/data/download/", views.download, name="download"),
    path("me/delete/", views.delete_account, name="delete_account"),
]

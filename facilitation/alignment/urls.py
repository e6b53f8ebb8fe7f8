from django.urls import path  # noqa: F401

app_name = "alignment"
urlpatterns: list = []

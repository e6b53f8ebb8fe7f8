from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("print/", views.report_print, name="print"),
    path("export/<slug:table>.csv", views.export, name="export"),
]

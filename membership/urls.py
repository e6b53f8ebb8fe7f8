from django.urls import include, path

from .views import joining, people

app_name = "membership"

urlpatterns = [
    path("", include(joining.urlpatterns)),
    path("", include(people.urlpatterns)),
]

from django.urls import path

from . import group_views as views

app_name = "groups"

GROUP = "c/<slug:slug>/groups/<slug:group_slug>/"

urlpatterns = [
    path("c/<slug:slug>/groups/", views.group_list, name="list"),
    path("c/<slug:slug>/groups/new/", views.group_create, name="create"),
    path(GROUP, views.group_detail, name="detail"),
    path(f"{GROUP}edit/", views.group_edit, name="edit"),
    path(f"{GROUP}join/", views.group_join, name="join"),
    path(f"{GROUP}join/withdraw/", views.group_request_withdraw, name="request_withdraw"),
    path(f"{GROUP}leave/", views.group_leave, name="leave"),
    path(f"{GROUP}members/", views.group_members, name="members"),
    path(f"{GROUP}members/add/", views.group_member_add, name="member_add"),
    path(
        f"{GROUP}requests/<int:group_request_id>/approve/",
        views.group_request_approve,
        name="request_approve",
    ),
    path(
        f"{GROUP}requests/<int:group_request_id>/decline/",
        views.group_request_decline,
        name="request_decline",
    ),
    path(
        f"{GROUP}members/<int:group_member_id>/remove/",
        views.group_member_remove,
        name="member_remove",
    ),
    path(
        f"{GROUP}members/<int:group_member_id>/lead/",
        views.group_member_lead,
        name="member_lead",
    ),
]

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from communities.views import home

from .health import healthz

# The admin site signs in through allauth's sign-in page: the same rate limits,
# two-factor step and session rules as everyone else (docs/security.md).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", home, name="home"),
    path("", include("communities.urls")),
    path("", include("membership.urls")),
    path("", include("communities.discussions.urls")),
    path("", include("communities.discussions.groups_urls")),
    path("", include("communities.discussions.interactions_urls")),
    path("", include("communities.events.urls")),
    path("", include("communities.activity.urls")),
    path("", include("membership.messaging.urls")),
    path("", include("membership.notifications.urls")),
    path("", include("membership.notifications.email_urls")),
    path("", include("knowledge.urls")),
    path("", include("knowledge.glossary_urls")),
    path("", include("knowledge.search_urls")),
    path("facilitation/", include("facilitation.dashboard.urls")),
    path("facilitation/", include("facilitation.coordination.urls")),
    path("", include("facilitation.alignment.urls")),
    path("reports/", include("facilitation.reports.urls")),
    # A member's own data: download it, delete the account (docs/privacy.md).
    path("", include("membership.privacy.urls")),
]

if settings.BENCH_FLOOR_PAGE:
    from .floor import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench_floor"))

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only community images are served straight from MEDIA_ROOT in DEBUG; knowledge
    # files (knowledge/...) are served by permission-checking views, never here.
    urlpatterns += static(
        f"{settings.MEDIA_URL}communities/", document_root=settings.MEDIA_ROOT / "communities"
    )

# An unreachable database answers 503 with a retry hint; other errors keep the 500 page.
handler500 = "copplatform.errors.handle_server_error"

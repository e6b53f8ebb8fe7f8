"""The one place that decides between a whole page and an htmx fragment.

A view renders `template` for a normal request; when htmx asks (HX-Request, and not
a boosted navigation) it renders `fragment` with the same context. Permission checks
happen in the view before this is called, so a fragment never shows more than the page.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def render_page_or_fragment(
    request: HttpRequest,
    template: str,
    fragment: str,
    context: dict,
    *,
    status: int = 200,
) -> HttpResponse:
    chosen = fragment if wants_fragment(request) else template
    response = render(request, chosen, context, status=status)
    # The same URL answers with two bodies: caches must keep them apart.
    response["Vary"] = "HX-Request"
    return response

"""The one helper that picks a full page or its htmx fragment."""

from django.shortcuts import render


def render_page_or_fragment(request, template: str, context: dict, *, fragment: str):
    """Render `fragment` (a `_name_fragment.html` template) for htmx requests, else the page.

    Access is checked by the view before this is called, for both answers alike.
    """
    chosen = fragment if getattr(request, "htmx", False) else template
    return render(request, chosen, context)

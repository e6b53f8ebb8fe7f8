"""The search page: one GET form, results the viewer may see, pages linked to their
neighbours (no last page: the count stops at a bound)."""

from django.shortcuts import render

from . import search
from .search_forms import SearchForm

PER_PAGE = 20


def search_page(request):
    form = SearchForm(request.GET or None, user=request.user)
    context = {"form": form, "searched": False}
    if not form.is_bound:
        return render(request, "knowledge/search/search.html", context)
    if not form.is_valid():
        # Too long a query, or a filter value that is not offered: say so, keep the input.
        return render(request, "knowledge/search/search.html", context, status=400)
    query = search.parse_query(form.cleaned_data["q"])
    if not query.text:
        return render(request, "knowledge/search/search.html", context)
    results = search.search(user=request.user, query=query, filters=form.filters())
    page = results.page(search.page_number(request.GET.get("page")), PER_PAGE)
    context.update({"searched": True, "query": query, "page_obj": page, "hits": page.object_list})
    return render(request, "knowledge/search/search.html", context)

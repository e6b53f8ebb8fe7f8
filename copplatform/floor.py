"""The benchmark's floor: the bare base layout for a signed-in user.

`make bench` reads every page's server time as a ratio to this one, measured in the
same run through the same middleware stack, so a page's cost is what it adds to the
layout every page pays for (session, user, navigation counts, template). Routed only
when settings.BENCH_FLOOR_PAGE is on (env BENCH_FLOOR_PAGE, default off).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def floor(request):
    return render(request, "bench/floor.html")

from django.shortcuts import get_object_or_404, redirect, render

from zwk_portal.visitor_cache import kept_for_visitors

from .models import Kommune


@kept_for_visitors(60)
def home(request):
    """The portal's front door: one commune goes straight to its page."""
    kommunen = list(Kommune.objects.all())
    if len(kommunen) == 1:
        return redirect(kommunen[0])
    return render(request, "kommunen/home.html", {"kommunen": kommunen})


# Its sections show seats left and open calls: kept only briefly.
@kept_for_visitors(5)
def kommune(request, kommune):
    kommune = get_object_or_404(Kommune, slug=kommune)
    return render(request, "kommunen/kommune.html", {"kommune": kommune})

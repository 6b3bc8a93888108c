from django.shortcuts import get_object_or_404, redirect, render

from .models import Kommune


def home(request):
    """The portal's front door: one commune goes straight to its page."""
    kommunen = list(Kommune.objects.all())
    if len(kommunen) == 1:
        return redirect(kommunen[0])
    return render(request, "kommunen/home.html", {"kommunen": kommunen})


def kommune(request, kommune):
    kommune = get_object_or_404(Kommune, slug=kommune)
    return render(request, "kommunen/kommune.html", {"kommune": kommune})

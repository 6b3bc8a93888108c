from django.shortcuts import get_object_or_404, render

from kommunen.models import Kommune


def index(request, kommune):
    kommune = get_object_or_404(Kommune, slug=kommune)
    return render(request, "foerderung/index.html", {"kommune": kommune})

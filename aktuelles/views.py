from django.shortcuts import render

from kommunen.views import kommune_page


@kommune_page
def liste(request, kommune):
    return render(request, "aktuelles/liste.html", {"kommune": kommune})

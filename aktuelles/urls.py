from django.urls import path

from . import views

app_name = "aktuelles"

# An article's address names it by id; the slug after it is fixed when the article is
# created (Artikel.save), so the address stays when the title is corrected. A wrong or
# outdated slug is redirected to the right one. Fixed paths never begin with a digit.
urlpatterns = [
    path("<slug:kommune>/aktuelles/", views.liste, name="liste"),
    path("<slug:kommune>/aktuelles/feed/", views.feed, name="feed"),
    path("<slug:kommune>/aktuelles/<int:jahr>/", views.archiv, name="archiv"),
    path("<slug:kommune>/aktuelles/<int:pk>-<slug:slug>/", views.detail, name="detail"),
    path("<slug:kommune>/aktuelles/vorschau/<int:pk>/", views.vorschau, name="vorschau"),
    path("<slug:kommune>/aktuelles/bild-<int:pk>", views.bild, name="bild"),
    path("<slug:kommune>/aktuelles/video-<int:pk>", views.video, name="video"),
    path("<slug:kommune>/aktuelles/untertitel-<int:pk>.vtt", views.untertitel, name="untertitel"),
]

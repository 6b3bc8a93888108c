from django.contrib import admin

from .models import Kommune


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "art", "kontakt_name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

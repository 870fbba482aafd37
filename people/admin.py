"""Profiles in the admin: for a superuser who must take one down; people keep their own."""

from django.contrib import admin

from people.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "published", "updated_at")
    list_filter = ("published", "programmes")
    search_fields = ("name", "organisation")
    filter_horizontal = ("programmes", "deals")
    raw_id_fields = ("user",)

from django.contrib import admin

from follows.models import Delivery, Follow, Subscription


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "key", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "key")
    raw_id_fields = ("user",)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "created_at")
    list_filter = ("frequency",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """A record of what went out; written only by send_digests."""

    list_display = ("user", "period_start", "period_end", "items", "sent_at")
    search_fields = ("user__username",)
    readonly_fields = ("user", "period_start", "period_end", "items", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

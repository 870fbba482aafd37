"""Following, under /account/volgen/."""

from django.urls import path

from follows import views

urlpatterns = [
    path("", views.following, name="following"),
    path("wijzigen/", views.change, name="follow-change"),
    path("afmelden/<str:token>/", views.unsubscribe_view, name="follow-unsubscribe"),
]

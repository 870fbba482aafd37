"""The card pages, under /kaarten/."""

from django.urls import path

from cards import views

urlpatterns = [
    path("", views.card_list, name="card-list"),
    path("afdrukken/", views.print_deck, name="card-print"),
    path("<slug:slug>/", views.card_detail, name="card-detail"),
]

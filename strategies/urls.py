"""The strategy pages, under /leerstrategieen/."""

from django.urls import path

from strategies import views

urlpatterns = [
    path("", views.strategy_list, name="strategy-list"),
    path("<slug:slug>/", views.strategy_detail, name="strategy-detail"),
]

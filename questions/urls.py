"""The questions pages: /vragen/stellen/ and the search page's signals."""

from django.urls import path

from questions import views

urlpatterns = [
    path("stellen/", views.ask, name="question-ask"),
    path("bedankt/", views.thanks, name="question-thanks"),
    path("zoeksignaal/<str:event>/", views.search_signal, name="search-signal"),
    path("zoekvraag/<int:pk>/kaartconcept/", views.gap_draft, name="gap-draft"),
]

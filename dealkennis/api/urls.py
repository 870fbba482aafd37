"""The JSON API's addresses, all under /api/."""

from django.urls import path

from dealkennis.api import views

urlpatterns = [
    path("zoeken/", views.search, name="search-api"),
    # <str:slug> so that any unknown slug gets the API's JSON 404, not the HTML page.
    path("kaarten/", views.card_list, name="api-card-list"),
    path("kaarten/<str:slug>/", views.card_detail, name="api-card-detail"),
    path("lessen/", views.lesson_list, name="api-lesson-list"),
    path("lessen/<str:slug>/", views.lesson_detail, name="api-lesson-detail"),
    path("programmas/", views.programme_list, name="api-programme-list"),
    path("programmas/<str:slug>/", views.programme_detail, name="api-programme-detail"),
    path("openapi.json", views.openapi_document, name="api-openapi"),
]

"""The lesson pages, under /lessen/: list, detail, sharing and one's own contributions."""

from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.lesson_list, name="lesson-list"),
    path("delen/", views.share_lesson, name="lesson-share"),
    path("mijn-inzendingen/", views.my_lessons, name="my-lessons"),
    path("<slug:slug>/", views.lesson_detail, name="lesson-detail"),
]

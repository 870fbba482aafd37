from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.lesson_list, name="lesson-list"),
    path("<slug:slug>/", views.lesson_detail, name="lesson-detail"),
]

from django.urls import path

from people import views

urlpatterns = [
    path("", views.people_list, name="people-list"),
    path("rollen/", views.role_matrix, name="role-matrix"),
    path("mijn-profiel/", views.my_profile, name="my-profile"),
    path("mijn-profiel/verwijderen/", views.remove_profile, name="profile-remove"),
]

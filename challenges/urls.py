from django.urls import path

from challenges import views

urlpatterns = [
    path("", views.level_map, name="challenge-map"),
    path("<slug:name>/", views.level_page, name="challenge-level"),
    path("<slug:name>/act/", views.level_act, name="challenge-act"),
    path("<slug:name>/undo/", views.level_undo, name="challenge-undo"),
    path("<slug:name>/reset/", views.level_reset, name="challenge-reset"),
    path("<slug:name>/show/", views.level_show, name="challenge-show"),
]

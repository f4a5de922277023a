from django.urls import path

from courseware import views

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/", views.lesson_index, name="lesson-index"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson-detail"),
]

from django.urls import path

from courseware import views

urlpatterns = [
    path("", views.home, name="home"),
    path("lessons/", views.lesson_index, name="lesson-index"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<slug:slug>/check/<slug:question_id>/", views.lesson_check, name="lesson-check"),
    path("grammar/check/", views.naming_check, name="grammar-check"),
    path("glossary/", views.glossary, name="glossary"),
    path("cheatsheet/", views.cheatsheet, name="cheatsheet"),
    path("progress/", views.progress_page, name="progress"),
]

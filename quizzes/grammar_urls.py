"""Only `grammar/` itself: `grammar/check/` is the lessons' inline checker and stays theirs."""

from django.urls import path

from quizzes import views

urlpatterns = [
    path("", views.grammar_page, name="grammar"),
]

from django.urls import path

from quizzes import views

urlpatterns = [
    path("", views.quiz_list, name="quiz-list"),
    path("stats/", views.stats_page, name="quiz-stats"),
    path("review/", views.review_page, name="quiz-review"),
    path("final/record/", views.completion_page, name="quiz-completion"),
    path(
        "review/<slug:kind>/<slug:source>/<slug:question_id>/",
        views.review_answer,
        name="quiz-review-answer",
    ),
    path("<slug:slug>/", views.quiz_detail, name="quiz-detail"),
    path("<slug:slug>/start/", views.quiz_start, name="quiz-start"),
    path("<slug:slug>/attempts/<int:pk>/", views.attempt_page, name="quiz-attempt"),
    path(
        "<slug:slug>/attempts/<int:pk>/questions/<slug:question_id>/",
        views.attempt_answer,
        name="quiz-answer",
    ),
    path("<slug:slug>/attempts/<int:pk>/results/", views.attempt_results, name="quiz-results"),
]

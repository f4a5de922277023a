from django.urls import path

from classroom import views

urlpatterns = [
    path("", views.classroom_home, name="classroom-home"),
    path("join/", views.room_join, name="classroom-join"),
    path("open/", views.room_open, name="classroom-open"),
    path("<str:code>/", views.room_page, name="classroom-room"),
    path("<str:code>/teach/", views.teach_page, name="classroom-teach"),
    path("<str:code>/log/", views.review_page, name="classroom-review"),
    path("<str:code>/summary.csv", views.summary_csv, name="classroom-summary"),
    path("<str:code>/projector/", views.projector_page, name="classroom-projector"),
    path("<str:code>/replay/", views.replay_page, name="classroom-replay"),
]

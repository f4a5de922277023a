from django.urls import path

from simulator import views

urlpatterns = [
    path("", views.simulator_page, name="simulator"),
    path("trace.jsonl", views.trace_download, name="simulator-trace"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="systems"),
    path("import/", views.import_document, name="systems-import"),
    path("design/", views.designer, name="systems-design"),
    path("check/", views.check, name="systems-check"),
    path("export/", views.export, name="systems-export"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="systems"),
    path("import/", views.import_document, name="systems-import"),
    path("design/", views.designer, name="systems-design"),
    path("check/", views.check, name="systems-check"),
    path("export/", views.export, name="systems-export"),
    path("save/", views.save, name="systems-save"),
    path("run/", views.run, name="systems-run"),
    path("mine/", views.my_systems, name="systems-mine"),
    path("s/<str:token>/", views.saved_system, name="systems-saved"),
    path("s/<str:token>/delete/", views.delete, name="systems-delete"),
]

from django.urls import path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("settings/", views.settings_page, name="account-settings"),
    path("settings/data.json", views.data_download, name="account-data"),
    path("settings/delete/", views.account_delete, name="account-delete"),
]

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from throttles import limited

        def count_failure(sender, credentials, request=None, **kwargs):
            # Every failed sign-in counts against its address, the admin's included.
            if request is not None:
                limited(request, "signin-address")

        user_login_failed.connect(count_failure, dispatch_uid="accounts-count-failed-sign-in")

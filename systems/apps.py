from django.apps import AppConfig


def merge_anonymous_systems(sender, anonymous, user, **kwargs):
    """Sign-in keeps the systems a visitor saved before it."""
    from systems.services import systems_merge_into_user

    systems_merge_into_user(session_key=anonymous.session_key, user=user)


class SystemsConfig(AppConfig):
    name = "systems"
    verbose_name = "Your own system"

    def ready(self):
        from learners.signals import learner_signed_in

        learner_signed_in.connect(merge_anonymous_systems, dispatch_uid="systems-merge")
        # The simulator opens saved systems through this hook rather than by importing the app.
        from simulator.sandboxes import register_world_source

        from .services import SYSTEM_PREFIX, world_source

        register_world_source(SYSTEM_PREFIX, world_source)

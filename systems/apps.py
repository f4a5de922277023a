from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "systems"
    verbose_name = "Your own system"

    def ready(self):
        # The simulator opens saved systems through this hook rather than by importing the app.
        from simulator.sandboxes import register_world_source

        from .services import SYSTEM_PREFIX, world_source

        register_world_source(SYSTEM_PREFIX, world_source)

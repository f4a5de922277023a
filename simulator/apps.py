from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "simulator"
    verbose_name = "Simulator"

    def ready(self):
        from simulator import checks  # noqa: F401  (registers the scenario check)

from django.apps import AppConfig


def merge_anonymous_sandbox(sender, anonymous, user, **kwargs):
    """Sign-in keeps the better of the visitor's sandbox and the account's."""
    from simulator.sandboxes import sandbox_merge_into_user

    sandbox_merge_into_user(learner_key=anonymous.session_key, user=user)


class SimulatorConfig(AppConfig):
    name = "simulator"
    verbose_name = "Simulator"

    def ready(self):
        from learners.signals import learner_signed_in
        from simulator import checks  # noqa: F401  (registers the scenario check)

        learner_signed_in.connect(merge_anonymous_sandbox, dispatch_uid="simulator-merge")

from django.apps import AppConfig


def merge_anonymous_attempts(sender, anonymous, user, **kwargs):
    """Sign-in keeps the levels a visitor played before it."""
    from challenges.services import attempts_merge_into_user

    attempts_merge_into_user(session_key=anonymous.session_key, user=user)


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = "Challenge levels"

    def ready(self):
        from learners.signals import learner_signed_in

        learner_signed_in.connect(merge_anonymous_attempts, dispatch_uid="challenges-merge")

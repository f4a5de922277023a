from django.apps import AppConfig


def merge_anonymous_attempts(sender, request, user, **kwargs):
    """Sign-in keeps the quizzes a visitor took before it.

    The quiz attempts remember their learner key under a session entry of their own, so they
    are found whichever sign-in handler runs first and whatever it does with its own entry.
    """
    from quizzes.services import QUIZ_LEARNER_KEY, attempts_merge_session_into_user

    session = getattr(request, "session", None)
    key = session.get(QUIZ_LEARNER_KEY) if session is not None else None
    if key:
        attempts_merge_session_into_user(session_key=key, user=user)
        del session[QUIZ_LEARNER_KEY]


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from quizzes import checks  # noqa: F401  (registers the quiz bank check)

        user_logged_in.connect(merge_anonymous_attempts, dispatch_uid="quizzes-merge-attempts")

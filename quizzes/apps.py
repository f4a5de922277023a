from django.apps import AppConfig


def merge_anonymous_attempts(sender, anonymous, user, **kwargs):
    """Sign-in keeps the quizzes a visitor took before it."""
    from quizzes.services import attempts_merge_session_into_user

    attempts_merge_session_into_user(session_key=anonymous.session_key, user=user)


def scores_for_the_outline(learner):
    from quizzes.selectors import quiz_scores

    return quiz_scores(learner=learner)


def reviews_due(learner):
    from django.utils import timezone

    from quizzes.selectors import review_due_count

    return review_due_count(learner=learner, now=timezone.now())


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courseware import panels
        from learners.signals import learner_signed_in
        from quizzes import checks  # noqa: F401  (registers the quiz bank check)

        learner_signed_in.connect(merge_anonymous_attempts, dispatch_uid="quizzes-merge")
        # The outline and the learner's record list every quiz with the learner's scores.
        panels.register("quizzes", scores_for_the_outline)
        # The outline says how many missed questions are due again ("3 to review").
        panels.register("reviews_due", reviews_due)

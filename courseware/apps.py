from django.apps import AppConfig


def merge_anonymous_progress(sender, request, user, **kwargs):
    """Sign-in keeps what the visitor did before it.

    Django gives the session a new id at sign-in but keeps its data, so the learner key stored
    in that data still names the anonymous progress.
    """
    from courseware.services import LEARNER_KEY, progress_merge_session_into_user

    session = getattr(request, "session", None)
    key = session.get(LEARNER_KEY) if session is not None else None
    if key:
        from challenges.services import attempts_merge_into_user
        from simulator.sandboxes import sandbox_merge_into_user
        from systems.services import systems_merge_into_user

        progress_merge_session_into_user(session_key=key, user=user)
        attempts_merge_into_user(session_key=key, user=user)
        systems_merge_into_user(session_key=key, user=user)
        # Here rather than in a receiver of its own: the key is removed just below.
        sandbox_merge_into_user(learner_key=key, user=user)
        del session[LEARNER_KEY]


class CoursewareConfig(AppConfig):
    name = "courseware"
    verbose_name = "Course"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from courseware import checks  # noqa: F401  (registers the content check)

        user_logged_in.connect(merge_anonymous_progress, dispatch_uid="courseware-merge-progress")

from django.apps import AppConfig


def merge_anonymous_progress(sender, anonymous, user, **kwargs):
    """Sign-in keeps the lessons a visitor read and the checks they answered before it."""
    from courseware.services import progress_merge_session_into_user

    progress_merge_session_into_user(session_key=anonymous.session_key, user=user)


class CoursewareConfig(AppConfig):
    name = "courseware"
    verbose_name = "Course"

    def ready(self):
        from courseware import checks  # noqa: F401  (registers the content check)
        from learners.signals import learner_signed_in

        learner_signed_in.connect(merge_anonymous_progress, dispatch_uid="courseware-merge")

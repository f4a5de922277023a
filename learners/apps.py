from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "learners"
    verbose_name = "Learners"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from learners.signals import claim_anonymous_learner

        user_logged_in.connect(claim_anonymous_learner, dispatch_uid="learners-claim-anonymous")

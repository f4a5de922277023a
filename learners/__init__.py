"""Who a learner is: an account, or the random key an anonymous session carries.

Every app that keeps something a learner did stores it on a `LearnerOwned` row, finds it with
`.of(learner)`, and moves its own rows when `learner_signed_in` says an anonymous learner has
become an account. This app imports no other app of the project.
"""

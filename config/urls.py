from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("courseware.urls")),
    path("simulator/", include("simulator.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("grammar/", include("quizzes.grammar_urls")),
    path("classroom/", include("classroom.urls")),
    path("challenges/", include("challenges.urls")),
    # Ours first: sign-up, the throttled reset request and the settings page; then Django's.
    path("accounts/", include("accounts.urls")),
    path("systems/", include("systems.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_MINIMAL_VIEW:
    from config.bench_views import minimal

    urlpatterns.append(path("bench/minimal/", minimal))

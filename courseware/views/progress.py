from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from courseware.content import load_course
from courseware.panels import panels_for
from courseware.selectors import course_outline, question_statistics
from learners.identity import learner_for_request


@require_safe
def progress_page(request):
    """The learner's own record; staff also see how every learner did on each question."""
    course = load_course()
    learner = learner_for_request(request, create=False)
    context = {
        "course": course,
        "outline": course_outline(learner=learner, course=course),
        **panels_for(learner),
    }
    if request.user.is_staff:
        context["statistics"] = question_statistics(course=course)
    return render(request, "courseware/progress.html", context)

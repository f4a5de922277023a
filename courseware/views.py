from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courseware.content import load_course
from courseware.lesson_pages import lesson_html


@require_GET
def home(request):
    return render(request, "courseware/home.html", {"course": load_course()})


@require_GET
def lesson_index(request):
    return render(request, "courseware/home.html", {"course": load_course()})


@require_GET
def lesson_detail(request, slug):
    course = load_course()
    lesson = course.by_slug.get(slug)
    if lesson is None:
        raise Http404(f"No lesson is called {slug!r}.")
    previous, following = course.neighbours(slug)
    context = {
        "lesson": lesson,
        "body": lesson_html(lesson),
        "previous": previous,
        "next": following,
    }
    return render(request, "courseware/lesson.html", context)

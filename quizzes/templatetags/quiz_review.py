"""``{% review_due_link %}``: "N to review", for the quiz list (the outline gets it as a panel)."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def review_due_link(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    from learners.identity import learner_for_request
    from quizzes.selectors import review_due_count

    count = review_due_count(learner=learner_for_request(request, create=False), now=timezone.now())
    return render_to_string("quizzes/_review_link.html", {"count": count})

"""Values every page's layout needs."""

NAV_ITEMS = (
    ("Lessons", "/lessons/", ("/", "/lessons/")),
    ("Simulator", "/simulator/", ("/simulator/",)),
    ("Challenges", "/challenges/", ("/challenges/",)),
    ("Quizzes", "/quizzes/", ("/quizzes/",)),
    ("Grammar", "/grammar/", ("/grammar/",)),
    ("Glossary", "/glossary/", ("/glossary/",)),
    ("Classroom", "/classroom/", ("/classroom/",)),
    ("Your system", "/systems/", ("/systems/",)),
)


def navigation(request):
    """The main navigation, with the section the visitor is in marked as current."""
    path = getattr(request, "path", "") or ""
    items = []
    for label, url, prefixes in NAV_ITEMS:
        current = any(path == p if p == "/" else path.startswith(p) for p in prefixes)
        items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}

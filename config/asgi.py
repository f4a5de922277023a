"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels consumers."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything that imports models, which the routing does.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.websocket_routes import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far (Django, the apps, the URL and socket routes) lives as long as the
# process. Setting it aside from the cyclic garbage collector keeps each full collection from
# walking it again, which otherwise stalls every open socket for tens of milliseconds each time.
gc.freeze()
# Every learner playing holds an engine of some thousands of objects, so a full collection walks
# millions of them. At the default thresholds one ran every six to eight seconds at 500 learners
# and stopped every socket for 150-300 ms each time; with these, young collections are rarer, far
# fewer objects live long enough to be promoted, and a full collection comes about once a minute
# (still stopping the process for about a second at 1,000 learners: docs/benchmarks.md).
gc.set_threshold(10_000, 10, 10)

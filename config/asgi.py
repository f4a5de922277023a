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

from config.collector import PacedCollection  # noqa: E402
from config.last_resort import LastResort  # noqa: E402
from config.websocket_routes import websocket_urlpatterns  # noqa: E402
from naming.verb_forms import load_lexicon  # noqa: E402

application = PacedCollection(
    ProtocolTypeRouter(
        {
            "http": LastResort(django_asgi_app),
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)

# The naming checker's lexicon, read now so that no learner's first checked name waits for it.
load_lexicon()

# Everything loaded so far (Django, the apps, the routes, the lexicon) lives as long as the
# process. Frozen, it is left out of every garbage collection from now on.
gc.freeze()
# Collections run on a clock once the first connection comes (config/collector.py). These
# thresholds are the backstop for a burst of allocations between two ticks; the third keeps
# CPython's own full collections as rare as the clock's.
gc.set_threshold(3_000, 10, 1_000)

"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels consumers."""

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
from config.startup import StartUp  # noqa: E402
from config.websocket_routes import websocket_urlpatterns  # noqa: E402

application = StartUp(
    PacedCollection(
        ProtocolTypeRouter(
            {
                "http": LastResort(django_asgi_app),
                "websocket": AllowedHostsOriginValidator(
                    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                ),
            }
        )
    )
)

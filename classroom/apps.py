import logging

from django.apps import AppConfig

from live.layers import is_layer_failure


class RedisOutageInOneLine(logging.Filter):
    """channels-redis's pub/sub reader logs a lost Redis connection as an error with a traceback,
    again every second until Redis is back, and so too the read asyncio refuses when redis-py
    reconnects under it (see live/layers.py). The room's sockets already deal with that outage
    (they close with 4503 and the page reconnects), so it is logged as one warning a time."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_layer_failure(error):
            record.msg = f"{record.getMessage()}: {error}"
            record.args = ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = "Classroom"

    def ready(self) -> None:
        logging.getLogger("channels_redis.pubsub").addFilter(RedisOutageInOneLine())

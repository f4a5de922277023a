"""The pub/sub layer's reader logs a Redis outage; the log keeps it to one line."""

import logging
import sys

from redis.exceptions import ConnectionError as RedisConnectionError

from classroom.apps import RedisOutageInOneLine
from tests.live.redis_reads import two_reads_at_once


def logged(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        record = logging.LogRecord(
            "channels_redis.pubsub",
            logging.ERROR,
            __file__,
            1,
            "Unexpected exception in receive task",
            (),
            sys.exc_info(),
        )
    assert RedisOutageInOneLine().filter(record)
    return record


def test_a_lost_redis_connection_is_one_warning_line():
    record = logged(RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."))
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)
    assert "Error 111 connecting" in record.getMessage()


def test_any_other_error_keeps_its_traceback():
    record = logged(KeyError("asgi__group__room"))
    assert record.levelname == "ERROR"
    assert "Traceback" in logging.Formatter().format(record)


async def test_a_read_refused_while_redis_reconnects_is_one_warning_line():
    record = logged(await two_reads_at_once())
    assert record.levelname == "WARNING"
    assert "Traceback" not in logging.Formatter().format(record)
    assert "another coroutine is already waiting" in record.getMessage()

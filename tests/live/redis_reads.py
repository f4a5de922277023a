"""A real RuntimeError from inside redis-py, for tests of how a lost channel layer is told apart."""

import asyncio
import contextlib

from redis.asyncio.connection import Connection


async def two_reads_at_once() -> RuntimeError:
    """The error a second reader of one redis-py connection gets while the first still waits.

    The server answers the connection's opening commands and then says nothing, so the first
    read is still waiting when the second starts: what happens when the pub/sub reader and a
    reconnecting subscriber meet on one socket.
    """

    async def answer_then_wait(reader, writer):
        while data := await reader.read(1 << 16):
            writer.write(b"+OK\r\n" * (data.count(b"\r\n*") + 1))
        writer.close()

    server = await asyncio.start_server(answer_then_wait, "127.0.0.1", 0)
    connection = Connection(host="127.0.0.1", port=server.sockets[0].getsockname()[1], protocol=2)
    try:
        await asyncio.wait_for(connection.connect(), 5)
        first = asyncio.create_task(connection.read_response())
        await asyncio.sleep(0.05)
        assert not first.done()
        try:
            await connection.read_response()
        except RuntimeError as error:
            refused = error
        else:
            raise AssertionError("the second read was allowed")
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await first
        return refused
    finally:
        await connection.disconnect()
        server.close()
        async with asyncio.timeout(5):
            await server.wait_closed()

"""tools/web/server: the socket that several worker processes share sends each answer at once."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from tools.web import limits, server
from tools.web.server import _Config


def test_connections_of_the_shared_worker_socket_have_nagle_off():
    # uvicorn's own shared socket (protocol 0) left Nagle's algorithm on: every kept-alive
    # answer waited 40 ms for the client's delayed acknowledgement of its head.
    config = _Config("tools.web.api:create_app", factory=True, host="127.0.0.1", port=0, workers=2,
                     log_level="warning")
    sock = config.bind_socket()
    assert sock.proto == socket.IPPROTO_TCP
    assert sock.get_inheritable()  # handed to the worker processes

    async def accepted_nodelay() -> int:
        got: asyncio.Future = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                conn = transport.get_extra_info("socket")
                if not got.done():
                    got.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        try:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(got, 5)
            writer.close()
            return value
        finally:
            server.close()

    # A thread of its own: in a pytest process that also ran Playwright's browser tests, this
    # thread may already have a running event loop, where asyncio.run() is refused.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, accepted_nodelay()).result(30) != 0


def test_workers_get_the_servers_health_check_time_limit(monkeypatch):
    """A worker starting on a loaded machine answers the supervisor's first health check late:
    uvicorn's 5 s killed worker after worker while they started."""
    started = []

    class Supervisor:
        def __init__(self, config, sockets):
            started.append(config)
            for sock in sockets:
                sock.close()

        def run(self):
            pass

    monkeypatch.setattr(server, "Multiprocess", Supervisor)
    server.run("127.0.0.1", 0, workers=2, quiet=True)
    assert started[0].timeout_worker_healthcheck == limits.WORKER_HEALTHCHECK > 5
    assert started[0].workers == 2

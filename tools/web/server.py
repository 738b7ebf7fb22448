"""How `python -m tools serve` runs uvicorn: the logging of every worker process, and the
listening socket shared by several worker processes.

uvicorn's access log is replaced by tools.web.middleware's own line per request
(`GET /api/search 200 12.3 ms`: no query string, so searches stay out of the logs).
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from tools.web.limits import MAX_REQUEST_HEAD, WORKER_HEALTHCHECK

# uvicorn options of every server: its HTTP parser (h11) reads a request head as long as the
# longest query string the app accepts, so that refusals past it are the app's (414 or a page).
HTTP_OPTIONS = {"h11_max_incomplete_event_size": MAX_REQUEST_HEAD}


def log_config(quiet: bool = False) -> dict:
    """A logging.config.dictConfig dict for uvicorn (applied in each worker process): uvicorn's own
    messages and the `tools.web` request lines on stderr, timestamped."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "tools.web": {"handlers": ["stderr"], "level": "WARNING" if quiet else "INFO", "propagate": False},
        },
    }


class _Config(uvicorn.Config):
    """uvicorn's settings, with a listening socket whose connections send at once (TCP_NODELAY).

    With several workers uvicorn binds the socket itself as socket.socket(AF_INET): protocol
    number 0, so asyncio's transports, which set TCP_NODELAY only on sockets of protocol
    IPPROTO_TCP, leave Nagle's algorithm on for every connection. An answer is written in two
    parts (head, then body): the body then waits for the client's delayed acknowledgement of
    the head, 40 ms on Linux, for each request of a kept-alive connection (one reader measured
    48 ms a search with two workers against 4 ms with one). A single worker is not affected:
    uvicorn then lets asyncio bind, from getaddrinfo, with IPPROTO_TCP."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            return sock
        # Linux passes the option to accepted connections; the protocol number makes asyncio set
        # it on each connection itself, wherever the option is not inherited.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        tcp.set_inheritable(True)
        return tcp


def run(host: str, port: int, workers: int = 1, quiet: bool = False) -> None:
    """Serve tools.web.api (`served_app`, the project of KB_ROOT) on host:port with `workers`
    processes (1: this process, through uvicorn.run) until interrupted. Several workers share
    one listening socket (_Config: TCP_NODELAY on every connection) under uvicorn's supervisor,
    which restarts a worker that dies or does not answer its health check within
    limits.WORKER_HEALTHCHECK seconds. Exits (SystemExit) when the address cannot be bound."""
    options = dict(factory=True, host=host, port=port, workers=workers, log_config=log_config(quiet),
                   access_log=False, server_header=False, timeout_worker_healthcheck=WORKER_HEALTHCHECK,
                   **HTTP_OPTIONS)
    if workers <= 1:
        uvicorn.run("tools.web.api:served_app", **options)
        return
    config = _Config("tools.web.api:served_app", **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()

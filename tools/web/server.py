"""How `python -m tools serve` runs uvicorn: the logging of every worker process, and the
listening socket shared by several worker processes.

uvicorn's access log is replaced by tools.web.middleware's own line per request
(`GET /api/search 200 12.3 ms`: no query string, so searches stay out of the logs).
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from tools.web.limits import MAX_REQUEST_HEAD, WORKER_HEALTHCHECK

INVALID_REQUEST = "Invalid HTTP request received."  # uvicorn's 400 body, as its h11 protocol sends it


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol (the C parser llhttp: a request costs less than half of what
    the pure-Python h11 takes) with the bound on a request head that h11 has and httptools lacks.

    A head (request line and headers) still incomplete once more than MAX_REQUEST_HEAD of its
    bytes have arrived is refused with uvicorn's bare 400 and the connection closed, as h11 does
    with h11_max_incomplete_event_size: the parser buffers a header's pieces itself until the
    header ends, so without the bound one endless header line would grow a worker's memory
    without end. The bound counts the bytes of every read that ended inside the head; for the
    read in which the head began, those of its request line and headers the parser reported
    (what came before it in that read may belong to the previous request). A head that arrives
    whole in one read is parsed, as h11 does (its bound is on an incomplete event). So the bound
    is looser than h11's by at most one read: an unfinished header in the read where the head
    began is not counted, and asyncio reads up to 256 KiB at a time (a head is refused by
    MAX_REQUEST_HEAD + 256 KiB at the latest: bounded, not h11's exact figure)."""

    head_limit = MAX_REQUEST_HEAD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_head = False  # a request has begun and its head is not complete
        self._head_bytes = 0  # bytes of that head counted so far
        self._began = False  # it began in the read being parsed

    def on_message_begin(self) -> None:
        """Parser callback: a request begins (its head is counted from here)."""
        self._in_head, self._began, self._head_bytes = True, True, 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        """Parser callback: a piece of the request target (counted in the read the head began in)."""
        if self._began:
            self._head_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Parser callback: one whole header (counted in the read the head began in)."""
        if self._began:
            self._head_bytes += len(name) + len(value) + 4  # ': ' and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """Parser callback: the head is complete; the request goes to the app as uvicorn sends it."""
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        """One read of the connection, parsed; then a 400 and the connection closed if the
        request head is still incomplete past head_limit bytes (see the class docstring)."""
        self._began = False
        super().data_received(data)
        if not self._in_head or self.transport.is_closing():
            return
        if not self._began:
            self._head_bytes += len(data)
        if self._head_bytes > self.head_limit:
            self._in_head = False
            self.logger.warning("%s (request head over %d bytes)", INVALID_REQUEST, self.head_limit)
            self.send_400_response(INVALID_REQUEST)


# uvicorn options of every server: its HTTP parser (BoundedHttpTools; h11's option for a server
# given http="h11") reads a request head as long as the longest query string the app accepts,
# so that refusals past it are the app's (414 or a page).
HTTP_OPTIONS = {"http": BoundedHttpTools, "h11_max_incomplete_event_size": MAX_REQUEST_HEAD}


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


ACCEPT_PAUSE = 0.001  # seconds a worker waits before its next accept, per connection it holds open
MAX_ACCEPT_PAUSE = 0.010  # the longest such wait


class SharingLoop(asyncio.SelectorEventLoop):
    """asyncio's event loop for a worker that shares its listening socket with other workers:
    it accepts one connection at a time, then lets the others take the next ones for a moment
    that grows with the connections it already holds (ACCEPT_PAUSE each, MAX_ACCEPT_PAUSE at
    most), so that connections are spread over the workers.

    The stock loop accepts every connection waiting in the queue at each wake-up, so the first
    worker awake takes them all: 16 clients connecting at once (keep-alive, as browsers and the
    bench do) all went to one of two workers, 16 against 0 (tests/e2e/test_workers.py), which
    then served them on one core while the other core idled. A worker that has paused does not
    watch the socket meanwhile (no busy wake-ups); a worker whose loop is held up (a search
    holding the interpreter) takes fewer, being later to the queue.

    Hooks asyncio's own accept step (BaseSelectorEventLoop._accept_connection, called for each
    wake-up of a listening socket: the same signature from Python 3.11 on)."""

    def _accept_connection(self, protocol_factory, sock, sslcontext=None, server=None, backlog=100, *args):
        super()._accept_connection(protocol_factory, sock, sslcontext, server, 1, *args)
        if sock.fileno() == -1 or sock.fileno() not in self._selector.get_map():
            # Closed, or out of file descriptors: asyncio took the socket off and watches it again
            # in a second (its back-off), which a pause of ours must not shorten.
            return
        # The connections this server holds (asyncio counts a connection once its transport is
        # made, after this step: the one just accepted is the + 1).
        held = getattr(server, "_active_count", 0) + 1
        self._remove_reader(sock.fileno())
        self.call_later(min(MAX_ACCEPT_PAUSE, ACCEPT_PAUSE * held), self._accept_again,
                        protocol_factory, sock, sslcontext, server, backlog, *args)

    def _accept_again(self, protocol_factory, sock, sslcontext, server, backlog, *args):
        if sock.fileno() == -1 or (server is not None and not server.is_serving()):
            return  # the server closed meanwhile
        self._add_reader(sock.fileno(), self._accept_connection, protocol_factory, sock, sslcontext, server,
                         backlog, *args)


def run(host: str, port: int, workers: int = 1, quiet: bool = False) -> None:
    """Serve tools.web.api (`served_app`, the project of KB_ROOT) on host:port with `workers`
    processes (1: this process, through uvicorn.run) until interrupted. Several workers share
    one listening socket (_Config: TCP_NODELAY on every connection), each taking a connection
    at a time (SharingLoop), under uvicorn's supervisor,
    which restarts a worker that dies or does not answer its health check within
    limits.WORKER_HEALTHCHECK seconds. Exits (SystemExit) when the address cannot be bound."""
    options = dict(factory=True, host=host, port=port, workers=workers, log_config=log_config(quiet),
                   access_log=False, server_header=False, timeout_worker_healthcheck=WORKER_HEALTHCHECK,
                   **HTTP_OPTIONS)
    if workers <= 1:
        uvicorn.run("tools.web.api:served_app", **options)
        return
    config = _Config("tools.web.api:served_app", loop="tools.web.server:SharingLoop", **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()

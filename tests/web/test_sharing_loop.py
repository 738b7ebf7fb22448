"""tools.web.server.SharingLoop when accepting fails for want of file descriptors: asyncio's own
back-off (the socket watched again after a second) stands, not shortened by the loop's pause."""

from __future__ import annotations

import asyncio
import errno
import socket

from tools.web.server import SharingLoop


class _Exhausted(socket.socket):
    def accept(self):
        raise OSError(errno.EMFILE, "Too many open files")


def test_out_of_file_descriptors_keeps_asyncios_one_second_back_off():
    loop = SharingLoop()
    sock = _Exhausted(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        loop._start_serving(asyncio.Protocol, sock, backlog=1)
        assert sock.fileno() in loop._selector.get_map()
        loop._accept_connection(asyncio.Protocol, sock, None, None, 1)
        # asyncio took the socket off and will watch it again in a second; no retry of ours sooner
        assert sock.fileno() not in loop._selector.get_map()
        timers = [(h.when() - loop.time(), getattr(h._callback, "__name__", "")) for h in loop._scheduled]
        assert timers and all(delay > 0.5 for delay, _ in timers), timers
        assert "_accept_again" not in {name for _, name in timers}
    finally:
        sock.close()
        loop.close()

"""A host that never answers a connection: a real socket on 127.0.0.1 whose accept queue is full, so a new
connect waits (its SYN dropped, as behind a firewall that drops packets) until the client's connect timeout."""

from __future__ import annotations

import select
import socket


class SilentHost:
    """`with SilentHost() as host:` then connect to `host.url`: the connect hangs until the caller gives up."""

    def __init__(self):
        self.server = socket.socket()
        self.fillers: list[socket.socket] = []

    def __enter__(self) -> "SilentHost":
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0)  # never accepted: the queue fills with the first connection
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(self.server.getsockname())
            self.fillers.append(filler)
            if not select.select([], [filler], [], 0.3)[1]:  # this one waits: the queue is full
                return self
        raise RuntimeError("the accept queue never filled")

    def __exit__(self, *exc) -> None:
        for sock in (*self.fillers, self.server):
            sock.close()

    @property
    def url(self) -> str:
        host, port = self.server.getsockname()
        return f"http://{host}:{port}"

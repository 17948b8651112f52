"""A loopback HTTPS server that speaks HTTP/2 only (ALPN "h2"), built on the h2 library.

Every request gets a 200 with a small JSON body naming the protocol, method and path. It runs
on its own event loop in a thread (`loopback_serving`).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import h2.config
import h2.connection
import h2.events
from loopback_serving import serving


class H2Server:
    """The running server: its URL, and how many requests it answered."""

    def __init__(self) -> None:
        self.port = 0
        self.answered = 0

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@contextmanager
def h2_server(context: ssl.SSLContext) -> Iterator[H2Server]:
    """Serve HTTP/2 over TLS with `context` (its certificate set) until the block ends."""
    context.set_alpn_protocols(["h2"])
    server = H2Server()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        connection = h2.connection.H2Connection(config=config)
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        requests: dict[int, dict[str, str]] = {}
        while data := await reader.read(65536):
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    requests[event.stream_id] = {str(k): str(v) for k, v in event.headers or []}
                elif isinstance(event, h2.events.StreamEnded):
                    headers = requests.pop(event.stream_id)
                    body = json.dumps(
                        {
                            "protocol": "HTTP/2",
                            "method": headers[":method"],
                            "path": headers[":path"],
                        }
                    ).encode()
                    connection.send_headers(
                        event.stream_id,
                        [
                            (":status", "200"),
                            ("content-type", "application/json"),
                            ("content-length", str(len(body))),
                        ],
                    )
                    connection.send_data(event.stream_id, body, end_stream=True)
                    server.answered += 1
                elif isinstance(event, h2.events.ConnectionTerminated):
                    writer.write(connection.data_to_send())
                    return
            writer.write(connection.data_to_send())
            await writer.drain()

    with serving(handle, context) as port:
        server.port = port
        yield server

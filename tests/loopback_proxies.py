"""Loopback proxies for the proxy tests: a SOCKS5 server and an HTTP proxy, counting use.

`socks5_proxy()`: RFC 1928 without authentication, CONNECT only; the bytes of each tunnel
are relayed both ways. A target that refuses the connection gets the "connection refused"
reply. `http_proxy()`: an HTTP proxy. Clients address an http:// target in absolute form
(`GET http://host:port/path HTTP/1.1`): it forwards each request in origin form with
`Connection: close` and relays the answer; an https:// target through a CONNECT tunnel.
Each runs on its own event loop in a thread (`loopback_serving`), so a call from the test's
loop or from a `workbench` process can go through it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from loopback_serving import serving


class LoopbackProxy:
    """A running proxy: its URL, and how many connections (SOCKS) or requests (HTTP) it took."""

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self.port = 0
        self.used = 0
        self.seen: list[bytes] = []  # each request head (HTTP) as it arrived
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def count(self, head: bytes = b"") -> None:
        with self.lock:
            self.used += 1
            if head:
                self.seen.append(head)


@contextmanager
def socks5_proxy() -> Iterator[LoopbackProxy]:
    proxy = LoopbackProxy("socks5")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != 5 or 0 not in methods:
            writer.write(b"\x05\xff")  # no acceptable method: only "no authentication"
            return
        writer.write(b"\x05\x00")
        _, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif kind == 4:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        else:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != 1:
            writer.write(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
            return
        try:
            target_reader, target_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01" + bytes(6))  # connection refused
            return
        proxy.count()
        writer.write(b"\x05\x00\x00\x01" + bytes(6))
        await _relay(reader, writer, target_reader, target_writer)

    with serving(handle) as port:
        proxy.port = port
        yield proxy


@contextmanager
def http_proxy() -> Iterator[LoopbackProxy]:
    proxy = LoopbackProxy("http")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")[:-2]
        method, target, version = request_line.split(" ")
        if method == "CONNECT":  # a tunnel (to an https:// server): then bytes both ways
            host, _, port = target.rpartition(":")
            target_reader, target_writer = await asyncio.open_connection(host, int(port))
            proxy.count(head)
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await _relay(reader, writer, target_reader, target_writer)
            return
        parts = urlsplit(target)
        if parts.scheme != "http" or parts.hostname is None:
            writer.write(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n")
            return
        proxy.count(head)
        headers = [
            line
            for line in header_lines
            if line.split(":")[0].strip().lower()
            not in ("connection", "proxy-connection", "proxy-authorization", "keep-alive")
        ]
        length = next(
            (int(h.split(":")[1]) for h in headers if h.lower().startswith("content-length:")), 0
        )
        body = await reader.readexactly(length)
        path = parts.path or "/"
        path += f"?{parts.query}" if parts.query else ""
        forwarded = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close"])
        target_reader, target_writer = await asyncio.open_connection(
            parts.hostname, parts.port or 80
        )
        try:
            target_writer.write(forwarded.encode("latin-1") + b"\r\n\r\n" + body)
            # The server closes after its answer: relay it all, then close the client's side.
            while chunk := await target_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:  # also when the proxy stops first
            target_writer.close()

    with serving(handle) as port:
        proxy.port = port
        yield proxy


async def _relay(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    target_reader: asyncio.StreamReader,
    target_writer: asyncio.StreamWriter,
) -> None:
    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
        except OSError:
            pass
        finally:
            sink.close()

    await asyncio.gather(pipe(reader, target_writer), pipe(target_reader, writer))

"""A PostgreSQL wire-protocol proxy that lets Redshift clients talk to a PostgreSQL server.

Redshift speaks the PostgreSQL v3 protocol, so ``redshift_connector`` (and dbt-redshift on top
of it) can use a PostgreSQL server, except for three things this proxy bridges:

* **Start-up packet.** ``redshift_connector`` sends Redshift-only start-up parameters
  (``client_protocol_version``, ``driver_version``, ``os_version``, ``plugin_name``, ...) and
  PostgreSQL refuses unknown ones (``FATAL: unrecognized configuration parameter``). The proxy
  keeps only the parameters PostgreSQL knows (:data:`STARTUP_KEEP`) and answers an SSL request
  with ``N`` (no TLS to the local server). Redshift's start-up options:
  https://docs.aws.amazon.com/redshift/latest/mgmt/python-configuration-options.html
* **Redshift syntax PostgreSQL parses differently.** Every SQL text (simple ``Query`` and
  extended ``Parse`` messages) goes through :func:`rewrites.rewrite` (bare date parts).
* **What Redshift refuses.** Every SQL text also goes through :func:`refusals.find_refusal`.
  A refused statement never reaches PostgreSQL as written: a simple query is replaced with a
  ``DO`` block that raises the Redshift error (SQLSTATE and message), so the server answers with
  a genuine ErrorResponse + ReadyForQuery and aborts the open transaction as Redshift would. In
  the extended protocol the refused Parse and everything up to the next Sync are dropped, and
  the Sync is replaced with that same ``DO`` block as a simple query, so the client reads
  ErrorResponse then ReadyForQuery, exactly what a server sends after a failed Parse.

* **Server version.** The ``server_version`` ParameterStatus is reported as Redshift's
  ``8.0.2`` (:data:`SERVER_PARAMETERS`); redshift_connector cannot parse PostgreSQL's.

Everything else (authentication, results, COPY, notices) is forwarded byte for byte.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from redshift_harness.refusals import Refusal, find_refusal
from redshift_harness.rewrites import rewrite

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_V3 = 196608

# Start-up parameters PostgreSQL accepts; the others (Redshift's) are dropped.
STARTUP_KEEP = frozenset(
    {"user", "database", "options", "application_name", "client_encoding", "datestyle"}
    | {"timezone", "extra_float_digits", "search_path"}
)

# Server parameters reported as Redshift reports them: redshift_connector parses
# server_version as a PEP 440 version ("15.20 (Debian ...)" is not one); Redshift, based on
# PostgreSQL 8.0.2, says 8.0.2.
# https://docs.aws.amazon.com/redshift/latest/dg/c_redshift-and-postgres-sql.html
SERVER_PARAMETERS = {b"server_version": b"8.0.2"}


def raise_statement(refusal: Refusal) -> str:
    """A PostgreSQL statement that fails with the refusal's SQLSTATE and message."""
    message = refusal.message.replace("'", "''")
    return (
        "do $redshift_harness$ begin raise exception using "
        f"errcode = '{refusal.sqlstate}', message = '{message}'; end $redshift_harness$"
    )


def _frame(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


def filter_startup(body: bytes) -> bytes:
    """The start-up packet body (after the length) with Redshift-only parameters removed."""
    (protocol,) = struct.unpack("!I", body[:4])
    parts = body[4:].split(b"\x00")
    kept = bytearray(struct.pack("!I", protocol))
    for key, value in zip(parts[0::2], parts[1::2], strict=False):
        if key and key.decode("utf-8", "replace").lower() in STARTUP_KEEP:
            kept += key + b"\x00" + value + b"\x00"
    kept += b"\x00"
    return bytes(kept)


@dataclass
class ProxyLog:
    """What the proxy saw, for tests: every SQL text received and every refusal sent."""

    statements: list[str] = field(default_factory=list)
    refusals: list[tuple[str, Refusal]] = field(default_factory=list)


class _Session:
    """One client connection and its server connection."""

    def __init__(self, proxy: RedshiftProxy, client_reader, client_writer) -> None:
        self.proxy = proxy
        self.client_reader, self.client_writer = client_reader, client_writer
        self.refusing: Refusal | None = None  # extended protocol: dropping until Sync

    async def run(self) -> None:
        server_writer = None
        try:
            startup = await self._read_startup()
            if startup is None:
                return
            server_reader, server_writer = await asyncio.open_connection(
                self.proxy.upstream_host, self.proxy.upstream_port
            )
            server_writer.write(startup)
            await server_writer.drain()
            if struct.unpack("!I", startup[4:8])[0] == CANCEL_REQUEST:
                return
            directions = [
                asyncio.create_task(self._client_to_server(server_writer)),
                asyncio.create_task(self._server_to_client(server_reader)),
            ]
            try:
                # Both directions end normally (Terminate, then the server closes), or the first
                # failure (a side closed its socket) stops the other.
                await asyncio.wait(directions, return_when=asyncio.FIRST_EXCEPTION)
            finally:
                for task in directions:
                    task.cancel()
                await asyncio.gather(*directions, return_exceptions=True)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (self.client_writer, server_writer):
                if writer is not None:
                    writer.close()

    async def _read_startup(self) -> bytes | None:
        while True:
            (length,) = struct.unpack("!I", await self.client_reader.readexactly(4))
            body = await self.client_reader.readexactly(length - 4)
            (code,) = struct.unpack("!I", body[:4])
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                self.client_writer.write(b"N")
                await self.client_writer.drain()
                continue
            if code == CANCEL_REQUEST:
                return struct.pack("!I", length) + body
            if code != PROTOCOL_V3:
                return None
            body = filter_startup(body)
            return struct.pack("!I", len(body) + 4) + body

    async def _server_to_client(self, reader) -> None:
        """Rewrite the start-up ParameterStatus messages, then copy bytes as they come."""
        writer = self.client_writer
        while True:  # framed until the first ReadyForQuery
            header = await reader.readexactly(5)
            kind, length = header[:1], struct.unpack("!I", header[1:])[0]
            body = await reader.readexactly(length - 4)
            if kind == b"S":
                name, value = body.split(b"\x00")[:2]
                value = SERVER_PARAMETERS.get(name, value)
                body = name + b"\x00" + value + b"\x00"
            writer.write(_frame(kind, body))
            await writer.drain()
            if kind in (b"Z", b"E"):
                break
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def _client_to_server(self, server_writer) -> None:
        reader = self.client_reader
        while True:
            header = await reader.readexactly(5)
            kind, length = header[:1], struct.unpack("!I", header[1:])[0]
            body = await reader.readexactly(length - 4)
            out = self._translate(kind, body)
            if out:
                server_writer.write(out)
                await server_writer.drain()
            if kind == b"X":
                return

    def _translate(self, kind: bytes, body: bytes) -> bytes:
        """The bytes to send upstream for one client message."""
        if self.refusing is not None:
            if kind == b"S":  # Sync ends the failed extended-protocol batch
                refusal, self.refusing = self.refusing, None
                return _frame(b"Q", raise_statement(refusal).encode() + b"\x00")
            return b"" if kind != b"X" else _frame(kind, body)
        if kind == b"Q":
            sql = body[:-1].decode()
            refusal = self._check(sql)
            if refusal is not None:
                return _frame(b"Q", raise_statement(refusal).encode() + b"\x00")
            return _frame(b"Q", rewrite(sql).encode() + b"\x00")
        if kind == b"P":
            name_end = body.index(b"\x00")
            sql_end = body.index(b"\x00", name_end + 1)
            sql = body[name_end + 1 : sql_end].decode()
            refusal = self._check(sql)
            if refusal is not None:
                self.refusing = refusal
                return b""
            new_body = body[: name_end + 1] + rewrite(sql).encode() + body[sql_end:]
            return _frame(b"P", new_body)
        return _frame(kind, body)

    def _check(self, sql: str) -> Refusal | None:
        log = self.proxy.log
        log.statements.append(sql)
        refusal = self.proxy.check(sql)
        if refusal is not None:
            log.refusals.append((sql, refusal))
        return refusal


class RedshiftProxy:
    """The proxy, served by an asyncio loop in a daemon thread (``start`` / ``stop``)."""

    def __init__(
        self,
        upstream_host: str = "127.0.0.1",
        upstream_port: int = 5432,
        check: Callable[[str], Refusal | None] = find_refusal,
    ) -> None:
        self.upstream_host, self.upstream_port, self.check = upstream_host, upstream_port, check
        self.log = ProxyLog()
        self.host, self.port = "127.0.0.1", 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._sessions: set[asyncio.Task] = set()

    def start(self) -> RedshiftProxy:
        """Listen on a free port of 127.0.0.1 (``self.port``) and return self."""
        ready = threading.Event()

        async def serve() -> None:
            self._server = await asyncio.start_server(self._accept, self.host, 0)
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            async with self._server:
                with contextlib.suppress(asyncio.CancelledError):
                    await self._server.serve_forever()

        def main() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            while pending := [t for t in asyncio.all_tasks(self._loop) if not t.done()]:
                for task in pending:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

        self._thread = threading.Thread(target=main, name="redshift-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Redshift proxy did not start")
        return self

    async def _accept(self, reader, writer) -> None:
        task = asyncio.current_task()
        self._sessions.add(task)  # a strong reference: the loop keeps only weak ones
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await _Session(self, reader, writer).run()
        finally:
            self._sessions.discard(task)

    def stop(self) -> None:
        """Close the listener and every open session, then end the loop's thread."""

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            current = asyncio.current_task()
            for task in asyncio.all_tasks():
                if task is not current:
                    task.cancel()

        if self._loop is not None and self._loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        if self._thread is not None:
            self._thread.join(10)

"""What `matcher serve` does before a request reaches the app: header size limits, header and
body read timeouts, a concurrency limit (uvicorn's httptools protocol, extended), and an access
log that names routes, never the ids in paths.

uvicorn's httptools protocol has none of these limits: the parser keeps a header however long it
grows (a 64 MB header was answered 200), and a client sending a byte a second, or announcing a
longer body than it sends, holds its connection open for good.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.logging import DefaultFormatter
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from service.settings import Settings

access_logger = logging.getLogger("service.access")


@dataclass(frozen=True)
class Limits:
    """What one connection may send and how many the process serves at once (service.settings
    names and documents each)."""

    max_header_bytes: int
    max_header_line_bytes: int
    header_timeout: float
    body_timeout: float
    max_connections: int
    max_requests_in_flight: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_header_bytes=settings.max_header_bytes,
            max_header_line_bytes=settings.max_header_line_bytes,
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            max_connections=settings.max_connections,
            max_requests_in_flight=settings.max_requests_in_flight,
        )


class _Refused(Exception):
    """Raised from a parser callback to stop parsing a request that is answered here."""


def protocol_for(settings: Settings) -> type[LimitedHttpProtocol]:
    """The protocol class to pass to uvicorn as `http=`, holding these settings' limits."""
    limits = Limits.from_settings(settings)
    return type("LimitedHttpProtocol", (LimitedHttpProtocol,), {"limits": limits})


class LimitedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with limits on what a client may send, and how slowly.

    - Headers: the request line and each header line at most `max_header_line_bytes` (414, 431),
      all of them at most `max_header_bytes` (431). The bytes are counted as they arrive, so a
      header is refused before the parser has buffered more than the limit and one read.
    - Time: the headers must be complete `header_timeout` seconds after the connection opens or
      the request begins, the body `body_timeout` seconds after the headers (408, then closed).
    - Load: beyond `max_requests_in_flight` requests being answered, or `max_connections` open
      connections, in this process, a request gets 503 with Retry-After at once, and its
      connection is closed.

    `limits` is read from the environment's settings when the class is used as it is (uvicorn
    imports it by name in its own worker processes); `protocol_for` makes a class with given ones.
    """

    limits: ClassVar[Limits | None] = None

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        cls = type(self)
        if cls.limits is None:
            cls.limits = Limits.from_settings(Settings())
        self.bounds: Limits = cls.limits
        self.limit_concurrency = None  # ours replaces uvicorn's, which sends no Retry-After
        self._in_headers = False
        self._header_bytes_read = 0
        """Bytes read while this request's headers were incomplete, but for the read that began
        the request: never more than the request line and headers, so never a false 431."""
        self._header_bytes_parsed = 0
        self._refusal: tuple[int, str] | None = None
        self._awaiting_body = False
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None

    # Connection and data

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = self.loop.call_later(self.bounds.header_timeout, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # uvicorn's, but for telling a refusal raised in a callback from a malformed request.
        self._unset_keepalive_if_required()
        counted = self._in_headers
        if counted:
            self._header_bytes_read += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self._refusal is not None:
                self._answer_and_close(*self._refusal)
                return
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        # Timers only once a read leaves headers or a body incomplete: most requests arrive
        # in one read, and setting and cancelling two timers each costs a fifth of uvicorn's
        # own time per request.
        if self._in_headers:
            if counted and self._header_bytes_read > self.bounds.max_header_bytes:
                self._answer_and_close(431, self._headers_message())
            elif self._header_timer is None:
                self._header_timer = self.loop.call_later(
                    self.bounds.header_timeout, self._headers_late
                )
        elif self._awaiting_body and self._body_timer is None:
            self._body_timer = self.loop.call_later(self.bounds.body_timeout, self._body_late)

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True
        self._header_bytes_read = 0
        self._header_bytes_parsed = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.bounds.max_header_line_bytes:
            most = self.bounds.max_header_line_bytes
            self._refuse(414, f"request line too long: at most {most} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        line = len(name) + len(value) + 4  # ": " and CRLF
        self._header_bytes_parsed += line
        if line > self.bounds.max_header_line_bytes:
            self._refuse(
                431, f"header line too long: at most {self.bounds.max_header_line_bytes} bytes"
            )
        if len(self.url) + self._header_bytes_parsed > self.bounds.max_header_bytes:
            self._refuse(431, self._headers_message())
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        bounds = self.bounds
        if (
            len(self.tasks) >= bounds.max_requests_in_flight
            or len(self.connections) > bounds.max_connections
        ):
            app, self.app = self.app, _busy
            try:
                super().on_headers_complete()
            finally:
                self.app = app
        else:
            super().on_headers_complete()
        self._awaiting_body = True

    def on_message_complete(self) -> None:
        self._awaiting_body = False
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    # Refusals

    def _headers_message(self) -> str:
        return f"request headers too large: at most {self.bounds.max_header_bytes} bytes"

    def _refuse(self, status: int, message: str) -> None:
        self._refusal = (status, message)
        raise _Refused(message)

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        if self._in_headers and not answering:
            within = self.bounds.header_timeout
            self._answer_and_close(408, f"request headers not received within {within:g} s")
        else:
            # Connected and sent nothing; or a pipelined request too slow while the one before
            # is still being answered, where a 408 would land inside that answer.
            self.transport.close()

    def _body_late(self) -> None:
        self._body_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            # The app waits for the body: tell it the client is gone, so whatever it answers
            # is dropped rather than written after this.
            cycle.disconnected = True
            cycle.message_event.set()
            within = self.bounds.body_timeout
            self._answer_and_close(408, f"request body not received within {within:g} s")
        else:
            self.transport.close()  # answered already; the rest of the body is not waited for

    def _answer_and_close(self, status: int, message: str) -> None:
        self._cancel_timers()
        body = message.encode("ascii")
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.append(
            b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n" % len(body)
        )
        self.transport.write(b"".join(head) + body)
        self.transport.close()
        if access_logger.isEnabledFor(logging.INFO):
            method = (self.scope or {}).get("method", "-")
            access_logger.info("%s (refused: %s) %d", method, message, status)

    def _cancel_timers(self) -> None:
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None


RETRY_AFTER_SECONDS = 1
_BUSY_BODY = b'{"detail":"the service is busy; try again shortly"}'


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    """503 with Retry-After, for a request beyond the concurrency limit."""
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(_BUSY_BODY)),
                (b"retry-after", b"%d" % RETRY_AFTER_SECONDS),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _BUSY_BODY})
    if access_logger.isEnabledFor(logging.INFO):
        access_logger.info("%s (refused: busy) 503", scope.get("method", "-"))


class AccessLog:
    """One line per request, `GET /candidates/{candidate_id}/shortlist 200 3.1ms`: the route's
    template, never the path (it holds people's ids) nor the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        if not access_logger.hasHandlers():  # nobody configured logging: as uvicorn's lines
            configure_access_log()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = "500"  # unless a response starts: QuietErrors answers 500 for what escapes
        gone = False

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        async def listen() -> Message:
            nonlocal gone
            message = await receive()
            gone = gone or message["type"] == "http.disconnect"
            return message

        try:
            await self.app(scope, listen, watch)
        finally:
            # The router writes the matched route into this same scope.
            route = getattr(scope.get("route"), "path", None) or "(no route)"
            elapsed = (time.perf_counter() - started) * 1000
            # A client gone (or cut off by a timeout: see its own line) got no answer from here.
            outcome = "(disconnected)" if gone else status
            access_logger.info("%s %s %s %.1fms", scope["method"], route, outcome, elapsed)


def configure_access_log() -> None:
    """Send the access log to stdout at level INFO, formatted as uvicorn's own lines."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s", use_colors=None))
    access_logger.handlers = [handler]
    access_logger.setLevel(logging.INFO)
    access_logger.propagate = False

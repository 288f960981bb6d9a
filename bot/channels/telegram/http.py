"""PTB's requests to the Bot API over aiohttp's client instead of httpx.

Why: at hundreds of answers a second, httpx's pool (httpcore) costs more CPU than the whole
rest of an answer: each request that finishes or waits re-scans every connection and every
queued request (checking each idle socket's peer), so the cost of a send grows with the
connections open and the sends on the wire. aiohttp's connector hands out a free connection
in O(1). aiohttp is already what serves WeChat's callbacks and the web console, so this adds
no dependency. Only the transport changes: PTB still builds the calls and parses the results,
and errors map to PTB's (TimedOut, NetworkError) as HTTPXRequest maps them.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session: `connection_pool_size` connections, kept alive."""

    def __init__(self, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:  # fmt: skip
        self._limit = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout, "media": media_write_timeout}  # fmt: skip
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._limit))

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:  # fmt: skip
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        fields = request_data.json_parameters if request_data else None

        def given(value: Any, default: float | None) -> float | None:
            return default if isinstance(value, DefaultValue) else value

        read = given(read_timeout, self._timeouts["read"])
        write = given(write_timeout, self._timeouts["media"] if files else self._timeouts["write"])
        timeout = aiohttp.ClientTimeout(
            total=None, connect=given(pool_timeout, self._timeouts["pool"]),
            sock_connect=given(connect_timeout, self._timeouts["connect"]),
            sock_read=None if read is None and write is None else max(read or 0.0, write or 0.0),
        )  # fmt: skip
        data: Any = fields
        if files:
            data = aiohttp.FormData()
            for name, value in (fields or {}).items():
                data.add_field(name, value)
            for name, part in files.items():
                filename, content, *mime = part
                data.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
        try:
            async with self._session.request(method, url, data=data, timeout=timeout,
                                             headers={"User-Agent": self.USER_AGENT}) as response:  # fmt: skip
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc

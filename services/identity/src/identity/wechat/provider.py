"""The outbound HTTP of sign-in (the SMS provider, WeChat) as one resource of the app:
one pooled httpx client, closed at stop; by ``WECHAT_LOGIN``, the WeChat client for
production, or for the local simulator, which ``simulator`` mode starts in this process
on a free loopback port (unless ``WECHAT_API_BASE`` names one already running)."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import uvicorn

from identity.config import Settings
from identity.wechat import simulator
from identity.wechat.client import WeChatClient

log = logging.getLogger(__name__)
WECHAT_API = "https://api.weixin.qq.com"


class Outbound:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        timeout = max(settings.sms_timeout_seconds, settings.wechat_timeout_seconds)
        self.http = httpx.AsyncClient(timeout=timeout)
        self.wechat: WeChatClient | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None

    async def start(self) -> None:
        s = self.settings
        if s.wechat_mode == "production":
            base = s.wechat_api_base or WECHAT_API
            self.wechat = WeChatClient(base, s.wechat_appid, s.wechat_secret, self.http)
        elif s.wechat_mode == "simulator":
            base = s.wechat_api_base or await self._start_simulator()
            self.wechat = WeChatClient(
                base,
                s.wechat_appid or simulator.APPID,
                s.wechat_secret or simulator.SECRET,
                self.http,
            )

    async def _start_simulator(self) -> str:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            simulator.WeChatSimulator().app, lifespan="off", log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        async with asyncio.timeout(30):
            while not self._server.started:
                if self._task.done():
                    raise RuntimeError("the WeChat simulator did not start")
                await asyncio.sleep(0.02)
        url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        log.info(
            'WeChat mini-program simulator at %s (POST /sim/login {"user": ...} gives a '
            'wx.login() code, POST /sim/phone-code {"phone": ...} a getPhoneNumber code)',
            url,
        )
        return url

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            try:
                async with asyncio.timeout(10):
                    await self._task
            except TimeoutError:
                self._task.cancel()
        if self._sock is not None:
            self._sock.close()
        self._server = self._task = self._sock = None
        await self.http.aclose()

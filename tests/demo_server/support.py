"""Requests to a demo server under test, and what its answers are checked with."""

from __future__ import annotations

import re

import httpx

from tui.demo.server import ADMIN_TOKEN, CONFIG_PATH, SUPERADMIN_TOKEN, DemoState

SUPERADMIN = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}"}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HEX_24 = re.compile(r"^[0-9a-f]{24}$")
HEX_64 = re.compile(r"^[0-9a-f]{64}$")
SECRET_NAMES = (
    "elevenlabsApiKey",
    "elevenlabsToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "webhookSecret",
)


def http_client(base_url: str, timeout: float = 5) -> httpx.Client:
    """A client for plain HTTP on loopback; verify=False skips loading the CA bundle (~15 ms)."""
    return httpx.Client(base_url=base_url, timeout=timeout, verify=False)


def get_config(http: httpx.Client, headers: dict[str, str] = SUPERADMIN) -> httpx.Response:
    return http.get(CONFIG_PATH, headers=headers)


def post_config(
    http: httpx.Client, body: object, headers: dict[str, str] = SUPERADMIN
) -> httpx.Response:
    return http.post(CONFIG_PATH, json=body, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def stored_secrets(state: DemoState) -> dict[str, str | None]:
    return {name: state.secret(name) for name in SECRET_NAMES}

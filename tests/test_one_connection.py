"""One connection for the session: every call shares the config client's pool and its
kept-alive connection, a connection the server closed while idle is replaced quietly, and
a request that met a closed connection is sent again only when that cannot do harm."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from tui.api import exchange
from tui.api.auth import fetch_profile, login, verify_token
from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.failures import ApiFailure
from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig
from tui.demo.faults import Fault
from tui.demo.server import DEMO_USERS, SUPERADMIN_TOKEN, DemoServer


@pytest.fixture
async def client(superadmin: ConnectionSettings) -> AsyncIterator[VoiceConfigClient]:
    client = VoiceConfigClient(superadmin)
    try:
        yield client
    finally:
        await client.aclose()


def paths(server: DemoServer) -> list[tuple[str, str, int]]:
    return [(r.method, r.path, r.status) for r in server.requests]


async def test_load_profile_verify_sign_in_and_save_share_one_connection(
    demo_server: DemoServer, client: VoiceConfigClient
) -> None:
    settings = client.settings
    user = DEMO_USERS[0]
    assert isinstance(await client.load(), VoiceAiConfig)
    assert not isinstance(await fetch_profile(settings, client=client), ApiFailure)
    assert await verify_token(settings, client=client) is True
    signed = await login(settings.base_url, user.email, SecretStr(user.password), client=client)
    assert not isinstance(signed, ApiFailure)
    saved = await client.save(SaveRequest(sinchEstTrunkId="trunk-9"))
    assert isinstance(saved, SaveSuccess)
    assert len(demo_server.requests) == 5
    assert demo_server.open_connections == 1


async def test_each_call_carries_its_own_token_and_the_login_none(
    demo_server: DemoServer, client: VoiceConfigClient
) -> None:
    user = DEMO_USERS[0]
    other = ConnectionSettings(client.settings.base_url, SecretStr("pasted-token"))
    await fetch_profile(other, client=client)
    await login(client.settings.base_url, user.email, SecretStr(user.password), client=client)
    await client.load()
    profile, sign_in, load = demo_server.requests
    assert profile.header("Authorization") == "Bearer pasted-token"
    assert sign_in.header("Authorization") is None
    assert load.header("Authorization") == f"Bearer {SUPERADMIN_TOKEN}"


async def test_a_connection_the_server_closed_while_idle_is_replaced_quietly() -> None:
    with DemoServer(idle_timeout=0.2) as server:
        settings = ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5.0)
        client = VoiceConfigClient(settings)
        try:
            assert isinstance(await client.load(), VoiceAiConfig)
            deadline = time.monotonic() + 5
            while server.open_connections and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # the server hangs up after 0.2 s idle
            assert server.open_connections == 0
            assert isinstance(await client.load(), VoiceAiConfig)
            assert isinstance(await client.save(SaveRequest(sinchEstTrunkId="t-2")), SaveSuccess)
        finally:
            await client.aclose()
        assert [status for _, _, status in paths(server)] == [200, 200, 200]


@pytest.fixture
def stale_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any idle time counts as "idle long enough", so the race can be staged at once."""
    monkeypatch.setattr(exchange, "STALE_AFTER", 0.0)


async def test_a_get_that_met_a_closed_kept_connection_is_sent_once_more(
    demo_server: DemoServer, client: VoiceConfigClient, stale_now: None
) -> None:
    # The drop stands in for the race: the server closes the kept connection just as
    # the request arrives, without answering.
    assert isinstance(await client.load(), VoiceAiConfig)
    demo_server.inject(Fault.DROP_CONNECTION, method="GET")
    assert isinstance(await client.load(), VoiceAiConfig)
    assert [status for _, _, status in paths(demo_server)] == [200, 0, 200]


async def test_a_get_is_sent_once_more_only_once(
    demo_server: DemoServer, client: VoiceConfigClient, stale_now: None
) -> None:
    assert isinstance(await client.load(), VoiceAiConfig)
    demo_server.inject(Fault.DROP_CONNECTION, method="GET", times=2)
    result = await client.load()
    assert isinstance(result, ApiFailure)
    assert "dropped before the answer" in result.summary
    assert [status for _, _, status in paths(demo_server)] == [200, 0, 0]


async def test_a_post_that_met_a_closed_connection_is_never_sent_again(
    demo_server: DemoServer, client: VoiceConfigClient, stale_now: None
) -> None:
    assert isinstance(await client.load(), VoiceAiConfig)
    demo_server.inject(Fault.DROP_CONNECTION, method="POST")
    result = await client.save(SaveRequest(sinchEstTrunkId="trunk-7"))
    assert isinstance(result, ApiFailure)
    assert "may or may not have been applied" in result.hint
    assert [m for m, _, _ in paths(demo_server)].count("POST") == 1
    assert demo_server.state.received_posts == []


async def test_a_fresh_connection_that_fails_is_not_sent_again(
    demo_server: DemoServer, client: VoiceConfigClient, stale_now: None
) -> None:
    demo_server.inject(Fault.DROP_CONNECTION, method="GET")
    result = await client.load()  # the first request: a new connection, nothing stale
    assert isinstance(result, ApiFailure)
    assert [status for _, _, status in paths(demo_server)] == [0]


async def test_a_connection_dropped_soon_after_an_answer_is_reported_not_retried(
    demo_server: DemoServer, client: VoiceConfigClient
) -> None:
    """Within STALE_AFTER of its last answer a connection was not closed for idleness:
    the failure is the user's to see (the fault matrix relies on this)."""
    assert isinstance(await client.load(), VoiceAiConfig)
    demo_server.inject(Fault.DROP_CONNECTION, method="GET")
    assert isinstance(await client.load(), ApiFailure)


async def test_requests_run_on_the_network_thread_and_closing_ends_it(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    client = VoiceConfigClient(superadmin)
    assert client.network.thread.is_alive()
    assert client.network.thread is not threading.current_thread()
    await client.load()
    assert demo_server.open_connections == 1
    await client.aclose()
    assert not client.network.thread.is_alive()
    deadline = time.monotonic() + 5
    while demo_server.open_connections and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert demo_server.open_connections == 0  # no socket left behind either
    client.close()  # once more, from anywhere: nothing happens
    await client.aclose()

"""The requests sent at launch: answered once, to the first identical request, as if it
had sent them itself (the same validation, failures and 401 handling)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from pydantic import SecretStr

from tests.screen_text import screen_text
from tui.api.auth import PROFILE_PATH, fetch_profile
from tui.api.client import CONFIG_PATH, ConnectionSettings, VoiceConfigClient
from tui.api.failures import ApiFailure
from tui.api.models import SignedInUser, VoiceAiConfig
from tui.api.prefetch import prefetching_client
from tui.app import VoiceConfigApp
from tui.demo.faults import Fault
from tui.demo.scenarios import settle
from tui.demo.server import ADMIN_TOKEN, SUPERADMIN_TOKEN, DemoServer


@pytest.fixture
async def opened() -> AsyncIterator[Callable[..., VoiceConfigClient]]:
    clients: list[VoiceConfigClient] = []

    def open_client(settings: ConnectionSettings, prefetch: bool = True) -> VoiceConfigClient:
        clients.append(prefetching_client(settings, prefetch=prefetch))
        return clients[-1]

    yield open_client
    for client in clients:
        await client.aclose()


def gets(server: DemoServer) -> list[str]:
    return [r.path for r in server.requests if r.method == "GET"]


async def test_the_first_load_and_profile_take_the_answers_sent_at_launch(
    demo_server: DemoServer,
    superadmin: ConnectionSettings,
    opened: Callable[..., VoiceConfigClient],
) -> None:
    client = opened(superadmin)
    config = await client.load()
    user = await fetch_profile(client.settings, client=client)
    assert isinstance(config, VoiceAiConfig)
    assert isinstance(user, SignedInUser)
    assert gets(demo_server) == [CONFIG_PATH, PROFILE_PATH]
    assert isinstance(await client.load(), VoiceAiConfig)  # a reload is sent: it is new
    assert gets(demo_server) == [CONFIG_PATH, PROFILE_PATH, CONFIG_PATH]


async def test_a_401_at_launch_is_the_first_load_s_401_and_no_profile_is_asked(
    demo_server: DemoServer, opened: Callable[..., VoiceConfigClient]
) -> None:
    settings = ConnectionSettings(demo_server.url, SecretStr("expired-token"), read_timeout=5.0)
    client = opened(settings)
    result = await client.load()
    assert isinstance(result, ApiFailure)
    assert result.status == 401
    assert gets(demo_server) == [CONFIG_PATH]
    # After a sign-in the profile is asked with the new token, not taken from launch.
    client.use_token(SecretStr(ADMIN_TOKEN))
    user = await fetch_profile(client.settings, client=client)
    assert isinstance(user, SignedInUser)
    assert gets(demo_server) == [CONFIG_PATH, PROFILE_PATH]


async def test_a_fault_at_launch_reads_as_the_same_failure(
    demo_server: DemoServer,
    superadmin: ConnectionSettings,
    opened: Callable[..., VoiceConfigClient],
) -> None:
    demo_server.inject(Fault.UNAVAILABLE_HTML, method="GET")
    client = opened(superadmin)
    result = await client.load()
    assert isinstance(result, ApiFailure)
    assert result.status == 503
    assert "HTTP 503" in result.summary
    assert gets(demo_server) == [CONFIG_PATH]  # not 200: no profile asked at launch


async def test_an_answer_for_another_token_is_not_taken(
    demo_server: DemoServer,
    superadmin: ConnectionSettings,
    opened: Callable[..., VoiceConfigClient],
) -> None:
    client = opened(superadmin)
    client.use_token(SecretStr(ADMIN_TOKEN))  # e.g. a sign-in before the first load
    assert isinstance(await client.load(), VoiceAiConfig)

    def loads() -> list[str | None]:
        return [r.header("Authorization") for r in demo_server.requests if r.path == CONFIG_PATH]

    for _ in range(500):  # the launch's own GET may still be on its way
        if len(loads()) == 2:
            break
        await asyncio.sleep(0.01)
    assert sorted(loads()) == sorted([f"Bearer {ADMIN_TOKEN}", f"Bearer {SUPERADMIN_TOKEN}"])


async def test_without_prefetch_nothing_is_sent_until_asked(
    demo_server: DemoServer,
    superadmin: ConnectionSettings,
    opened: Callable[..., VoiceConfigClient],
) -> None:
    client = opened(superadmin, prefetch=False)
    assert client.early is None
    assert demo_server.requests == []
    assert isinstance(await client.load(), VoiceAiConfig)


async def test_the_app_shows_what_was_fetched_at_launch_without_asking_again(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    client = prefetching_client(superadmin, prefetch=True)
    app = VoiceConfigApp(superadmin, client=client)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "Loaded the configuration" in str(app.screen.query_one("#status").render())
        assert app.user is not None
    assert gets(demo_server) == [CONFIG_PATH, PROFILE_PATH]
    assert not client.network.thread.is_alive()  # the app closed the session on exit


async def answers_back(server: DemoServer, count: int) -> None:
    for _ in range(500):
        if len(server.requests) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {len(server.requests)} request(s) reached the server")


async def test_a_load_back_before_the_ui_is_built_into_it_and_shows_as_a_normal_load(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    """The first frame from an answer at hand equals the frame a load after mount gives."""
    client = prefetching_client(superadmin, prefetch=True)
    await answers_back(demo_server, 2)  # config and profile are back before the UI starts
    await asyncio.sleep(0.05)
    at_launch = VoiceConfigApp(superadmin, demo=True, client=client)
    async with at_launch.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert at_launch.screen.query_one("#form").visible
        assert at_launch.screen.form is not None
        assert at_launch.screen.form.change_count == 0  # the Select announced nothing new
        shown_at_launch = screen_text(at_launch)
    assert gets(demo_server) == [CONFIG_PATH, PROFILE_PATH]  # nothing asked twice
    loaded_after_mount = VoiceConfigApp(superadmin, demo=True)
    async with loaded_after_mount.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert screen_text(loaded_after_mount) == shown_at_launch

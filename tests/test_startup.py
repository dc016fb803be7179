"""The start-up decision: settings, transport check and token source, as the UI gets them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.keyrings import MemoryKeyring
from tui.api.auth import verify_token
from tui.auth.token_store import SERVICE, TokenStore
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.settings import Flags
from tui.startup import StartupError, startup_plan

CONFIG = """
default_profile = "local"

[profiles.local]
url = "{url}"
timeout = 9
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty config file: no profiles unless a test writes some."""
    path = tmp_path / "config.toml"
    path.write_text("")
    return {"TETHER_VOICE_CONFIG": str(path)}


def write_config(env: dict[str, str], url: str) -> None:
    Path(env["TETHER_VOICE_CONFIG"]).write_text(CONFIG.format(url=url))


def memory_store(**entries: str) -> TokenStore:
    backend = MemoryKeyring()
    for entry, token in entries.items():
        backend.set_password(SERVICE, entry, token)
    return TokenStore(backend=backend)


def test_a_token_from_the_environment_is_used_as_is(env: dict[str, str]) -> None:
    write_config(env, "https://tether.example.com")
    env["TETHER_TOKEN"] = "env-token"
    plan = startup_plan(Flags(), environ=env, store=memory_store(local="stored-token"))
    assert plan.token_source == "env"
    assert plan.token is not None and plan.token.get_secret_value() == "env-token"
    assert not plan.verify_first
    assert plan.token_entry == "local"
    connection = plan.connection()
    assert connection.base_url == "https://tether.example.com"
    assert connection.read_timeout == 9.0


def test_a_stored_token_is_to_be_verified_first(env: dict[str, str]) -> None:
    write_config(env, "https://tether.example.com")
    plan = startup_plan(Flags(), environ=env, store=memory_store(local="stored-token"))
    assert plan.token_source == "keyring"
    assert plan.verify_first
    assert plan.token_label == "the token stored in the keyring for 'local'"


def test_no_token_anywhere_means_sign_in(env: dict[str, str]) -> None:
    write_config(env, "https://tether.example.com")
    plan = startup_plan(Flags(), environ=env, store=TokenStore(backend=MemoryKeyring()))
    assert (plan.token, plan.token_source) == (None, None)
    with pytest.raises(StartupError):
        plan.connection()
    fresh = plan.connection(SecretStr("from-sign-in"))
    assert fresh.token.get_secret_value() == "from-sign-in"


async def test_an_expired_stored_token_fails_verification(
    env: dict[str, str], demo_server: DemoServer
) -> None:
    write_config(env, demo_server.url)
    plan = startup_plan(Flags(), environ=env, store=memory_store(local="expired-token"))
    assert plan.verify_first
    assert await verify_token(plan.connection()) is False


async def test_a_good_stored_token_passes_verification(
    env: dict[str, str], demo_server: DemoServer
) -> None:
    write_config(env, demo_server.url)
    plan = startup_plan(Flags(), environ=env, store=memory_store(local=SUPERADMIN_TOKEN))
    assert await verify_token(plan.connection()) is True


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (Flags(), "No instance URL"),
        (Flags(url="http://tether.example.com"), "Refusing http://"),
        (Flags(url="https://t.example.com", ca_bundle=Path("/nope.pem")), "does not exist"),
        (Flags(profile="prod"), "Profile 'prod'"),
    ],
)
def test_what_cannot_start_says_why(env: dict[str, str], flags: Flags, words: str) -> None:
    with pytest.raises(StartupError, match=words):
        startup_plan(flags, environ=env, store=memory_store())


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("Bearer abc.def", "starts with 'Bearer '"),
        ("abc def", "space"),
        ("abc\u201d", "not plain ASCII"),
    ],
)
def test_an_unsendable_env_token_is_refused_without_quoting_it(
    env: dict[str, str], token: str, words: str
) -> None:
    env["TETHER_TOKEN"] = token
    with pytest.raises(StartupError) as error:
        startup_plan(Flags(url="https://t.example.com"), environ=env, store=memory_store())
    assert words in str(error.value)
    assert "TETHER_TOKEN" in str(error.value)
    assert token not in str(error.value)


def test_an_unsendable_stored_token_says_how_to_remove_it(env: dict[str, str]) -> None:
    store = memory_store(**{"https://t.example.com": "two words"})
    with pytest.raises(StartupError, match=r"logout --profile 'https://t\.example\.com'"):
        startup_plan(Flags(url="https://t.example.com"), environ=env, store=store)


def test_the_first_frame_imports_only_what_it_shows() -> None:
    """Review, save, questions and the keyring load when first used, not at startup."""
    later = [
        "keyring",
        "tui.form.body",
        "tui.form.drift",
        "tui.screens.review",
        "tui.screens.confirm",
        "tui.screens.sign_in",
        "tui.screens.help",
        "tui.screens.phone_numbers",
        "tui.screens.numbers_desk",
        "tui.screens.numbers_review",
        "tui.screens.agent_picker",
        "tui.widgets.numbers_panel",
        "tui.widgets.phone_numbers",
        "tui.numbers.state",
        "tui.api.numbers",
        "textual.widgets._data_table",
        "tui.demo.server",
        "tui.api.checks",
        "tui.checks.plan",
        "tui.checks.verdict",
        "tui.screens.editor_checks",
        "tui.widgets.check_lines",
    ]
    code = (
        "import sys, tui.cli, tui.startup, tui.api.client, tui.app; "
        f"print([name for name in {later!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

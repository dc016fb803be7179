"""Sign-in over real loopback HTTP against the demo server: login, verify, profile."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import SecretStr

from tui.api.auth import SignedIn, fetch_profile, login, verify_token
from tui.api.client import ConnectionSettings
from tui.api.failures import ApiFailure, FailureKind, Operation
from tui.api.models import SignedInUser
from tui.demo.faults import Fault
from tui.demo.scenarios import REFUSED_URL
from tui.demo.server import ADMIN_TOKEN, DEMO_USERS, SUPERADMIN_TOKEN, DemoServer, DemoUser


def as_token(server: DemoServer, token: str) -> ConnectionSettings:
    return ConnectionSettings(server.url, SecretStr(token), read_timeout=5.0)


@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda user: user.access_role)
async def test_login_with_each_demo_account(demo_server: DemoServer, user: DemoUser) -> None:
    result = await login(demo_server.url, user.email, SecretStr(user.password))
    assert isinstance(result, SignedIn)
    assert result.token.get_secret_value() == user.token
    assert result.user.id == user.id
    assert result.user.email == user.email
    assert result.user.full_name == user.full_name
    assert result.user.organization_id == user.organization_id
    assert result.user.access_role == user.access_role
    assert result.user.is_superadmin is (user.access_role == "SUPERADMIN")
    assert user.token not in repr(result), "the token is a SecretStr"


async def test_login_trims_the_email(demo_server: DemoServer) -> None:
    user = DEMO_USERS[0]
    result = await login(demo_server.url, f"  {user.email} ", SecretStr(user.password))
    assert isinstance(result, SignedIn)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("superadmin@demo.tether.test", "wrong-password"),
        ("nobody@demo.tether.test", "demo-superadmin-password"),
    ],
    ids=["wrong-password", "unknown-email"],
)
async def test_wrong_credentials_say_so(demo_server: DemoServer, email: str, password: str) -> None:
    result = await login(demo_server.url, email, SecretStr(password))
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.HTTP_STATUS
    assert result.operation is Operation.SIGN_IN
    assert result.status == 401
    assert result.summary == "Wrong email or password"
    assert result.error == "Invalid email or password"
    assert "sign in again" in result.hint
    assert "edits" not in result.hint, "nothing to keep at sign-in"


async def test_an_empty_email_is_a_refusal_with_the_servers_words(demo_server: DemoServer) -> None:
    result = await login(demo_server.url, "", SecretStr("x"))
    assert isinstance(result, ApiFailure)
    assert result.status == 400
    assert result.error == "Email and password are required"


async def test_login_with_the_server_down() -> None:
    result = await login(REFUSED_URL, "a@b.test", SecretStr("pw"), connect_timeout=2.0)
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.NETWORK
    assert result.summary == "Could not reach 127.0.0.1:9: Connection refused"
    assert result.hint.endswith("Then try again.")


async def test_login_timeout_is_a_clear_failure(demo_server: DemoServer) -> None:
    demo_server.inject(Fault.DELAY, delay_seconds=2.0)
    user = DEMO_USERS[0]
    result = await login(demo_server.url, user.email, SecretStr(user.password), read_timeout=0.2)
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.TIMEOUT
    assert "No answer from" in result.summary
    assert "--timeout" in result.hint


async def test_a_proxy_error_page_at_login(demo_server: DemoServer) -> None:
    demo_server.inject(Fault.BAD_GATEWAY_HTML)
    user = DEMO_USERS[0]
    result = await login(demo_server.url, user.email, SecretStr(user.password))
    assert isinstance(result, ApiFailure)
    assert result.status == 502
    assert "502 Bad Gateway" in result.summary
    assert "try again" in result.hint


async def test_login_never_follows_a_redirect() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(307, headers={"Location": "https://elsewhere.example.com/login"})

    result = await login(
        "https://tether.example.com",
        "a@b.test",
        SecretStr("pw"),
        transport=httpx.MockTransport(handler),
    )
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.REDIRECT
    assert "elsewhere.example.com" in result.summary
    assert len(seen) == 1, "the password went nowhere else"


async def test_password_and_token_never_reach_the_logs(
    demo_server: DemoServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = DEMO_USERS[0]
    result = await login(demo_server.url, user.email, SecretStr(user.password))
    assert isinstance(result, SignedIn)
    await verify_token(as_token(demo_server, user.token))
    await fetch_profile(as_token(demo_server, user.token))
    assert user.password not in caplog.text
    assert user.token not in caplog.text


# --- verify-token ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "good"),
    [
        (SUPERADMIN_TOKEN, True),
        (ADMIN_TOKEN, True),
        ("an-expired-token", False),
        ("garbage!$%&'*", False),
    ],
    ids=["superadmin", "admin", "expired", "garbage"],
)
async def test_verify_token(demo_server: DemoServer, token: str, good: bool) -> None:
    assert await verify_token(as_token(demo_server, token)) is good


async def test_verify_with_the_server_down_is_a_failure_not_false() -> None:
    """A token must not be thrown away because the network was down."""
    result = await verify_token(ConnectionSettings(REFUSED_URL, SecretStr(SUPERADMIN_TOKEN)))
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.NETWORK


@pytest.mark.parametrize(
    "fault", [Fault.SERVER_ERROR_STRING, Fault.UNAVAILABLE_HTML, Fault.FORBIDDEN]
)
async def test_verify_with_a_server_problem_is_a_failure_not_false(
    demo_server: DemoServer, fault: Fault
) -> None:
    demo_server.inject(fault)
    result = await verify_token(as_token(demo_server, SUPERADMIN_TOKEN))
    assert isinstance(result, ApiFailure)


async def test_verify_on_a_page_that_is_not_the_api_is_a_failure(
    demo_server: DemoServer,
) -> None:
    demo_server.inject(Fault.EMPTY_BODY)
    result = await verify_token(as_token(demo_server, SUPERADMIN_TOKEN))
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.BAD_RESPONSE


async def test_a_token_that_cannot_be_a_header_is_not_sent(demo_server: DemoServer) -> None:
    """A pasted token with a typographic quote fails clearly instead of raising."""
    result = await verify_token(as_token(demo_server, "eyJ.abc\u201d"))
    assert isinstance(result, ApiFailure)
    assert result.kind is FailureKind.NOT_SENT
    assert "not plain ASCII" in result.summary
    assert demo_server.state.request_log == [], "nothing reached the server"


# --- profile --------------------------------------------------------------------------


async def test_profile_of_the_superadmin(demo_server: DemoServer) -> None:
    user = await fetch_profile(as_token(demo_server, SUPERADMIN_TOKEN))
    assert isinstance(user, SignedInUser)
    assert user.id == DEMO_USERS[0].id, "from the profile's _id"
    assert user.display_name == "Sam Superadmin <superadmin@demo.tether.test>"
    assert user.organization_id == DEMO_USERS[0].organization_id
    assert user.is_superadmin
    assert user.save_warning is None


async def test_profile_of_an_admin_warns_that_saving_will_be_refused(
    demo_server: DemoServer,
) -> None:
    user = await fetch_profile(as_token(demo_server, ADMIN_TOKEN))
    assert isinstance(user, SignedInUser)
    assert not user.is_superadmin
    assert user.save_warning is not None
    assert "ADMIN" in user.save_warning
    assert "saving will likely be refused" in user.save_warning


async def test_profile_with_a_bad_token(demo_server: DemoServer) -> None:
    result = await fetch_profile(as_token(demo_server, "expired"))
    assert isinstance(result, ApiFailure)
    assert result.status == 401
    assert result.error == "Invalid or expired token"
    assert "sign in again" in result.hint


def test_signed_in_user_accepts_both_id_spellings_and_extra_fields() -> None:
    from_login = SignedInUser.model_validate({"id": "1", "accessRole": "superadmin"})
    from_profile = SignedInUser.model_validate({"_id": "1", "persona": {"x": 1}, "phone": "+1"})
    assert from_login.id == from_profile.id == "1"
    assert from_login.is_superadmin, "the role is compared case-insensitively"
    assert from_profile.model_extra == {"persona": {"x": 1}, "phone": "+1"}
    assert not from_profile.is_superadmin
    assert "unknown" in (from_profile.save_warning or "")
    assert SignedInUser().display_name == "an unnamed account"

"""The demo's accounts: who may sign in, with which published token, in which role.

Shared by the Tether demo server's routes (login, verify-token, profile, the bearer
check on every contract route). Tokens and passwords are published constants: the
demo is not secure and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "ADMIN_TOKEN",
    "DEMO_ORG_ID",
    "DEMO_USERS",
    "SUPERADMIN_TOKEN",
    "DemoUser",
    "user_by_email",
    "user_by_token",
]

SUPERADMIN_TOKEN = "demo-superadmin-token"
ADMIN_TOKEN = "demo-admin-token"

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo account: what login checks, and what login/profile answer."""

    id: str
    email: str
    password: str
    full_name: str
    organization_id: str
    access_role: str
    token: str

    def login_user(self) -> Json:
        """The `user` object of the login answer (`id`, not `_id`, as the reference shows)."""
        return {
            "id": self.id,
            "email": self.email,
            "fullName": self.full_name,
            "organizationId": self.organization_id,
            "accessRole": self.access_role,
        }

    def profile_user(self) -> Json:
        """The `user` object of `/api/user/profile` (Mongo-style `_id`)."""
        return {
            "_id": self.id,
            "fullName": self.full_name,
            "email": self.email,
            "accessRole": self.access_role,
            "organizationId": self.organization_id,
        }


DEMO_ORG_ID = "64f0a1b2c3d4e5f6a7b80001"

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        id="64f0a1b2c3d4e5f6a7b8c001",
        email="superadmin@demo.tether.test",
        password="demo-superadmin-password",
        full_name="Sam Superadmin",
        organization_id=DEMO_ORG_ID,
        access_role="SUPERADMIN",
        token=SUPERADMIN_TOKEN,
    ),
    # An ADMIN, not a superadmin: may read the config but not save it, which is how the
    # contract's "a successful GET does not prove you may POST" case is demonstrated.
    DemoUser(
        id="64f0a1b2c3d4e5f6a7b8c002",
        email="admin@demo.tether.test",
        password="demo-admin-password",
        full_name="Alex Admin",
        organization_id=DEMO_ORG_ID,
        access_role="ADMIN",
        token=ADMIN_TOKEN,
    ),
)
_USERS_BY_TOKEN = {user.token: user for user in DEMO_USERS}
_USERS_BY_EMAIL = {user.email: user for user in DEMO_USERS}


def user_by_token(token: str) -> DemoUser | None:
    return _USERS_BY_TOKEN.get(token)


def user_by_email(email: str) -> DemoUser | None:
    return _USERS_BY_EMAIL.get(email)

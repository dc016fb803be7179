"""The credential-check options, for the app's command line and every subcommand's.

Only the standard library: the parser is built for every invocation, ``--help`` too.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_check_options(
    parser: argparse.ArgumentParser, *, after_command: bool, switch: bool = True
) -> None:
    """``--check/--no-check``, ``--probe-write-permissions`` and the four issuer URLs.

    ``after_command``: on a subcommand, an option not given must not hide the same option
    given before the command (``SUPPRESS``), as for the connection options.
    ``switch``: offer ``--check/--no-check`` (not on ``check``, which always checks).
    """
    default: Any = argparse.SUPPRESS if after_command else None
    group = parser.add_argument_group(
        "credential checks (ElevenLabs and Sinch are contacted from this machine)"
    )
    if switch:
        group.add_argument(
            "--check",
            dest="check_credentials",
            action=argparse.BooleanOptionalAction,
            default=default,
            help="check newly typed credentials with their issuers before a save, and the "
            "post-call webhook after it (default: on; profile key check_credentials)",
        )
    group.add_argument(
        "--probe-write-permissions",
        dest="probe_write_permissions",
        action=argparse.BooleanOptionalAction,
        default=default,
        help="also probe the ElevenLabs key's convai_write and webhooks_write with POSTs "
        "that create nothing (observed, not documented; default: off, on with --demo)",
    )
    for flag, env, what in (
        ("--elevenlabs-url", "TETHER_VOICE_ELEVENLABS_URL", "the ElevenLabs API"),
        ("--sinch-auth-url", "TETHER_VOICE_SINCH_AUTH_URL", "Sinch's OAuth server"),
        ("--sinch-est-url", "TETHER_VOICE_SINCH_EST_URL", "Sinch's EST API"),
        ("--sinch-numbers-url", "TETHER_VOICE_SINCH_NUMBERS_URL", "Sinch's Numbers API"),
    ):
        group.add_argument(flag, metavar="URL", default=default, help=f"{what} (env: {env})")


def check_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The check options as :class:`~tui.settings.Flags` fields (None: not given)."""
    return {
        name: getattr(args, name, None)
        for name in (
            "check_credentials",
            "probe_write_permissions",
            "elevenlabs_url",
            "sinch_auth_url",
            "sinch_est_url",
            "sinch_numbers_url",
        )
    }

"""What ``tether-voice demo-server`` prints when it starts, laid out for 80 columns.

The demo server runs in a terminal of its own, often a split pane: a line the terminal
wraps breaks a copied command in two, and a paragraph that runs past the edge hides
what matters. So every line fits in :data:`WIDTH`; only a single value longer than a
line (none of the demo's is) could run over. Sections come in the order a person needs
them: where Tether is and its tokens, how to start the app against it, who may sign in,
which faults are waiting, then the demo values to type into the form.

The text is built in two steps: :func:`facts` reads what it needs off a started
:class:`~tui.demo.stack.DemoStack` (URLs, the faults not yet used, whether the seeded
numbers are there), and :func:`render` lays that out, so tests can try the layout on
the widest URLs without binding those ports.

Every shell line (``export``, ``tether-voice``, ``curl``) has its values quoted with
``shlex.quote``, which leaves ordinary URLs as they are and quotes the brackets of an
IPv6 host (a glob pattern to the shell); ``curl`` then also gets ``-g``, without which
older versions read the brackets as a range of URLs.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.demo import elevenlabs, sinch, wiring_world
from tui.demo.accounts import DEMO_USERS
from tui.demo.faults import Fault, PendingFault
from tui.demo.loopback import CONTROL_FAULTS_PATH

if TYPE_CHECKING:
    from tui.demo.stack import DemoStack

__all__ = [
    "STAND_INS",
    "WIDTH",
    "BannerFacts",
    "Waiting",
    "banner",
    "facts",
    "render",
    "tether_only",
]

WIDTH = 80
"""The narrowest common terminal; no banner line is longer."""

STAND_INS: tuple[tuple[str, str, str], ...] = (
    ("elevenlabs", "ElevenLabs", "TETHER_VOICE_ELEVENLABS_URL"),
    ("sinch-auth", "Sinch auth", "TETHER_VOICE_SINCH_AUTH_URL"),
    ("sinch-est", "Sinch EST", "TETHER_VOICE_SINCH_EST_URL"),
    ("sinch-numbers", "Sinch Numbers", "TETHER_VOICE_SINCH_NUMBERS_URL"),
)
"""(server name as ``--fault`` spells it, label, the app's environment variable).

The variable names are the ones :mod:`tui.settings` reads, written out here so that
``demo-server`` does not import the app's settings (and pydantic) to start; a test
keeps the two the same."""

TOKEN_ENV = "TETHER_TOKEN"
"""As :mod:`tui.auth.token_source` reads it (a test keeps the two the same)."""

SAMPLE_FAULT = Fault.UNAVAILABLE_HTML
"""The fault the curl example injects."""


@dataclass(frozen=True, slots=True)
class Waiting:
    """A fault injected into one server and not yet used up."""

    server: str
    """As ``--fault SERVER:KIND`` names it."""
    pending: PendingFault


@dataclass(frozen=True, slots=True)
class BannerFacts:
    """Everything the banner says that depends on the running stack."""

    urls: Mapping[str, str]
    """Base URL per server name (``tether`` and the names in :data:`STAND_INS`)."""
    prefixes: Mapping[str, str]
    """Per server name, the paths its faults spoil (the control route never)."""
    faults: tuple[Waiting, ...] = ()
    """Oldest first, per server in the stack's order."""
    seeded: bool = True
    """The seeded numbers are Tether's (not ``--empty``, not ``--hostile``): only then
    are the planted wiring problems there to find."""
    hostile: bool = False


def facts(stack: DemoStack) -> BannerFacts:
    """Read the banner's facts off a started stack (the URLs need the bound ports)."""
    servers = stack.servers
    numbers = stack.tether.state.edit_phone_numbers(
        lambda rows: {row.get("phoneNumber") for row in rows}
    )
    return BannerFacts(
        urls={name: server.url for name, server in servers.items()},
        prefixes={name: server.fault_prefix for name, server in servers.items()},
        faults=tuple(
            Waiting(name, pending)
            for name, server in servers.items()
            for pending in server.pending_faults()
        ),
        seeded=set(wiring_world.PLANTED) <= numbers,
        hostile=stack.hostile,
    )


def banner(stack: DemoStack) -> str:
    """What ``demo-server`` prints: where everything is, and the published demo values."""
    return render(facts(stack))


def render(known: BannerFacts) -> str:
    sections = [
        _tether(known),
        _start(known),
        _accounts(),
        _faults(known),
        _stand_ins(known),
        _elevenlabs_keys(),
        _sinch_values(),
        _wiring() if known.seeded else [],
        _fault_commands(known),
        _hostile() if known.hostile else [],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n\nCtrl+C to stop."


def tether_only(url: str, prefix: str, faults: Sequence[PendingFault], hostile: bool) -> str:
    """What ``demo-server --tether-only`` prints: the sections about Tether alone, laid
    out as :func:`render` does (within :data:`WIDTH`; the stand-ins' lines left out)."""
    known = BannerFacts(
        urls={"tether": url},
        prefixes={"tether": prefix},
        faults=tuple(Waiting("tether", pending) for pending in faults),
        seeded=False,
        hostile=hostile,
    )
    superadmin = next(user for user in DEMO_USERS if user.access_role == "SUPERADMIN")
    start = [
        *_heading(
            "Start the app in another terminal (Tether only: its checks ask the real ElevenLabs and Sinch):"
        ),
        f"  export {TOKEN_ENV}={shlex.quote(superadmin.token)}",
        f"  tether-voice --url {shlex.quote(url)}",
    ]
    sections = [
        _tether(known),
        start,
        _accounts(),
        _faults(known),
        _fault_commands(known, "Faults while it runs:"),
        _hostile() if hostile else [],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n\nCtrl+C to stop."


# --- the sections, most needed first ------------------------------------------------------


def _tether(known: BannerFacts) -> list[str]:
    rows = [
        (f"{user.access_role.lower()} token:", user.token + _reads_only(user.access_role))
        for user in DEMO_USERS
    ]
    return [f"Tether demo server on {known.urls['tether']}", *_table(rows)]


def _start(known: BannerFacts) -> list[str]:
    superadmin = next(user for user in DEMO_USERS if user.access_role == "SUPERADMIN")
    exports = [(TOKEN_ENV, superadmin.token)] + [
        (env, known.urls[name]) for name, _label, env in STAND_INS
    ]
    return [
        *_heading("Start the app in another terminal (its checks ask the stand-ins):"),
        *(f"  export {name}={shlex.quote(value)}" for name, value in exports),
        f"  tether-voice --url {shlex.quote(known.urls['tether'])} --probe-write-permissions",
        *_paragraph(
            f"Without {TOKEN_ENV} (and no token in the OS keyring) the app asks you to "
            "sign in: use an account below; ctrl+l signs in again."
        ),
    ]


def _accounts() -> list[str]:
    rows = [
        (user.email, user.password, user.access_role + _reads_only(user.access_role))
        for user in DEMO_USERS
    ]
    return ["Sign-in accounts (e-mail, password, role):", *_table(rows)]


def _reads_only(role: str) -> str:
    # The demo Tether saves for a SUPERADMIN only (any other role: 401), as the reference.
    return "" if role == "SUPERADMIN" else " (reads only)"


def _faults(known: BannerFacts) -> list[str]:
    if not known.faults:
        return _heading(
            "Faults: none injected (--fault KIND or SERVER:KIND at start, or the curl lines below)."
        )
    rows = [
        (waiting.server, str(waiting.pending.fault), _what(waiting, known.prefixes))
        for waiting in known.faults
    ]
    heading = (
        "Faults injected. Each spoils only the next request shown (to that server, "
        "from any client; several in the order given), then the server answers "
        "normally again."
    )
    return [*_heading(heading), *_table(rows)]


def _what(waiting: Waiting, prefixes: Mapping[str, str]) -> str:
    pending = waiting.pending
    method = f"{pending.method} " if pending.method else ""
    which = (
        f"next {method}{prefixes[waiting.server]} request"
        if pending.remaining == 1
        else f"next {pending.remaining} {method}{prefixes[waiting.server]} requests"
    )
    if pending.fault is Fault.DELAY:
        return f"{which}: wait {pending.delay_seconds:g} s, then answer normally"
    return f"{which}: {pending.fault.summary}"


def _stand_ins(known: BannerFacts) -> list[str]:
    rows = [
        (label, known.urls[name], f"faults spoil {known.prefixes[name]}")
        for name, label, _env in STAND_INS
    ]
    return ["Stand-ins (each with its own fault route):", *_table(rows)]


def _elevenlabs_keys() -> list[str]:
    rows = [(demo.key, demo.about) for demo in elevenlabs.DEMO_KEYS]
    return ["ElevenLabs demo keys:", *_table(rows)]


def _sinch_values() -> list[str]:
    pairs = [
        ("key ID", "secret", ""),
        (sinch.GOOD_KEY_ID, sinch.GOOD_KEY_SECRET, "good"),
        (sinch.GOOD_KEY_ID, "any other", "refused"),
        (sinch.OTHER_KEY_ID, sinch.OTHER_KEY_SECRET, "another project's"),
    ]
    trunks = [
        (sinch.MATCHING_TRUNK_ID, "the form's domain"),
        (sinch.MISMATCHED_TRUNK_ID, sinch.MISMATCHED_TRUNK_DOMAIN),
    ]
    return [
        f"Sinch EST demo values (project {sinch.DEMO_PROJECT_ID}):",
        *_table(pairs),
        *_table([("trunk", trunk, about) for trunk, about in trunks]),
    ]


def _wiring() -> list[str]:
    return [
        "Wiring (doctor, or ctrl+g in the app, with the good keys):",
        *_paragraph(
            "+14165550101 and 103 healthy; 104 a leftover; 105 to 112 one planted "
            f"problem each; {wiring_world.STALE_IMPORT} a stale import"
        ),
        *_paragraph(
            f"a badly wired trunk: sinchEstTrunkId={sinch.MISMATCHED_TRUNK_ID} "
            f"sinchEstTrunkDomain={sinch.MISMATCHED_TRUNK_DOMAIN}"
        ),
    ]


def _fault_commands(
    known: BannerFacts,
    heading: str = "Faults while it runs (the same route on each stand-in's port):",
) -> list[str]:
    url = known.urls["tether"] + CONTROL_FAULTS_PATH
    curl = "curl -g" if "[" in url else "curl"
    target = shlex.quote(url)
    body = shlex.quote(json.dumps({"fault": str(SAMPLE_FAULT)}))
    listing, clearing = f"  {curl} {target}", f"  {curl} -X DELETE {target}"
    column = len(clearing) + 2
    return [
        heading,
        f"  {curl} -X POST {target} \\",
        f"    -d {body}",
        f"{listing.ljust(column)}# list them",
        f"{clearing.ljust(column)}# clear them",
    ]


def _hostile() -> list[str]:
    from tui.demo.hostile import BANNER_NOTE

    # The note is written as one paragraph with its own line breaks; refilled here so
    # it keeps to the banner's width whatever those breaks were.
    return _heading(" ".join(BANNER_NOTE.split()))


# --- layout ---------------------------------------------------------------------------------


def _heading(text: str) -> list[str]:
    """A section's first words, from the left edge, filled to WIDTH."""
    return textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False)


def _paragraph(text: str, indent: int = 2) -> list[str]:
    """``text`` filled to WIDTH, continuation lines two columns further in.

    Words are never broken, at hyphens neither: a key or URL stays whole, to be copied.
    """
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _table(rows: Sequence[Sequence[str]], indent: int = 2) -> list[str]:
    """Columns padded to their widest cell, two spaces apart; the last column is filled
    to WIDTH, its continuation lines starting under it."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    start = indent + sum(width + 2 for width in widths)
    lines: list[str] = []
    for row in rows:
        lead = " " * indent + "".join(
            cell.ljust(width + 2) for cell, width in zip(row, widths, strict=False)
        )
        last = textwrap.wrap(
            row[-1], max(WIDTH - start, 20), break_long_words=False, break_on_hyphens=False
        ) or [""]
        lines.append((lead + last[0]).rstrip())
        lines.extend(" " * start + more for more in last[1:])
    return lines

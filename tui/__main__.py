"""``python -m tui`` is the same as the ``tether-voice`` command."""

from tui.command import main

main()

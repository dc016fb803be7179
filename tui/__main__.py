"""``python -m tui`` is the same as the ``tether-voice`` command."""

from tui.cli import main

raise SystemExit(main())

"""The parts of ``scripts/bench.py``, one job per module.

``bench.py`` is only the command line; it runs from the ``scripts`` folder, which
Python puts on ``sys.path``, so this package imports as ``benchkit``.

- ``terminal``: the pseudo-terminal a program runs in and the watch on its output
- ``programs``: what each measured program shows once ready; the reference sources
- ``records``: the samples a run collects, and the error that drops one run
- ``measure``: the measurements themselves, and the round-robin over programs
- ``interpreters``: the interpreters compared (this one, throwaway venvs)
- ``importtime``: the ``-X importtime`` report of the startup path
- ``numbers``: the numbers table at scale (bytes and time per filter key and cursor move)
- ``largeorg``: a large organization (100,000 numbers): answer size, load time, memory;
  ``largeorg_report`` its tables
- ``wiring``: the wiring checks at scale (1,000 numbers, 400 AI on; loopback and a WAN)
- ``release``: the offline release (tarball installed, pex) beside the installed venv
- ``childrss``: a command's wall time and its own peak RSS, whatever the bench's size
- ``report``: formatting, and the Markdown and JSON renderings
"""

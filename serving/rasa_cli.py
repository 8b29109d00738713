"""Rasa's own command line with this project's server patches installed first.

    python -m serving.rasa_cli run --model models/latest.tar.gz …   (same arguments as `rasa`)

Every Rasa process that serves this project's model starts this way (``make run``, ``make core-test``, the
tests, the transcripts, the benchmarks), so the patches in ``serving.patches`` are installed by one explicit
call rather than as a side effect of importing a module.

Rasa's telemetry is switched off here, whatever the environment says: with it on, Rasa reports usage and sends
every crash, with its traceback, to Rasa's Sentry over the internet, and this service talks to nothing but
loopback at run time (a crash report can hold a borrower's words).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    from serving import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()

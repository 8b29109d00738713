"""Rasa's own command line with this project's server patches installed first.

    python -m serving.rasa_cli run --model models/latest.tar.gz …   (same arguments as `rasa`)

Every Rasa process that serves this project's model starts this way (``make run``, ``make core-test``, the
tests, the transcripts, the benchmarks), so the patches in ``serving.patches`` are installed by one explicit
call rather than as a side effect of importing a module.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from serving import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()

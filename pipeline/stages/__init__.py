"""One entry module per DVC stage, run as `python -m pipeline.stages.<name>`.

Each reads its typed config and input files, calls the domain packages and writes its outputs
atomically. Stages never import each other: they meet only through files.
"""

from __future__ import annotations

import sys

from pipeline.errors import stop_while_starting

if sys.argv[:1] == ["-m"]:  # `python -m pipeline.stages.<name>`, while the stage's module loads
    stop_while_starting()

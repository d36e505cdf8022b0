"""Stage `params`: compose params.yaml from the Hydra config groups in params/.

Under plain `dvc repro` DVC does not compose, so this stage does, with DVC's own composer, so that
both paths give the same bytes. Under `dvc exp run` DVC has already composed params.yaml with the
experiment's overrides (and sets DVC_EXP_NAME for the stages); then this stage leaves it alone.
Either way it writes a stamp with constant content that every other stage depends on, so it runs
first without making anything downstream stale.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import PARAMS_FILE, load_config
from pipeline.errors import ConfigError, run_stage
from pipeline.io import atomic_path, write_text

CONFIG_DIR = Path("params")
CONFIG_NAME = "config"
STAMP_TEXT = "params.yaml is composed from params/ (see pipeline/compose.py)\n"


def compose(
    output: Path, overrides: list[str] | None = None, config_dir: Path = CONFIG_DIR
) -> None:
    """Compose `config_dir` (with Hydra `overrides`) into `output`, as `dvc exp run` does."""
    from dvc.utils.hydra import compose_and_dump
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    with atomic_path(output) as tmp:
        try:
            compose_and_dump(tmp, str(config_dir.resolve()), None, CONFIG_NAME, "", overrides or [])
        except (HydraException, OmegaConfBaseException) as error:
            first_line = str(error).strip().splitlines()[0]
            raise ConfigError(f"cannot compose {config_dir}/: {first_line}") from None


def main() -> None:
    if os.environ.get("DVC_EXP_NAME"):
        print(f"params: {PARAMS_FILE} was composed by `dvc exp run`; leaving it as it is")
    else:
        compose(PARAMS_FILE)
    config = load_config()
    write_text(config.paths.params_stamp, STAMP_TEXT)


if __name__ == "__main__":
    run_stage(main)

"""Stage `track`: one MLflow run per execution of the pipeline (the code is in pipeline/tracking/).

The run, named after the model and the dataset (`random_forest · adult`), logs the composed config
as dotted params (but the file paths of `paths`), every metric `dvc metrics show` prints, the
reports and plots, params.yaml, dvc.lock and the dependency lock file, the fitted model
(scikit-learn flavour, with signature and input example), the train and test splits as dataset
inputs, and tags that lead back to code and data: git commit, dirty flag, dvc.lock digest, dataset
SHA-256 and the DVC experiment.

Secret-named params are masked (`***`) in the params and in the logged params.yaml and dvc.lock;
the store's URI is printed without credentials. A stop (SIGTERM, Ctrl-C) marks the run KILLED:
`run_stage` turns the signal into an interrupt that the run sees.

dvc.lock is logged as it stands when this stage starts: every earlier stage of this execution is
recorded in it; its `track` entry is the previous run's (DVC writes it after this stage succeeds).

Artifacts land inside the project: when the project folder was copied or moved with its mlflow.db,
the store's artifact paths are first made to follow it (pipeline/tracking/relocate.py).
"""

from __future__ import annotations

import time

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.tracking.bounds import MAX_PER_FAMILY
from pipeline.tracking.config import project_root, resolve_target, tracking_config
from pipeline.tracking.contents import collect
from pipeline.tracking.run import log_run
from pipeline.tracking.secrets import redact_uri


def main() -> None:
    start = time.perf_counter()
    config = load_config()
    tracking = tracking_config(config)
    target = resolve_target(tracking, project_root())
    contents, skipped = collect(config, tracking)
    logged = log_run(contents, target)
    if logged.moved_from is not None:
        print(
            f"track: the project was copied or moved from {logged.moved_from}: the store's "
            f"artifact paths now lead into {target.root}"
        )
    note = f"; skipped (null or not a number): {', '.join(skipped)}" if skipped else ""
    if logged.copies:
        copies = "1 copy" if logged.copies == 1 else f"{logged.copies} copies"
        note += f"; {copies} made by retried requests deleted"
    if contents.left_out:
        cut = ", ".join(f"{n} of {name}/*" for name, n in contents.left_out.items())
        note += f"; left out (beyond {MAX_PER_FAMILY} per family, the weakest): {cut}"
    if contents.renamed:
        first, logged_as = next(iter(contents.renamed.items()))
        note += (
            f"; {len(contents.renamed)} keys renamed as MLflow requires (names from the data), "
            f"e.g. {first!r} as {logged_as!r}"
        )
    print(
        f"track: run {logged.run_id} '{contents.name}' in experiment '{target.experiment}' at "
        f"{redact_uri(target.uri)}: {len(contents.params)} params, {len(contents.metrics)} metrics"
        f"{note}; model {logged.model_uri}; {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    run_stage(main)

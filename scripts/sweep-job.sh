#!/usr/bin/env bash
# One point of a sweep, as a SLURM batch job submitted by scripts/sweep.sh, which gives it its own
# folder as the working directory. It clones the project's git remote at the sweep's commit into
# workspace/, runs `dvc exp run --name NAME -S ...` there (the track stage logs to
# MLFLOW_TRACKING_URI, from the environment), and pushes the experiment to the git remote and its
# outputs to the DVC remote. Its exit status goes to ./status; on success workspace/ is removed
# (SWEEP_KEEP=1 keeps it), on failure it stays for a look.
#
#   sweep-job.sh --repo URL --commit SHA --name NAME --dvc-remote NAME --dvc-url URL
#                [--dvc-endpoint URL] -- OVERRIDE...
set -euo pipefail
FOLDER=$PWD
trap 'echo $? >"$FOLDER/status"' EXIT

die() {
  echo "sweep-job: error: $*" >&2
  exit 2
}

ENDPOINT=
while (($#)); do
  case $1 in
    --repo) REPO=$2 ;;
    --commit) COMMIT=$2 ;;
    --name) NAME=$2 ;;
    --dvc-remote) REMOTE=$2 ;;
    --dvc-url) URL=$2 ;;
    --dvc-endpoint) ENDPOINT=$2 ;;
    --) shift && break ;;
    *) die "unknown argument '$1'" ;;
  esac
  shift 2
done
[[ -n ${REPO:-} && -n ${COMMIT:-} && -n ${NAME:-} && -n ${REMOTE:-} && -n ${URL:-} ]] ||
  die "--repo, --commit, --name, --dvc-remote and --dvc-url are required"
[[ -n ${MLFLOW_TRACKING_URI:-} ]] || die "MLFLOW_TRACKING_URI is not set in the job's environment"
command -v dvc >/dev/null || die "dvc is not on PATH (SWEEP_VENV of the submitting shell)"
SETS=()
for override in "$@"; do SETS+=(-S "$override"); done

# what a stage run by DVC would carry over from a shell that submitted from inside one
unset DVC_ROOT DVC_EXP_NAME DVC_EXP_BASELINE_REV
# the CPUs SLURM gave the job, for the numerical libraries' thread pools
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}

echo "sweep-job: job ${SLURM_JOB_ID:-?} on $(hostname): experiment $NAME, commit ${COMMIT:0:7}, $*"
rm -rf workspace
git clone -q --no-checkout "$REPO" workspace
cd workspace
git checkout -q --detach "$COMMIT"
# the experiment's commit needs an author where the user has none configured
git config user.name >/dev/null || git config user.name "sweep job ${SLURM_JOB_ID:-}"
git config user.email >/dev/null || git config user.email "sweep@localhost"
dvc remote modify --local "$REMOTE" url "$URL"
[[ -z $ENDPOINT ]] || dvc remote modify --local "$REMOTE" endpointurl "$ENDPOINT"

dvc exp run --name "$NAME" "${SETS[@]}"
# the git reference to the git remote (the one cloned), the outputs to the DVC remote
dvc exp push --remote "$REMOTE" origin "$NAME"

cd "$FOLDER"
[[ ${SWEEP_KEEP:-} == 1 ]] || rm -rf workspace
echo "sweep-job: experiment $NAME pushed"

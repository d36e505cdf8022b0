#!/usr/bin/env bash
# A parameter sweep as SLURM jobs, one per point, each a `dvc exp run` in a workspace of its own.
#
#   scripts/sweep.sh [--wait] [--name NAME] [--git-remote origin] [--dvc-remote NAME] [--cpus 1]
#                    -S OVERRIDE [-S OVERRIDE ...]
#
# The points are those of `dvc exp run --queue -S ...` (Hydra's sweep syntax): an override with a
# comma list (`model=knn,svm`, `seed=range(1,4)`) is one axis of the grid, the others hold for
# every point; `-S 'model=logistic_regression,knn' -S seed=1,2` makes four points.
# Each job (scripts/sweep-job.sh): clones the project's git remote at this commit into its folder
# (SWEEP_DIR, default .sweeps/, then <name>/<point>/), runs `dvc exp run --name <name>-<point>`
# with the point's overrides, logging to the tracking server in MLFLOW_TRACKING_URI, then
# `dvc exp push`es the experiment to the git remote and its outputs to the DVC remote, so that
# `dvc exp pull <git remote>` brings the sweep into any clone and its runs meet in MLflow.
#
# The environment, never the repository, holds where results go and the credentials:
# MLFLOW_TRACKING_URI (required: an http(s) server), MLFLOW_TRACKING_USERNAME/PASSWORD, AWS_* for
# an S3 DVC remote; sbatch hands the whole environment to the jobs. SLURM_CONF picks the cluster
# (default: the local one of scripts/cluster.sh when CLUSTER_DIR, .cluster/, has a slurm.conf,
# else the machine's); SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT ... reach sbatch.
# SWEEP_VENV (default .venv) is the Python environment the jobs use; SWEEP_POLL (3) the seconds
# between two looks at the queue under --wait.
# Prints one line per job (its id, experiment, overrides and log); with --wait it waits until
# every job has ended and exits 1 naming the log of each job that failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${SWEEP_VENV:-$ROOT/.venv}
SWEEP_DIR=${SWEEP_DIR:-$ROOT/.sweeps}
POLL=${SWEEP_POLL:-3}
JOB_SCRIPT=$ROOT/scripts/sweep-job.sh

die() {
  echo "sweep: error: $*" >&2
  exit 1
}

say() { echo "sweep: $*"; }

usage="usage: scripts/sweep.sh [--wait] [--name NAME] [--git-remote NAME] [--dvc-remote NAME] [--cpus N] -S OVERRIDE [-S OVERRIDE ...]"

WAIT=false
NAME=
GIT_REMOTE=origin
DVC_REMOTE=
CPUS=1
OVERRIDES=()
while (($#)); do
  case $1 in
    -S | --set-param)
      (($# >= 2)) || die "$1 needs an override (key=value); $usage"
      OVERRIDES+=("$2")
      shift 2
      ;;
    -S?*) OVERRIDES+=("${1#-S}") && shift ;;
    --set-param=*) OVERRIDES+=("${1#--set-param=}") && shift ;;
    --wait) WAIT=true && shift ;;
    --name | --git-remote | --dvc-remote | --cpus)
      (($# >= 2)) || die "$1 needs a value; $usage"
      case $1 in
        --name) NAME=$2 ;;
        --git-remote) GIT_REMOTE=$2 ;;
        --dvc-remote) DVC_REMOTE=$2 ;;
        --cpus) CPUS=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" && exit 0 ;;
    *) die "unknown argument '$1'; $usage" ;;
  esac
done
((${#OVERRIDES[@]} > 0)) || die "no -S override: nothing to sweep; $usage"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "--cpus takes a number of CPUs per job, not '$CPUS'"

# --- where the jobs get their code, environment and cluster, and where results go

[[ -x $VENV/bin/dvc && -x $VENV/bin/python ]] ||
  die "no Python environment with dvc at $VENV; run \`make install\` or set SWEEP_VENV to the one the jobs should use"
export PATH=$VENV/bin:$PATH

case ${MLFLOW_TRACKING_URI:-} in
  http://* | https://*) ;;
  "") die "MLFLOW_TRACKING_URI is not set: the jobs log to a tracking server; set it (for the team services of this machine: . .services/env)" ;;
  *) die "MLFLOW_TRACKING_URI is '$MLFLOW_TRACKING_URI', not a tracking server (http:// or https://): the jobs of a sweep log to one server" ;;
esac

command -v sbatch >/dev/null ||
  die "sbatch not found: run this on a SLURM cluster's login node, or install and start the local one (make cluster-start)"
if [[ -z ${SLURM_CONF:-} && -s ${CLUSTER_DIR:-$ROOT/.cluster}/slurm.conf ]]; then
  export SLURM_CONF=${CLUSTER_DIR:-$ROOT/.cluster}/slurm.conf
fi
sinfo -h -o %P >/dev/null 2>&1 ||
  die "no SLURM controller answers${SLURM_CONF:+ (SLURM_CONF=$SLURM_CONF)}; start the local cluster with \`make cluster-start\` or set SLURM_CONF"

cd "$ROOT"
COMMIT=$(git rev-parse HEAD)
REPO=$(git remote get-url "$GIT_REMOTE" 2>/dev/null) ||
  die "no git remote '$GIT_REMOTE' (the team's repository the jobs clone and push to): add it with \`git remote add $GIT_REMOTE URL\`, or name another with --git-remote"
if [[ $REPO != *:* && $REPO != /* ]]; then
  REPO=$(cd "$ROOT" && realpath -m "$REPO")  # a relative path means the same from every job
fi
git fetch -q "$GIT_REMOTE" || die "cannot fetch from the git remote '$GIT_REMOTE' ($REPO)"
git branch -r --contains "$COMMIT" 2>/dev/null | grep -q "^ *$GIT_REMOTE/" ||
  die "commit ${COMMIT:0:7} is not on the git remote '$GIT_REMOTE': the jobs clone it from there; push it first (git push $GIT_REMOTE HEAD)"
if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
  say "note: uncommitted changes are not part of the sweep, which runs commit ${COMMIT:0:7}"
fi

DVC_REMOTE=${DVC_REMOTE:-$(dvc config core.remote 2>/dev/null || true)}
[[ -n $DVC_REMOTE ]] || die "no default DVC remote; name the one for the outputs with --dvc-remote"
DVC_URL=$(dvc config "remote.$DVC_REMOTE.url" 2>/dev/null || true)
[[ -n $DVC_URL ]] || die "no DVC remote '$DVC_REMOTE' (\`dvc remote list\` shows them); name another with --dvc-remote"
DVC_ENDPOINT=$(dvc config "remote.$DVC_REMOTE.endpointurl" 2>/dev/null || true)

# --- the points, as `dvc exp run --queue -S` makes them (one shell-quoted line each)

points=$(python - "${OVERRIDES[@]}" <<'EOF'
import shlex
import sys

from dvc.utils.hydra import get_hydra_sweeps

try:
    points = get_hydra_sweeps({"params.yaml": sys.argv[1:]})
except Exception as error:  # Hydra's grammar errors, DVC's refusal of glob sweeps
    raise SystemExit(f"sweep: error: {type(error).__name__}: {error}") from None
for point in points:
    print(shlex.join(point["params.yaml"]))
EOF
) || exit 1
mapfile -t POINTS <<<"$points"
((${#POINTS[@]} > 0)) || die "the overrides make no point"

NAME=${NAME:-sweep-$(date -u +%Y%m%d-%H%M%S)}
git check-ref-format "refs/exps/$NAME-${#POINTS[@]}" ||
  die "'$NAME' cannot name an experiment (a git reference); choose another with --name"
[[ ! -e $SWEEP_DIR/$NAME ]] || die "$SWEEP_DIR/$NAME exists: a sweep of that name ran here; choose another --name"
mkdir -p "$SWEEP_DIR/$NAME"
say "${#POINTS[@]} job(s) for commit ${COMMIT:0:7}, experiments $NAME-1..${#POINTS[@]}, outputs to the DVC remote '$DVC_REMOTE', runs to $MLFLOW_TRACKING_URI"

# --- one job per point

IDS=()
for i in "${!POINTS[@]}"; do
  n=$((i + 1))
  exp=$NAME-$n
  folder=$SWEEP_DIR/$NAME/$n
  mkdir -p "$folder"
  point=()
  eval "point=(${POINTS[i]})"  # shlex.join quoted each override
  echo "${POINTS[i]}" >"$folder/overrides"
  id=$(sbatch --parsable --job-name="$exp" --chdir="$folder" --output="$folder/job.log" \
    --cpus-per-task="$CPUS" --ntasks=1 --export=ALL "$JOB_SCRIPT" --repo "$REPO" \
    --commit "$COMMIT" --name "$exp" --dvc-remote "$DVC_REMOTE" --dvc-url "$DVC_URL" \
    ${DVC_ENDPOINT:+--dvc-endpoint "$DVC_ENDPOINT"} -- "${point[@]}") ||
    die "sbatch refused the job of $exp (submitted before it: ${IDS[*]:-none})"
  id=${id%%;*}
  IDS+=("$id")
  printf '%s %s %s\n' "$id" "$exp" "$folder" >>"$SWEEP_DIR/$NAME/jobs"
  say "job $id: $exp: ${POINTS[i]} (log $folder/job.log)"
done

$WAIT || {
  say "submitted; \`squeue -u $(id -un)\` shows them; each writes its exit status to <folder>/status"
  exit 0
}

# --- --wait: until none of the jobs is in the queue, then each one's status

trap 'echo "sweep: stopped waiting; the jobs go on (scancel ${IDS[*]} cancels them)" >&2; exit 130' INT TERM
declare -A queued
answered=$SECONDS
while :; do
  queued=()
  if listed=$(squeue -h -u "$(id -un)" -o %A 2>/dev/null); then
    answered=$SECONDS
    for id in $listed; do queued[$id]=1; done
    left=0
    for id in "${IDS[@]}"; do [[ -n ${queued[$id]:-} ]] && left=$((left + 1)); done
    ((left == 0)) && break
  elif ((SECONDS - answered > 300)); then
    die "squeue has not answered for 5 min; the jobs (${IDS[*]}) may still run: look with squeue, or at $SWEEP_DIR/$NAME/*/status"
  fi
  sleep "$POLL"
done

failed=0
while read -r id exp folder; do
  status=$(cat "$folder/status" 2>/dev/null || true)
  if [[ $status == 0 ]]; then
    say "job $id: $exp: done"
  elif [[ -n $status ]]; then
    echo "sweep: error: job $id ($exp) failed with exit status $status; see $folder/job.log" >&2
    failed=$((failed + 1))
  else
    echo "sweep: error: job $id ($exp) ended without an exit status (cancelled, out of time, or it could not start); see $folder/job.log and \`scontrol show job $id\`" >&2
    failed=$((failed + 1))
  fi
done <"$SWEEP_DIR/$NAME/jobs"
((failed == 0)) || exit 1
say "all ${#IDS[@]} done: \`dvc exp pull $GIT_REMOTE\` then \`dvc exp show\` in any clone; runs on $MLFLOW_TRACKING_URI"

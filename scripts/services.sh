#!/usr/bin/env bash
# Team services on this machine, bound to 127.0.0.1 only: PostgreSQL (the MLflow server's backend
# store), SeaweedFS (an S3 store for the artifacts) and an MLflow tracking server over both.
#
#   scripts/services.sh start|stop|status      (stop mlflow: only the server; start starts it again)
#
# Every file they keep is under SERVICES_DIR (default: .services/ in the project, ignored by git):
# the database cluster (pg/), SeaweedFS's volumes (weed/), the S3 credentials generated at the first
# start (credentials, s3.json), one log and one .pid file (its process group) per service, and
# `env`, the variables that lead a client to the server (`. .services/env`).
# Ports: PG_PORT (5433), S3_PORT (8333), MLFLOW_PORT (5001) and SeaweedFS's inner ones,
# WEED_MASTER_PORT (9333), WEED_VOLUME_PORT (8080), WEED_FILER_PORT (8888), each with a gRPC port
# 10000 above it. START_TIMEOUT (60) and STOP_TIMEOUT (30) are in seconds.
set -euo pipefail
umask 077  # logs and credentials are the owner's; PostgreSQL's folders are given to its user

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${SERVICES_DIR:-$ROOT/.services}
VENV=${SERVICES_VENV:-$ROOT/.venv}
HOST=127.0.0.1
PG_PORT=${PG_PORT:-5433}
S3_PORT=${S3_PORT:-8333}
MLFLOW_PORT=${MLFLOW_PORT:-5001}
WEED_MASTER_PORT=${WEED_MASTER_PORT:-9333}
WEED_VOLUME_PORT=${WEED_VOLUME_PORT:-8080}
WEED_FILER_PORT=${WEED_FILER_PORT:-8888}
MLFLOW_WORKERS=${MLFLOW_WORKERS:-2}
START_TIMEOUT=${START_TIMEOUT:-60}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
SERVICES=(postgres weed mlflow)  # in starting order; stopped the other way round
BUCKET=mlflow  # MLflow's artifacts
DVC_BUCKET=dvc  # the DVC remote `team` (.dvc/config: s3://dvc/pipeline)
DATABASE=mlflow
DB_USER=mlflow
PREFIX=services
TAG="PIPELINE_SERVICES_DIR=$DIR"  # carried by every process started here (scripts/daemons.sh)
PORT_VARS="PG_PORT, S3_PORT, MLFLOW_PORT, WEED_*_PORT; a gRPC port is 10000 above its HTTP port"
# shellcheck source=scripts/daemons.sh
. "$ROOT/scripts/daemons.sh"

# PostgreSQL gets INT: TERM is its "smart" shutdown, which waits for every client to disconnect;
# INT is the fast one (clients cut off, a clean checkpoint). Its server processes are in process
# groups of their own and end with their postmaster.
stop_signal() { if [[ $1 == postgres ]]; then echo INT; else echo TERM; fi; }

# SeaweedFS leaves its gRPC unix sockets behind.
after_stop() {
  if [[ $1 == weed ]]; then
    local -a leftovers
    mapfile -t leftovers < <(weed_grpc_sockets)
    rm -f "${leftovers[@]}"
  fi
}

# --- ports and addresses

# The status line of an HTTP answer from 127.0.0.1:$1$2 (empty when nothing answers).
http_status() {
  local line=
  {
    exec 3<>"/dev/tcp/$HOST/$1" &&
      printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$2" "$HOST" "$1" >&3 &&
      IFS= read -r -t 5 line <&3
  } 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  echo "${line%$'\r'}"
}

# The ports a service listens on (recorded at its start, else those of this environment).
ports_of() {
  if [[ -s $DIR/$1.ports ]]; then
    cat "$DIR/$1.ports"
    return
  fi
  case $1 in
    postgres) echo "$PG_PORT" ;;
    weed) echo "$S3_PORT $WEED_MASTER_PORT $WEED_VOLUME_PORT $WEED_FILER_PORT" \
      "$((S3_PORT + 10000)) $((WEED_MASTER_PORT + 10000)) $((WEED_VOLUME_PORT + 10000))" \
      "$((WEED_FILER_PORT + 10000))" ;;
    mlflow) echo "$MLFLOW_PORT" ;;
  esac
}

url_of() {
  local ports
  read -r -a ports <<<"$(ports_of "$1")"
  case $1 in
    postgres) echo "postgresql://$DB_USER@$HOST:${ports[0]}/$DATABASE" ;;
    weed) echo "http://$HOST:${ports[0]} (S3, buckets $BUCKET and $DVC_BUCKET)" ;;
    mlflow) echo "http://$HOST:${ports[0]}" ;;
  esac
}

# --- PostgreSQL: Debian's binaries, an own cluster in $DIR/pg

pg_bin() {
  local found
  found=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | grep -v '\*' | sort -V | tail -n 1)
  [[ -n $found && -x $found ]] || return 1
  dirname "$found"
}

install_postgres() {
  local sudo=
  command -v apt-get >/dev/null ||
    die "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin) and apt-get is not available to install Debian's postgresql"
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null ||
      die "PostgreSQL is not installed and installing it with apt-get needs root or sudo; run: apt-get install postgresql"
    sudo=sudo
  fi
  say "installing Debian's postgresql with apt-get (log: $DIR/apt.log)"
  {
    $sudo apt-get update -qq &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  } >"$DIR/apt.log" 2>&1 || die "apt-get install postgresql failed; see $DIR/apt.log"
}

# Run a PostgreSQL program as an unprivileged user: as root, initdb and postgres refuse to run.
as_pg() {
  if [[ -n $PG_USER ]]; then
    (cd / && runuser -u "$PG_USER" -- "$@" 9>&-)
  else
    "$@" 9>&-
  fi
}

start_postgres() {
  local bin data=$DIR/pg socket=$DIR/pg-socket
  bin=$(pg_bin) || {
    install_postgres
    bin=$(pg_bin) || die "apt-get installed postgresql, yet no /usr/lib/postgresql/<version>/bin/initdb exists"
  }
  PG_USER=
  if [[ $(id -u) == 0 ]]; then
    PG_USER=postgres
    id -u postgres >/dev/null 2>&1 || PG_USER=nobody
    command -v runuser >/dev/null || die "running as root, and runuser (util-linux) is missing to run PostgreSQL as $PG_USER"
  fi
  local sockets=$socket/.s.PGSQL.$PG_PORT
  ((${#sockets} < 108)) || die "postgres: the socket path $sockets is longer than 107 characters; set SERVICES_DIR to a shorter folder"
  mkdir -p "$data" "$socket"
  chmod 700 "$data" "$socket"
  : >>"$DIR/postgres.log"
  if [[ -n $PG_USER ]]; then
    chown "$PG_USER" "$data" "$socket" "$DIR/postgres.log"
    as_pg test -w "$data" ||
      die "postgres: user $PG_USER cannot reach $data; make its parent folders searchable (chmod o+x) or set SERVICES_DIR"
  fi
  if [[ ! -s $data/PG_VERSION ]]; then
    as_pg "$bin/initdb" -D "$data" -U "$DB_USER" -A trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 ||
      die "postgres: initdb failed; see $DIR/initdb.log"
    # trust, but only on this machine's loopback address and through the socket in $socket (0700)
    printf '%s\n' "# written by scripts/services.sh" "local all all trust" \
      "host all all $HOST/32 trust" >"$data/pg_hba.conf"
  fi
  echo "$PG_PORT" >"$DIR/postgres.ports"
  # pg_ctl starts the server in a new session of its own (setsid), so it is a process group
  as_pg env "$TAG" "$bin/pg_ctl" start -D "$data" -l "$DIR/postgres.log" -w \
    -t "$START_TIMEOUT" -s \
    -o "-c listen_addresses=$HOST -c port=$PG_PORT -c unix_socket_directories='$socket'" ||
    die "postgres did not start; see $DIR/postgres.log"
  local pid
  read -r pid <"$data/postmaster.pid"
  ps -o pgid= -p "$pid" | tr -d ' ' >"$(pidfile postgres)"
  await postgres "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT" -d postgres -U "$DB_USER"
  if [[ -z $("$bin/psql" -h "$HOST" -p "$PG_PORT" -U "$DB_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DATABASE'") ]]; then
    "$bin/createdb" -h "$HOST" -p "$PG_PORT" -U "$DB_USER" "$DATABASE" ||
      die "postgres: cannot create database $DATABASE; see $DIR/postgres.log"
  fi
}

# --- SeaweedFS: `weed server` with an S3 gateway, credentials generated at the first start

credentials() {
  local file=$DIR/credentials
  if [[ ! -s $file ]]; then
    "$VENV/bin/python" - >"$file.tmp" <<'EOF'
import secrets
import string

letters = string.ascii_uppercase + string.digits
print("AWS_ACCESS_KEY_ID=" + "".join(secrets.choice(letters) for _ in range(20)))
print("AWS_SECRET_ACCESS_KEY=" + secrets.token_urlsafe(30))
EOF
    mv "$file.tmp" "$file"
  fi
  # shellcheck source=/dev/null
  . "$file"
  printf '{"identities": [{"name": "mlflow", "credentials": [{"accessKey": "%s", "secretKey": "%s"}], "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}\n' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$DIR/s3.json"
}

# The unix sockets SeaweedFS makes beside its gRPC ports, in /tmp whatever it is told.
weed_grpc_sockets() {
  local -a ports
  read -r -a ports <<<"$(ports_of weed)"
  printf '/tmp/seaweedfs-%s-grpc-%s.sock\n' s3 "${ports[4]}" master "${ports[5]}" \
    volume "${ports[6]}" filer "${ports[7]}"
}

start_weed() {
  [[ -x $VENV/bin/weed ]] || die "weed: $VENV/bin/weed is missing; run \`make install\` (the team dependency group)"
  mkdir -p "$DIR/weed"
  echo "$S3_PORT $WEED_MASTER_PORT $WEED_VOLUME_PORT $WEED_FILER_PORT" \
    "$((S3_PORT + 10000)) $((WEED_MASTER_PORT + 10000)) $((WEED_VOLUME_PORT + 10000))" \
    "$((WEED_FILER_PORT + 10000))" >"$DIR/weed.ports"
  # without AWS_* variables, which SeaweedFS would take for one more admin identity
  launch weed env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    "$VENV/bin/weed" -logtostderr server -ip="$HOST" -ip.bind="$HOST" -dir="$DIR/weed" \
    -master.port="$WEED_MASTER_PORT" -volume.port="$WEED_VOLUME_PORT" \
    -filer.port="$WEED_FILER_PORT" -filer.localSocket="$DIR/weed-filer.sock" \
    -s3 -s3.port="$S3_PORT" -s3.config="$DIR/s3.json" -s3.localSocket="$DIR/weed-s3.sock" \
    -s3.iam=false -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false \
    -volume.preStopSeconds=0 -master.electionTimeout=1s
  await weed s3_answers
  MLFLOW_S3_ENDPOINT_URL="http://$HOST:$S3_PORT" AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \
    AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY bucket ||
    die "weed: cannot create the buckets $BUCKET and $DVC_BUCKET; see $DIR/weed.log"
}

s3_answers() { [[ $(http_status "$S3_PORT" /) == HTTP/* ]]; }

# Create the buckets (SeaweedFS answers before its filer is ready: try until START_TIMEOUT).
bucket() {
  TIMEOUT=$START_TIMEOUT BUCKETS="$BUCKET $DVC_BUCKET" "$VENV/bin/python" - <<'EOF'
import os
import time

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

s3 = boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"], region_name="us-east-1")
deadline = time.monotonic() + float(os.environ["TIMEOUT"])
while True:
    try:
        names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
        for name in os.environ["BUCKETS"].split():
            if name not in names:
                s3.create_bucket(Bucket=name)
        break
    except (ClientError, EndpointConnectionError) as error:
        if time.monotonic() > deadline:
            raise SystemExit(f"services: error: S3: {error}") from None
        time.sleep(0.3)
EOF
}

# --- MLflow tracking server over both

start_mlflow() {
  [[ -x $VENV/bin/mlflow ]] || die "mlflow: $VENV/bin/mlflow is missing; run \`make install\`"
  local pg_port s3_port
  read -r pg_port _ <<<"$(ports_of postgres)"
  read -r s3_port _ <<<"$(ports_of weed)"
  echo "$MLFLOW_PORT" >"$DIR/mlflow.ports"
  MLFLOW_S3_ENDPOINT_URL="http://$HOST:$s3_port" MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
    launch mlflow "$VENV/bin/mlflow" server --host "$HOST" --port "$MLFLOW_PORT" \
    --workers "$MLFLOW_WORKERS" \
    --backend-store-uri "postgresql+psycopg2://$DB_USER@$HOST:$pg_port/$DATABASE" \
    --artifacts-destination "s3://$BUCKET/"
  await mlflow mlflow_answers
}

mlflow_answers() { [[ $(http_status "$MLFLOW_PORT" /health) == "HTTP/"*" 200"* ]]; }

# --- the commands

write_env() {
  local mlflow_port s3_port
  read -r mlflow_port _ <<<"$(ports_of mlflow)"
  read -r s3_port _ <<<"$(ports_of weed)"
  {
    echo "# written by scripts/services.sh start: . $DIR/env"
    echo "export MLFLOW_TRACKING_URI=http://$HOST:$mlflow_port"
    echo "export MLFLOW_S3_ENDPOINT_URL=http://$HOST:$s3_port"
    echo "export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID"
    echo "export AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"
  } >"$DIR/env"
}

start() {
  local began=$SECONDS
  credentials
  start_each url_of "${SERVICES[@]}"
  write_env
  say "ready in $((SECONDS - began)) s; to use the server, run these (or: . $DIR/env):"
  grep '^export ' "$DIR/env"
}

# stop: every service; stop NAME...: those only (`stop mlflow` then `start` restarts the server)
stop() {
  if (($#)); then
    stop_groups "$@"
    return
  fi
  stop_groups mlflow  # the client of the other two first
  stop_groups weed postgres
}

status() {
  local name pgid
  for name in "${SERVICES[@]}"; do
    if pgid=$(running_pgid "$name"); then
      printf '%-8s running  %s (process group %s)\n' "$name" "$(url_of "$name")" "$pgid"
    else
      printf '%-8s stopped  %s\n' "$name" "$(url_of "$name")"
    fi
  done
}

main() {
  local usage="usage: scripts/services.sh start|status|stop [postgres|weed|mlflow ...]"
  (($#)) || die "$usage"
  case $1 in
    start | status) (($# == 1)) || die "$usage (not '$*')" ;;
    stop) ;;
    *) die "$usage (not '$1')" ;;
  esac
  local name
  for name in "${@:2}"; do
    [[ " ${SERVICES[*]} " == *" $name "* ]] || die "no service '$name': $usage"
  done
  if [[ $1 == status ]]; then
    status
    return
  fi
  mkdir -p "$DIR"
  chmod 755 "$DIR"  # PostgreSQL's user must reach pg/ inside it; the secrets are 0600
  exec 9>"$DIR/.lock"  # one start or stop at a time (closed in every service started)
  flock -w 300 9 || die "another scripts/services.sh start or stop still runs on $DIR"
  "$@"
}

main "$@"

#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, bound to 127.0.0.1 only: munged (MUNGE, the
# cluster's authentication, with its own key and socket), slurmctld (the controller) and slurmd
# (the one compute node, `localhost`, with this machine's CPUs and memory). It stands in for a
# university cluster: scripts/sweep.sh submits to it as to any other.
#
#   scripts/cluster.sh start|stop|status
#
# Every file it keeps is under CLUSTER_DIR (default: .cluster/ in the project, ignored by git):
# slurm.conf (written at each start), the MUNGE key made at the first start and its socket
# (munge/), the controller's state (state/), the node's spool (spool/), one log and one .pid file
# (its process group) per daemon, steps.log (the log of slurmd and of the job steps' slurmstepd,
# which says why a job could not start), and `env`, the variable that leads the SLURM commands to
# this cluster (`. .cluster/env`: SLURM_CONF).
# Ports: SLURMCTLD_PORT (6827) and SLURMD_PORT (6828), not SLURM's 6817 and 6818, so that a
# system's own SLURM is left alone. START_TIMEOUT (60) and STOP_TIMEOUT (30) are in seconds.
#
# Loopback only: SLURM's daemons listen on every address by default; with
# CommunicationParameters=NoCtldInAddrAny,NoInAddrAny they listen on the address their host name
# resolves to. slurmctld and slurmd each run in a UTS namespace of their own (`unshare --uts`)
# whose host name is `localhost`, so that address is 127.0.0.1 whatever this machine's name
# resolves to; their network is the machine's, so jobs reach the services on 127.0.0.1.
# This needs root (as slurmd does to start other users' jobs): run it as root or with sudo.
set -euo pipefail
umask 022  # slurm.conf and the MUNGE socket's folder are read by every client; secrets are 0600

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${CLUSTER_DIR:-$ROOT/.cluster}
HOST=127.0.0.1
NODE=localhost  # the node's name and the daemons' host name: it resolves to $HOST
SLURMCTLD_PORT=${SLURMCTLD_PORT:-6827}
SLURMD_PORT=${SLURMD_PORT:-6828}
START_TIMEOUT=${START_TIMEOUT:-60}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
DAEMONS=(munged slurmctld slurmd)  # in starting order; stopped the other way round
CONF=$DIR/slurm.conf
SOCKET=$DIR/munge/munge.socket
PREFIX=cluster
TAG="PIPELINE_CLUSTER_DIR=$DIR"  # carried by every daemon started here (scripts/daemons.sh)
PORT_VARS="SLURMCTLD_PORT, SLURMD_PORT"
export SLURM_CONF=$CONF
# shellcheck source=scripts/daemons.sh
. "$ROOT/scripts/daemons.sh"

# --- ports and addresses

# The ports a daemon listens on (recorded at its start, else those of this environment).
ports_of() {
  if [[ -s $DIR/$1.ports ]]; then
    cat "$DIR/$1.ports"
    return
  fi
  case $1 in
    slurmctld) echo "$SLURMCTLD_PORT" ;;
    slurmd) echo "$SLURMD_PORT" ;;
    munged) ;;  # a unix socket only
  esac
}

# A command's prefix: run it in a UTS namespace of its own whose host name is $NODE (see the head
# of this file).
# shellcheck disable=SC2016  # $0 and $@ are the inner shell's
AS_NODE=(unshare --uts sh -c 'hostname "$0" && exec "$@"' "$NODE")

address_of() {
  local ports
  read -r -a ports <<<"$(ports_of "$1")"
  case $1 in
    munged) echo "socket $SOCKET" ;;
    *) echo "$HOST:${ports[0]}" ;;
  esac
}

# --- what the cluster needs

check_machine() {
  local program missing=()
  for program in munged mungekey munge slurmctld slurmd scontrol sinfo squeue scancel; do
    command -v "$program" >/dev/null || missing+=("$program")
  done
  ((${#missing[@]} == 0)) ||
    die "${missing[*]} not found: install Debian's slurm-wlm and munge with \`make cluster\` (apt-get install slurm-wlm munge)"
  [[ $(id -u) == 0 ]] ||
    die "the cluster's daemons run as root (slurmd starts the jobs; each daemon gets a host name of its own to bind to $HOST): run \`sudo scripts/cluster.sh start\`"
  unshare --uts true 2>/dev/null ||
    die "cannot make a UTS namespace (unshare --uts), which keeps SLURM on $HOST; a container needs CAP_SYS_ADMIN for it"
  local resolved
  resolved=$(getent ahostsv4 "$NODE" | awk 'NR == 1 {print $1}')
  [[ $resolved == 127.* ]] ||
    die "the name $NODE resolves to '${resolved:-nothing}', not a loopback address; add '127.0.0.1 localhost' to /etc/hosts"
  ((${#SOCKET} < 108)) || die "munged: the socket path $SOCKET is longer than 107 characters; set CLUSTER_DIR to a shorter folder"
}

# slurm.conf for one node with this machine's CPUs and memory (as `slurmd -C` finds them), no
# cgroups (processes tracked by their parents, tasks not bound), root as SLURM's user.
write_conf() {
  local node
  node=$(slurmd -C 2>/dev/null | awk '/^NodeName=/ {$1 = ""; print substr($0, 2)}')
  [[ $node == *CPUs=* ]] || die "slurmd -C cannot read this machine's CPUs and memory"
  cat >"$CONF.tmp" <<EOF
# written by scripts/cluster.sh start; read by the daemons and, through SLURM_CONF, the commands
ClusterName=pipeline
SlurmctldHost=$NODE($HOST)
SlurmctldPort=$SLURMCTLD_PORT
SlurmdPort=$SLURMD_PORT
# listen on the address of the host name ($NODE, in each daemon's UTS namespace), not on every one
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/state/slurmctld.pid
SlurmdPidFile=$DIR/spool/slurmd.pid
# slurmd's log with times; the job steps' slurmstepd write here too (why a job could not start)
SlurmdLogFile=$DIR/steps.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=5
MinJobAge=600
NodeName=$NODE NodeAddr=$HOST $node State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 644 "$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
}

# --- the daemons

start_munged() {
  mkdir -p "$DIR/munge"
  chmod 755 "$DIR/munge"  # munged wants its socket's folder searchable by every client
  if [[ ! -s $DIR/munge/munge.key ]]; then
    mungekey --create --keyfile="$DIR/munge/munge.key" 2>"$DIR/munged.log" ||
      die "munged: mungekey could not make a key; see $DIR/munged.log"
  fi
  launch munged munged --foreground --socket="$SOCKET" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munge/munged.pid" --seed-file="$DIR/munge/munged.seed"
  await munged munge_answers
}

munge_answers() { munge --no-input --socket="$SOCKET" >/dev/null 2>&1; }

start_slurmctld() {
  echo "$SLURMCTLD_PORT" >"$DIR/slurmctld.ports"
  launch slurmctld "${AS_NODE[@]}" slurmctld -D -f "$CONF"
  await slurmctld slurmctld_answers
}

slurmctld_answers() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

start_slurmd() {
  echo "$SLURMD_PORT" >"$DIR/slurmd.ports"
  launch slurmd "${AS_NODE[@]}" slurmd -D -f "$CONF"
  await slurmd node_up
}

# The node is registered and takes jobs (idle, or running some left from before).
node_up() {
  local state
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null) || return 1
  [[ $state =~ ^(idle|mixed|allocated|completing)$ ]]
}

# --- the commands

write_env() {
  {
    echo "# written by scripts/cluster.sh start: . $DIR/env"
    echo "export SLURM_CONF=$CONF"
  } >"$DIR/env"
}

start() {
  local began=$SECONDS
  check_machine
  mkdir -p "$DIR/state" "$DIR/spool"
  chmod 700 "$DIR/state" "$DIR/spool"
  # a new slurm.conf (ports, this machine's CPUs) only while no SLURM daemon reads the old one
  if ! running_pgid slurmctld >/dev/null && ! running_pgid slurmd >/dev/null; then
    rm -f "$DIR/slurmctld.ports" "$DIR/slurmd.ports"
    write_conf
  fi
  start_each address_of "${DAEMONS[@]}"
  write_env
  say "ready in $((SECONDS - began)) s: $(sinfo -h -o '%D node, %c CPUs, partition %P (%a)' | tr -d '*'); to use it, run this (or: . $DIR/env):"
  grep '^export ' "$DIR/env"
}

# Cancel every job of this cluster and wait until they and their slurmstepd have ended.
cancel_jobs() {
  local -a jobs
  mapfile -t jobs < <(squeue -h -o %A 2>/dev/null)
  ((${#jobs[@]} > 0)) || return 0
  scancel "${jobs[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while [[ -n $(squeue -h -o %A 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.5; done
  say "cancelled ${#jobs[@]} job(s): ${jobs[*]}"
}

# The slurmstepd processes of this node: those listening on a socket in its spool folder.
step_pids() {
  ss -xlpH 2>/dev/null | grep -F -- " $DIR/spool/" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# TERM the slurmstepd left after the jobs were cancelled, KILL them after STOP_TIMEOUT.
stop_steps() {
  local -a pids
  mapfile -t pids < <(step_pids)
  ((${#pids[@]} > 0)) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while [[ -n $(step_pids) ]] && ((SECONDS < deadline)); do sleep 0.1; done
  mapfile -t pids < <(step_pids)
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  say "slurmstepd: stopped"
}

stop() {
  if running_pgid slurmctld >/dev/null && running_pgid munged >/dev/null; then
    cancel_jobs
  fi
  stop_groups slurmd slurmctld
  stop_steps
  stop_groups munged  # the others' authentication: last
}

# The recorded process group of a daemon as a user other than root sees it (root's processes'
# environment is not theirs to read): alive, and its command names the daemon and this cluster.
seen_pgid() {
  local file pgid command
  file=$(pidfile "$1")
  [[ -s $file ]] || return 1
  read -r pgid <"$file"
  [[ $pgid =~ ^[0-9]+$ ]] || return 1
  command=$(tr '\0' ' ' 2>/dev/null <"/proc/$pgid/cmdline") || return 1
  [[ $command == "$1 "* && ($command == *" $CONF "* || $command == *"=$SOCKET "*) ]] || return 1
  echo "$pgid"
}

status() {
  local name pgid
  for name in "${DAEMONS[@]}"; do
    if pgid=$(running_pgid "$name") || pgid=$(seen_pgid "$name"); then
      printf '%-9s running  %s (process group %s)\n' "$name" "$(address_of "$name")" "$pgid"
    else
      printf '%-9s stopped  %s\n' "$name" "$(address_of "$name")"
    fi
  done
}

main() {
  [[ $# == 1 ]] || die "usage: scripts/cluster.sh start|stop|status"
  case $1 in
    start | stop | status) ;;
    *) die "usage: scripts/cluster.sh start|stop|status (not '$1')" ;;
  esac
  if [[ $1 == status ]]; then
    status
    return
  fi
  mkdir -p "$DIR"
  chmod 755 "$DIR"  # clients read slurm.conf and reach the MUNGE socket; state/ and spool/ are 0700
  exec 9>"$DIR/.lock"  # one start or stop at a time (closed in every daemon started)
  flock -w 300 9 || die "another scripts/cluster.sh start or stop still runs on $DIR"
  "$1"
}

main "$@"

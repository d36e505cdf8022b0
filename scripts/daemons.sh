# shellcheck shell=bash
# Daemons in process groups of their own, for scripts/services.sh and scripts/cluster.sh, which
# source this file after setting:
#   PREFIX          the prefix of every message (services, cluster)
#   DIR             the state folder: NAME.pid (the process group), NAME.log, NAME.ports
#   HOST            the address every daemon binds to (127.0.0.1)
#   TAG             VAR=value carried by every process started here: a group is signalled only
#                   when its leader still carries it (a reused pid is left alone)
#   PORT_VARS       the variables that choose the ports, for the message of a port in use
#   START_TIMEOUT, STOP_TIMEOUT   seconds
# and defining `ports_of NAME` (its TCP ports) and, for start_each, `start_NAME`. They may define
# `stop_signal NAME` (TERM) and `after_stop NAME` (nothing) before calling stop_groups.

die() {
  echo "$PREFIX: error: $*" >&2
  exit 1
}

say() { echo "$PREFIX: $*"; }

pidfile() { echo "$DIR/$1.pid"; }

# The recorded process group of a daemon, when it is alive and is ours; nothing otherwise.
running_pgid() {
  local file pgid
  file=$(pidfile "$1")
  [[ -s $file ]] || return 1
  read -r pgid <"$file"
  [[ $pgid =~ ^[0-9]+$ ]] || return 1
  kill -0 -- "-$pgid" 2>/dev/null || return 1
  # a group whose leader has gone holds only our processes: its number is no one else's meanwhile
  if [[ -e /proc/$pgid ]]; then
    tr '\0' '\n' 2>/dev/null <"/proc/$pgid/environ" | grep -qxF -- "$TAG" || return 1
  fi
  echo "$pgid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Refuse to start daemon $1 on a port that is out of range or taken.
check_free() {
  local name=$1 port
  for port in $(ports_of "$name"); do
    ((port > 0 && port < 65536)) || die "$name: port $port is out of range; choose other ports ($PORT_VARS)"
    if port_open "$port"; then
      die "$name: port $port on $HOST is in use by another program; stop it or choose other ports ($PORT_VARS)"
    fi
  done
}

# Start `$2...` as daemon $1: a process group of its own carrying TAG, its output in DIR/$1.log
# (the owner's only), its group recorded in DIR/$1.pid.
launch() {
  local name=$1
  shift
  : >"$DIR/$name.log"
  chmod 600 "$DIR/$name.log"
  # shellcheck disable=SC2016  # $$ and $@ are the new shell's
  env "$TAG" setsid sh -c 'echo $$ >"$0"; exec "$@"' "$(pidfile "$name")" "$@" \
    >>"$DIR/$name.log" 2>&1 </dev/null 9>&- &
  local deadline=$((SECONDS + 5))
  until [[ -s $(pidfile "$name") ]]; do
    ((SECONDS < deadline)) || die "$name could not be started; see $DIR/$name.log"
    sleep 0.05
  done
}

# Wait until `$2...` (a command) succeeds; fail naming daemon $1 and its log after START_TIMEOUT.
await() {
  local name=$1 deadline=$((SECONDS + START_TIMEOUT))
  shift
  until "$@"; do
    if ! running_pgid "$name" >/dev/null; then
      die "$name exited while starting; see $DIR/$name.log"
    fi
    ((SECONDS < deadline)) || die "$name did not answer within ${START_TIMEOUT} s; see $DIR/$name.log"
    sleep 0.2
  done
}

# Start each daemon named that is not running: `start_NAME` after a check that its ports are
# free; `$1` is the function that prints a daemon's address for the messages.
start_each() {
  local address_of=$1 name pgid
  shift
  for name in "$@"; do
    if pgid=$(running_pgid "$name"); then
      say "$name: already running at $("$address_of" "$name") (process group $pgid)"
      continue
    fi
    rm -f "$(pidfile "$name")" "$DIR/$name.ports"
    check_free "$name"
    "start_$name"
    say "$name: started at $("$address_of" "$name") (process group $(running_pgid "$name"), log $DIR/$name.log)"
  done
}

stop_signal() { echo TERM; }
after_stop() { :; }

# Signal the process groups of the daemons named (stop_signal), KILL those left after
# STOP_TIMEOUT, then wait until their ports are free and forget them (after_stop first).
stop_groups() {
  local name pgid port deadline i
  local -a groups=() names=()
  for name in "$@"; do
    if pgid=$(running_pgid "$name"); then
      kill "-$(stop_signal "$name")" -- "-$pgid" 2>/dev/null || true
      groups+=("$pgid")
      names+=("$name")
    fi
  done
  deadline=$((SECONDS + STOP_TIMEOUT))
  for i in "${!groups[@]}"; do
    while kill -0 -- "-${groups[i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 -- "-${groups[i]}" 2>/dev/null; then
      say "${names[i]}: still running after ${STOP_TIMEOUT} s; killing process group ${groups[i]}"
      kill -KILL -- "-${groups[i]}" 2>/dev/null || true
      while kill -0 -- "-${groups[i]}" 2>/dev/null; do sleep 0.1; done
    fi
    say "${names[i]}: stopped (process group ${groups[i]})"
  done
  for name in "$@"; do
    deadline=$((SECONDS + STOP_TIMEOUT))
    for port in $(ports_of "$name"); do
      while port_open "$port"; do
        ((SECONDS < deadline)) || die "$name: port $port is still in use after stopping"
        sleep 0.1
      done
    done
    after_stop "$name"
    rm -f "$(pidfile "$name")" "$DIR/$name.ports"
  done
}

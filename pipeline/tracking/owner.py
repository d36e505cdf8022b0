"""Which process owns an MLflow run, so that a run left RUNNING by a process that died without a
word (SIGKILL, a power cut) can be told from one still being logged.

A run is tagged `pipeline.process` = `<host> <boot id> <pid> <start>`: the process's start time
(in clock ticks since boot, from /proc) tells it from a later process that reuses its pid, and the
boot id from one before a reboot. Off Linux there is no /proc: no tag, and no verdict.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import NamedTuple

OWNER_TAG = "pipeline.process"
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def identity(pid: int | None = None) -> str | None:
    """`<host> <boot id> <pid> <start>` of a running process (this one by default), or None when
    it is gone or the system has no /proc."""
    pid = os.getpid() if pid is None else pid
    try:
        boot = BOOT_ID.read_text(encoding="ascii").strip()
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # fields after the command name (which may hold spaces and parentheses) start at field 3;
    # field 22 is the start time
    start = stat.rsplit(")", 1)[1].split()[19]
    return f"{socket.gethostname()} {boot} {pid} {start}"


class Verdict(NamedTuple):
    dead: bool  # the owner is known to be gone: the run can be marked KILLED
    why: str


def verdict(owner: str | None) -> Verdict:
    """Whether the process that `owner` names is gone, judged from this machine."""
    if not owner:
        return Verdict(False, "no owner recorded (logged by another program or an older version)")
    parts = owner.split(" ")
    if len(parts) != 4 or not parts[2].isdigit():
        return Verdict(False, f"owner tag {owner!r} is not <host> <boot id> <pid> <start>")
    host, boot, pid, _ = parts
    here = identity()
    if here is None:
        return Verdict(False, "this system has no /proc to look up processes")
    this_host, this_boot = here.split(" ")[:2]
    if host != this_host:
        return Verdict(False, f"owned by a process on {host}: run the collection there")
    if boot != this_boot:
        return Verdict(True, f"process {pid} on {host} ran before the machine restarted")
    if identity(int(pid)) == owner:
        return Verdict(False, f"process {pid} on {host} is still running")
    return Verdict(True, f"process {pid} on {host} is gone")

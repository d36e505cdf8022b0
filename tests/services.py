"""The team services of scripts/services.sh for the tests: started on free ports with their state in
a temporary folder (a module-scoped fixture, always stopped afterwards), and what the tests ask of
them: the script's commands, the ports and who listens on them."""

from __future__ import annotations

import contextlib
import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT

SCRIPT = ROOT / "scripts" / "services.sh"
# the ports the script reads from the environment; SeaweedFS's also take the port 10000 above
PORTS = ("PG_PORT", "MLFLOW_PORT", "S3_PORT", "WEED_MASTER_PORT", "WEED_VOLUME_PORT")
PORTS += ("WEED_FILER_PORT",)
GRPC_OFFSET = 10000
OVERRIDES = [
    "dataset=synthetic",
    "dataset.n_rows=600",
    "model=logistic_regression",
    "crossval=skip",
    "tracking=server",
]
BUCKET = "mlflow"


@dataclass(frozen=True)
class Services:
    folder: Path  # SERVICES_DIR
    env: dict[str, str]  # the script's environment: the folder and the ports
    ports: dict[str, int]

    @property
    def tracking_uri(self) -> str:
        return f"http://127.0.0.1:{self.ports['MLFLOW_PORT']}"

    def all_ports(self) -> list[int]:
        grpc = [p + GRPC_OFFSET for k, p in self.ports.items() if k.startswith(("S3", "WEED"))]
        return [*self.ports.values(), *grpc]

    def exported(self) -> dict[str, str]:
        """The variables of SERVICES_DIR/env, the file `start` writes for `source`."""
        lines = (self.folder / "env").read_text().splitlines()
        pairs = (line.removeprefix("export ").split("=", 1) for line in lines)
        return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def script(
    command: str, env: dict[str, str], *names: str, path: Path = SCRIPT
) -> subprocess.CompletedProcess:
    """Run scripts/services.sh (or the script at `path`) with `command` and `names`."""
    return subprocess.run(
        [str(path), command, *names], env=env, capture_output=True, text=True, timeout=300
    )


def listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def listeners(ports: list[int]) -> dict[int, set[str]]:
    """Port -> the local addresses listening on it, from `ss -ltnp` (every TCP listener)."""
    shown = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found: dict[int, set[str]] = {}
    for line in shown.splitlines():
        host, _, port = line.split()[3].rpartition(":")
        if int(port) in ports:
            found.setdefault(int(port), set()).add(host)
    return found


def bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports() -> dict[str, int]:
    """A free port per variable, below 55536 with the port 10000 above it free too (SeaweedFS's
    gRPC ports), none of them a developer's default services' (5433, 5001, 8333, ...)."""
    chosen: set[int] = set()
    ports = {}
    rng = random.Random()
    for name in PORTS:
        while True:
            port = rng.randrange(20000, 45000)
            pair = {port, port + GRPC_OFFSET}
            if not pair & chosen and all(bindable(p) for p in pair):
                break
        chosen |= pair
        ports[name] = port
    return ports


def log_tail(stderr: str) -> str:
    """The script's error and the last lines of the log file it names."""
    text = stderr.strip()
    for word in text.split():
        if word.endswith(".log") and Path(word).is_file():
            lines = Path(word).read_text(errors="replace").splitlines()
            text += f"\n--- last lines of {word}:\n" + "\n".join(lines[-30:])
    return text


@pytest.fixture(scope="module")
def services() -> Iterator[Services]:
    """The three services, started by the script; always stopped afterwards."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and shutil.which("apt-get") is None:
        pytest.skip(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb) and "
            "apt-get is not available to install Debian's postgresql"
        )
    # under /tmp, not pytest's private (0700) folder: PostgreSQL runs as its own user under root
    folder = Path(tempfile.mkdtemp(prefix="pipeline-services-"))
    folder.chmod(0o755)
    ports = free_ports()
    env = {**os.environ, "SERVICES_DIR": str(folder), **{k: str(v) for k, v in ports.items()}}
    env.pop("MLFLOW_TRACKING_URI", None)
    try:
        started = script("start", env)
        if started.returncode != 0:
            pytest.fail(f"scripts/services.sh start failed:\n{log_tail(started.stderr)}")
        yield Services(folder, env, ports)
    finally:
        script("stop", env)  # a second stop after the test's own does nothing
        shutil.rmtree(folder, ignore_errors=True)

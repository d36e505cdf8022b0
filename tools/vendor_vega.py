"""The HTML page template `dvc plots show` fills (`plots.html_template` in .dvc/config), with Vega,
Vega-Lite and Vega-Embed inlined, so the page draws its plots offline, wherever `-o` writes it.

    python -m tools.vendor_vega            # rebuild vendor/vega/ from the npm registry
    python -m tools.vendor_vega --check    # rebuild in a temporary folder, exit 1 if it differs

The versions are those DVC's own page loads from a CDN (dvc_render's VegaRenderer.SCRIPTS), pinned
with the registry's SHA-512 integrity of each package; `npm pack` fetches the packages and each
tarball is hashed here before anything is read from it. Each package's LICENSE is kept beside
the template.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.io import write_bytes

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "vendor" / "vega"
TEMPLATE = "dvc_plots.html"
# the placeholders dvc_render fills; `{scripts}` is left out, so DVC adds no CDN <script> tag
PLACEHOLDERS = ("{plot_divs}", "{refresh_tag}")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball

    @property
    def tarball(self) -> str:
        return f"{self.name}-{self.version}.tgz"

    @property
    def script(self) -> str:
        """The file jsdelivr serves for `npm/<name>@<version>` (package.json `jsdelivr`)."""
        return f"package/build/{self.name}.min.js"


PACKAGES = (
    Package(
        "vega",
        "5.20.2",
        "sha512-qmH7aD9GGPpssVdxL1xgcdxTbQzyRUeRR16Os385ymvQhiwCYQNA6+eXUPAZDTVLfk0RXu6Jzj6kUE5jQ80EVw==",
    ),
    Package(
        "vega-lite",
        "5.2.0",
        "sha512-Yxcg8MvYfxHcG6BbkaKT0oVCIMIcE19UvqIsEwBmyd/7h2nzW7oRnID81T8UrY7hpDrIr6wa2JADOT2dhGNErw==",
    ),
    Package(
        "vega-embed",
        "6.18.2",
        "sha512-wcDyQPE4J5aiCDc3/suH5RQDvrKkjuLkhzUcbOLwEkNF8/+pp17tS0JghzEvAPNRg+5aG1/N2ydixq8Lk3dOlg==",
    ),
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{{refresh_tag}}
<title>DVC plots</title>
<style>
  body {{ font-family: sans-serif; margin: 1em; }}
  table {{ border-spacing: 15px; }}
  .error {{ color: #b00020; white-space: pre-wrap; }}
</style>
{scripts}
<script>
  // vega-embed shows nothing when a spec fails: write the error where the plot would be
  (function () {{
    var embed = window.vegaEmbed;
    window.vegaEmbed = function (el, spec, opt) {{
      return embed(el, spec, opt).catch(function (err) {{
        var box = document.querySelector(el);
        if (box) {{
          var note = document.createElement("p");
          note.className = "error";
          note.textContent = "plot failed: " + err;
          box.appendChild(note);
        }}
        throw err;
      }});
    }};
  }})();
</script>
</head>
<body>
{{plot_divs}}
</body>
</html>
"""


def dvc_versions() -> dict[str, str]:
    """The versions DVC's default page loads from its CDN, by package name."""
    from dvc_render.vega import VegaRenderer

    found = re.findall(r"npm/([a-z-]+)@([0-9.]+)", VegaRenderer.SCRIPTS)
    return dict(found)


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(folder: Path) -> dict[str, bytes]:
    """Each package's tarball, fetched with `npm pack` into `folder`, its integrity checked."""
    specs = [f"{p.name}@{p.version}" for p in PACKAGES]
    subprocess.run(
        ["npm", "pack", *specs, "--pack-destination", str(folder), "--silent"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    tarballs = {}
    for package in PACKAGES:
        data = (folder / package.tarball).read_bytes()
        if (found := integrity(data)) != package.integrity:
            raise SystemExit(
                f"error: {package.tarball} has integrity {found}, expected {package.integrity}"
            )
        tarballs[package.name] = data
    return tarballs


def member(tarball: Path, name: str) -> bytes:
    with tarfile.open(tarball) as archive:
        extracted = archive.extractfile(name)
        if extracted is None:
            raise SystemExit(f"error: {tarball.name} has no file {name}")
        return extracted.read()


def page(scripts: dict[str, str]) -> str:
    """The template: each package's script inline, in load order (Vega-Embed needs the others)."""
    blocks = []
    for package in PACKAGES:
        code = scripts[package.name]
        if "</script" in code.lower() or any(p in code for p in PLACEHOLDERS):
            raise SystemExit(f"error: {package.name}'s script cannot be inlined as it stands")
        header = f"<!-- {package.name} {package.version}, BSD-3-Clause: LICENSE.{package.name} -->"
        blocks.append(f"{header}\n<script>\n{code.strip()}\n</script>")
    return PAGE.format(scripts="\n".join(blocks))


def build(folder: Path) -> dict[str, bytes]:
    """The vendored files by name: the template and each package's LICENSE."""
    fetch(folder)
    files: dict[str, bytes] = {}
    scripts = {}
    for package in PACKAGES:
        tarball = folder / package.tarball
        scripts[package.name] = member(tarball, package.script).decode("utf-8")
        files[f"LICENSE.{package.name}"] = member(tarball, "package/LICENSE")
    files[TEMPLATE] = page(scripts).encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with vendor/vega/")
    args = parser.parse_args(argv)
    pinned = {p.name: p.version for p in PACKAGES}
    if (wanted := dvc_versions()) != pinned:
        print(f"error: DVC's page loads {wanted}; tools/vendor_vega.py pins {pinned}: "
              "update PACKAGES (versions and integrity from `npm view <name>@<v> dist.integrity`)",
              file=sys.stderr)  # fmt: skip
        return 1
    with tempfile.TemporaryDirectory() as temporary:
        files = build(Path(temporary))
    if args.check:
        stale = [n for n, data in files.items() if not (VENDOR / n).is_file()
                 or (VENDOR / n).read_bytes() != data]  # fmt: skip
        for name in stale:
            print(f"vendor/vega/{name} differs from the registry's packages", file=sys.stderr)
        if not stale:
            print(f"vendor/vega/ matches {', '.join(f'{n}@{v}' for n, v in pinned.items())}")
        return 1 if stale else 0
    for name, data in files.items():
        write_bytes(VENDOR / name, data)
    print(f"wrote vendor/vega/ ({', '.join(sorted(files))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

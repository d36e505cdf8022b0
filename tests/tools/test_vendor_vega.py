"""The vendored page template of `dvc plots` (tools/vendor_vega.py): what DVC loads, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dvc.config import Config
from dvc_render.html import HTML

from tools import vendor_vega

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "vendor" / "vega" / vendor_vega.TEMPLATE


def test_pins_the_versions_dvc_loads() -> None:
    assert vendor_vega.dvc_versions() == {p.name: p.version for p in vendor_vega.PACKAGES}
    assert len(vendor_vega.PACKAGES) == 3


def test_dvc_config_names_the_template() -> None:
    dvc_dir = ROOT / ".dvc"  # DVC resolves a relative template path from here
    configured = Config(dvc_dir=str(dvc_dir))["plots"]["html_template"]
    assert (dvc_dir / configured).resolve() == TEMPLATE.resolve()


def test_template_inlines_each_script_in_load_order() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    headers = re.findall(r"<!-- ([a-z-]+) ([0-9.]+), BSD-3-Clause: LICENSE\.([a-z-]+) -->", text)
    assert [(n, v) for n, v, _ in headers] == [(p.name, p.version) for p in vendor_vega.PACKAGES]
    for name, _, license_name in headers:
        assert license_name == name
        assert "Redistribution and use" in (TEMPLATE.parent / f"LICENSE.{name}").read_text()
    assert "src=" not in " ".join(re.findall(r"<script[^>]*>", text))  # nothing fetched
    assert len(text) > 700_000  # the three minified builds
    assert "{scripts}" not in text  # DVC would add its CDN <script> tags there
    page = HTML(text).with_element('<div id="x">plot</div>').embed()
    assert '<div id="x">plot</div>' in page and "{plot_divs}" not in page


def test_a_script_that_would_end_the_tag_is_refused() -> None:
    scripts = {p.name: "var a = 1;" for p in vendor_vega.PACKAGES}
    assert "var a = 1;" in vendor_vega.page(scripts)
    scripts["vega"] = 'document.write("</script>")'
    with pytest.raises(SystemExit, match="vega's script cannot be inlined"):
        vendor_vega.page(scripts)


def test_integrity_is_npm_sha512_base64() -> None:
    # npm's dist.integrity of an empty file
    assert vendor_vega.integrity(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )

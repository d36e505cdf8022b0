"""pipeline/stats is on the ground floor: it imports none of the domain packages or stages."""

from __future__ import annotations

from tools.dag import ROOT, imported

DOMAIN = ("pipeline.models", "pipeline.fairness", "pipeline.correlation", "pipeline.stages")


def test_stats_imports_no_domain_package() -> None:
    found = [
        f"{path.name} imports {other}"
        for path in sorted((ROOT / "pipeline" / "stats").glob("*.py"))
        for other in imported(path)
        if other.startswith(DOMAIN)
    ]
    assert not found, "\n".join(found)
    assert len(list((ROOT / "pipeline" / "stats").glob("*.py"))) >= 6

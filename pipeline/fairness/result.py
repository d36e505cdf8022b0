"""The fairness stage's result, fairness.json, as one type: written by the stage, read by every
reader (report, track) through `FairnessResult.read`, never as a raw dict.

`to_json()` gives exactly the dict the stage writes (io.write_json rounds its floats) and
`from_json()` reads it back. Each audit records the file of its figure (`figure_file`), which the
stage writes and readers find only through the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.config import from_mapping
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.estimates import Comparison, GroupRow, Verdict, read_verdicts, verdicts_json
from pipeline.fairness.mitigation_result import Mitigation, read_mitigation
from pipeline.io import read_json
from pipeline.text import inside, safe_filename

FIGURES = "figures"  # the folder of the figures, under paths.fairness_plots


def figure_file(audit_name: str) -> str:
    """Where the stage writes an audit's figure, relative to paths.fairness_plots: a safe file
    name made from the audit's name (`marital status` -> `figures/marital_status-<hash>.png`)."""
    return f"{FIGURES}/{safe_filename(audit_name, '.png')}"


class VerdictRow(NamedTuple):
    """A verdict of an audit, with the class it is about (multiclass) or None."""

    class_label: str | None
    verdict: Verdict


@dataclass(frozen=True)
class AuditBase:
    """What every audit has: the attribute(s), rows without a value, the groups compared."""

    name: str  # the attribute, or the attributes joined by "_x_"
    attributes: tuple[str, ...]
    n_missing: int  # rows whose attribute (any of them) is missing: the `(missing)` group
    comparison: Comparison  # multiclass: of the accuracy per group
    # the figure file the stage wrote, relative to paths.fairness_plots; None: none written
    figure: str | None = field(default=None, kw_only=True)

    @property
    def groups(self) -> tuple[GroupRow, ...]:
        return self.comparison.groups

    def figure_path(self, plots: str | Path) -> Path | None:
        """The recorded figure under `plots`; None without one, or when the recorded name
        resolves outside `plots`."""
        return None if self.figure is None else inside(plots, self.figure)

    @property
    def assessed(self) -> int:
        """How many verdicts have a value (a criterion needs two groups above the size limits)."""
        return sum(row.verdict.verdict is not None for row in self.verdict_rows())

    @property
    def failed(self) -> int:
        """How many verdicts are `fail` (multiclass: over every class)."""
        return sum(row.verdict.verdict == "fail" for row in self.verdict_rows())

    def verdict_rows(self) -> tuple[VerdictRow, ...]:
        raise NotImplementedError

    def head_json(self) -> dict[str, Any]:
        out = {"attributes": list(self.attributes), "n_missing": self.n_missing}
        return out | ({} if self.figure is None else {"figure": self.figure})


@dataclass(frozen=True)
class Audit(AuditBase):
    """A binary or regression audit: one comparison and its verdicts (regression: none)."""

    verdicts: tuple[Verdict, ...]

    def verdict_rows(self) -> tuple[VerdictRow, ...]:
        return tuple(VerdictRow(None, verdict) for verdict in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        out = self.head_json() | self.comparison.to_json()
        return out | {"verdicts": verdicts_json(self.verdicts)}


@dataclass(frozen=True)
class ClassAudit:
    """Multiclass: one class against the rest, compared and judged as a binary audit."""

    label: str
    comparison: Comparison
    verdicts: tuple[Verdict, ...]

    def to_json(self) -> dict[str, Any]:
        return self.comparison.to_json() | {"verdicts": verdicts_json(self.verdicts)}


@dataclass(frozen=True)
class MulticlassAudit(AuditBase):
    """A multiclass audit: accuracy per group, then each class against the rest."""

    classes: tuple[ClassAudit, ...]

    def verdict_rows(self) -> tuple[VerdictRow, ...]:
        return tuple(VerdictRow(c.label, v) for c in self.classes for v in c.verdicts)

    def to_json(self) -> dict[str, Any]:
        classes = {c.label: c.to_json() for c in self.classes}
        return self.head_json() | self.comparison.to_json() | {"classes": classes}


def read_audit(name: str, data: Mapping[str, Any]) -> Audit | MulticlassAudit:
    """An audit back from fairness.json; a multiclass one holds `classes`, not `verdicts`."""
    head = (name, tuple(data["attributes"]), data["n_missing"], Comparison.from_json(data))
    figure = data.get("figure")
    if "classes" in data:
        classes = tuple(
            ClassAudit(label, Comparison.from_json(found), read_verdicts(found["verdicts"]))
            for label, found in data["classes"].items()
        )
        return MulticlassAudit(*head, classes=classes, figure=figure)
    return Audit(*head, verdicts=read_verdicts(data["verdicts"]), figure=figure)


@dataclass(frozen=True)
class BinaryTarget:
    """Binary tasks: the favourable label, and the kind of score the predictions carry."""

    positive_label: str
    scores: str | None  # probability or decision; None without a score column

    def to_json(self) -> dict[str, Any]:
        return {"positive_label": self.positive_label, "scores": self.scores}


@dataclass(frozen=True)
class MulticlassTarget:
    """Multiclass tasks: every class label, in index order."""

    classes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"classes": list(self.classes)}


@dataclass(frozen=True)
class FairnessResult:
    """fairness.json: the settings, one audit per attribute (and combination), the status."""

    task: str  # binary, multiclass or regression
    n_rows: int
    sensitive: tuple[str, ...]  # the attributes audited alone
    settings: FairnessConfig
    seed: int
    bootstrap: str  # how the intervals are made
    target: BinaryTarget | MulticlassTarget | None  # None: regression
    audits: tuple[Audit | MulticlassAudit, ...]
    status: str
    mitigation: Mitigation | None = None  # with fairness.mitigation

    def with_figures(self) -> FairnessResult:
        """The result with each audit's figure file (`figure_file`) recorded."""
        audits = tuple(replace(a, figure=figure_file(a.name)) for a in self.audits)
        return replace(self, audits=audits)

    def audit(self, name: str) -> Audit | MulticlassAudit:
        """The audit of attribute (or combination) `name`."""
        for found in self.audits:
            if found.name == name:
                return found
        raise KeyError(f"no audit named {name!r}; audits: {', '.join(a.name for a in self.audits)}")

    def to_json(self) -> dict[str, Any]:
        settings = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self.settings).items()
        }
        out: dict[str, Any] = {
            "task": self.task,
            "n_rows": self.n_rows,
            "sensitive": list(self.sensitive),
            "settings": settings | {"seed": self.seed, "bootstrap": self.bootstrap},
        }
        if self.target is not None:
            out |= self.target.to_json()
        out["audits"] = {audit.name: audit.to_json() for audit in self.audits}
        out["status"] = self.status
        if self.mitigation is not None:
            out["mitigation"] = self.mitigation.to_json()
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FairnessResult:
        settings = dict(data["settings"])
        seed, bootstrap = settings.pop("seed"), settings.pop("bootstrap")
        target: BinaryTarget | MulticlassTarget | None = None
        if data["task"] == "binary":
            target = BinaryTarget(data["positive_label"], data["scores"])
        elif data["task"] == "multiclass":
            target = MulticlassTarget(tuple(data["classes"]))
        mitigation = data.get("mitigation")
        return cls(
            task=data["task"],
            n_rows=data["n_rows"],
            sensitive=tuple(data["sensitive"]),
            settings=from_mapping(FairnessConfig, settings, "fairness"),
            seed=seed,
            bootstrap=bootstrap,
            target=target,
            audits=tuple(read_audit(name, found) for name, found in data["audits"].items()),
            status=data["status"],
            mitigation=None if mitigation is None else read_mitigation(mitigation),
        )

    @classmethod
    def read(cls, path: str | Path) -> FairnessResult:
        return cls.from_json(read_json(path))

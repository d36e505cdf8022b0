"""Stage `report`: one self-contained HTML page and a Markdown summary of the whole run.

Everything it shows comes from the other stages' outputs; the footer records the software
versions of the environment, because the environment is part of the result.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from pipeline.config import Config, load_config
from pipeline.environment import versions
from pipeline.errors import run_stage
from pipeline.io import read_json, write_text
from pipeline.plots import plt, save_figure

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left}th{background:#f3f3f3}.fail{color:#b00020;font-weight:600}
.pass{color:#1b5e20}img{max-width:100%;border:1px solid #eee}footer{color:#666;font-size:.9em;
margin-top:3em}code{background:#f6f6f6;padding:0 .2em}.row img{width:32%;margin-right:1%}"""


def number(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def table(rows: list[dict], columns: list[str]) -> tuple[str, str]:
    """The same rows as an HTML table and as a Markdown table."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{cell_class(r.get(c))}>{html.escape(number(r.get(c)))}</td>" for c in columns
        )
        + "</tr>"
        for r in rows
    )
    markdown = "\n".join(
        ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        + ["| " + " | ".join(number(r.get(c)) for c in columns) + " |" for r in rows]
    )
    return f"<table><tr>{head}</tr>{body}</table>", markdown


def cell_class(value: object) -> str:
    return {"fail": ' class="fail"', "pass": ' class="pass"'}.get(str(value), "")


def image(path: Path, inline: bool = False) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    tag = f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'
    return tag if inline else f"<p>{tag}</p>"


def curve_figures(plot_dir: Path, out_dir: Path) -> list[Path]:
    """PNG figures of the evaluation curves (the CSV files are what `dvc plots` reads)."""
    specs = [
        ("roc.csv", "fpr", "tpr", "ROC curve (test)"),
        ("precision_recall.csv", "recall", "precision", "Precision-recall curve (test)"),
        ("calibration.csv", "mean_predicted_probability", "fraction_of_positives", "Calibration"),
        ("residuals.csv", "actual", "predicted", "Predicted against actual (test)"),
    ]
    made = []
    for name, x, y, title in specs:
        if not (plot_dir / name).is_file():
            continue
        data = pd.read_csv(plot_dir / name)
        figure, axes = plt.subplots(figsize=(4.5, 4))
        style = "." if name == "residuals.csv" else "-"
        axes.plot(data[x], data[y], style, markersize=3)
        if name in ("roc.csv", "calibration.csv"):
            axes.plot([0, 1], [0, 1], ":", color="grey")
        axes.set(xlabel=x, ylabel=y, title=title)
        figure.tight_layout()
        made.append(out_dir / name.replace(".csv", ".png"))
        save_figure(figure, made[-1])
    return made


def confusion(plot_dir: Path, out_dir: Path) -> tuple[tuple[str, str], Path | None]:
    """The confusion matrix as a table and as a figure (classification tasks only)."""
    if not (plot_dir / "confusion.csv").is_file():
        return ("", ""), None
    data = pd.read_csv(plot_dir / "confusion.csv", dtype=str)
    counts = pd.crosstab(data["actual"], data["predicted"])
    rows = [{"actual \\ predicted": str(a), **{str(p): int(counts.loc[a, p]) for p in counts}}
            for a in counts.index]  # fmt: skip
    figure, axes = plt.subplots(figsize=(4.5, 4))
    grid = counts.to_numpy()
    axes.imshow(grid, cmap="Blues")
    for (i, j), value in pd.DataFrame(grid).stack().items():
        colour = "white" if value > grid.max() / 2 else "black"
        axes.text(j, i, str(value), ha="center", va="center", fontsize=8, color=colour)
    axes.set_xticks(range(len(counts.columns)), [str(c) for c in counts.columns])
    axes.set_yticks(range(len(counts.index)), [str(c) for c in counts.index])
    axes.set(xlabel="predicted", ylabel="actual", title="Confusion matrix (test)")
    figure.tight_layout()
    path = out_dir / "confusion.png"
    save_figure(figure, path)
    columns = ["actual \\ predicted", *[str(p) for p in counts.columns]]
    return table(rows, columns), path


def build(config: Config, figures_dir: Path) -> tuple[str, str]:
    """(HTML page, Markdown summary) from the stages' outputs."""
    paths = config.paths
    provenance = read_json(paths.provenance)
    validation = read_json(paths.validation)
    metrics = read_json(paths.metrics)
    fairness = read_json(paths.fairness)
    correlation = read_json(paths.correlation)
    title = f"{provenance['dataset']}: {config.model.name}"
    page = [f"<h1>{html.escape(title)}</h1>"]
    text = [f"# {title}", ""]

    def section(heading: str, paragraph: str = "") -> None:
        page.append(f"<h2>{html.escape(heading)}</h2>")
        text.extend([f"## {heading}", ""])
        if paragraph:
            page.append(f"<p>{html.escape(paragraph)}</p>")
            text.extend([paragraph, ""])

    def add(pair: tuple[str, str]) -> None:
        page.append(pair[0])
        text.extend([pair[1], ""])

    section(
        "Data",
        f"{provenance['rows']} rows x {provenance['columns']} columns from {provenance['source']}. "
        f"License: {provenance['license']}. Validation {validation['status']} with "
        f"{len(validation['warnings'])} warnings.",
    )
    add(table([{"file": k, "sha256": v} for k, v in provenance["source_sha256"].items()],
              ["file", "sha256"]))  # fmt: skip
    if validation["warnings"]:
        add(table(validation["warnings"], ["check", "column", "message"]))

    section("Model performance", f"Task: {validation['task']}. Seed {config.seed}.")
    names = sorted({k.split("/", 1)[1] for k in metrics})
    add(table([{"metric": n, "test": metrics.get(f"test/{n}"), "train": metrics.get(f"train/{n}")}
               for n in names], ["metric", "test", "train"]))  # fmt: skip
    confusion_pair, confusion_figure = confusion(Path(paths.evaluate_plots), figures_dir)
    add(confusion_pair)
    figures = curve_figures(Path(paths.evaluate_plots), figures_dir)
    figures += [confusion_figure] if confusion_figure else []
    page.append('<div class="row">' + "".join(image(f, inline=True) for f in figures) + "</div>")

    section("Fairness", f"Status: {fairness['status']}.")
    for name, audit in sorted(fairness.get("audits", {}).items()):
        page.append(f"<h3>{html.escape(name)}</h3>")
        text.extend([f"### {name}", ""])
        rows = [{"criterion": c, **{k: v.get(k) for k in ("value", "rule", "verdict")},
                 "interval": " to ".join(number(x) for x in v.get("interval") or []) or "n/a",
                 "conclusive": v.get("conclusive")}
                for c, v in sorted(audit.get("verdicts", {}).items())]  # fmt: skip
        add(table(rows, ["criterion", "value", "interval", "rule", "verdict", "conclusive"]))
        figure = Path(paths.fairness_plots) / "figures" / f"{name}.png"
        if figure.is_file():
            page.append(image(figure))

    strongest = correlation.get("strongest_target_association") or {}
    section(
        "Correlation (training split)",
        f"Strongest association with the target: {strongest.get('feature')} "
        f"({strongest.get('measure')} {number(strongest.get('strength'))}). Association is not "
        "causation: see the caveats below.",
    )
    top = correlation.get("target_associations", [])[:10]
    add(table(top, ["rank", "feature", "strength_measure", "strength", "p_value", "q_value"]))
    if correlation.get("flagged_proxies"):
        page.append("<h3>Proxies of sensitive attributes</h3>")
        text.extend(["### Proxies of sensitive attributes", ""])
        add(
            table(
                correlation["flagged_proxies"],
                ["sensitive", "feature", "strength_measure", "strength"],
            )
        )
    leaks = correlation.get("leakage", {}).get("leaks", [])
    if leaks:
        section("Target leakage", "These features are near-copies of the target:")
        add(table(leaks, sorted(leaks[0])))
    confounding = correlation.get("confounding", {})
    if confounding.get("pairs"):
        page.append("<h3>Controlling for confounders</h3>")
        text.extend(["### Controlling for confounders", ""])
        add(table(confounding["pairs"], sorted(confounding["pairs"][0])))
    for figure in sorted(Path(paths.correlation_plots).glob("*.png")):
        page.append(image(figure))
    spurious = correlation.get("spurious", {})
    readings = [part.get("reading") for part in spurious.values() if isinstance(part, dict)]
    if readings:
        section("Spurious correlation, a worked example")
        for reading in filter(None, readings):
            page.append(f"<p>{html.escape(reading)}</p>")
            text.extend([reading, ""])
    caveats = correlation.get("caveats", {})
    if caveats:
        section("What these measures can and cannot say")
        page.append("<ul>" + "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>"
                                     for k, v in sorted(caveats.items())) + "</ul>")  # fmt: skip
        text.extend([f"- **{k}**: {v}" for k, v in sorted(caveats.items())] + [""])

    found = versions()
    footer = ", ".join(f"{k} {v}" for k, v in found.items())
    page.append(f"<footer>Environment: {html.escape(footer)}.</footer>")
    text.extend(["---", f"Environment: {footer}.", ""])
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(page)
        + "\n</body></html>\n"
    )
    return document, "\n".join(text)


def main() -> None:
    config = load_config()
    document, summary = build(config, Path(config.paths.report_plots))
    write_text(config.paths.report_html, document)
    write_text(config.paths.report_summary, summary)
    print(f"report: {config.paths.report_html}, {config.paths.report_summary}")


if __name__ == "__main__":
    run_stage(main)

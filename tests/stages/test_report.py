"""The report stage's main() on whole pipeline runs: self-contained, complete and repeatable."""

import hashlib
import re
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import rendered_dom

from pipeline.io import read_json
from pipeline.report.markup import slug
from pipeline.stages import report
from pipeline.text import html_text

pytestmark = pytest.mark.slow


def digests(folder: Path) -> dict[str, str]:
    files = [folder / "reports/index.html", folder / "reports/summary.md",
             *sorted((folder / "reports/plots/report").glob("*.png"))]  # fmt: skip
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_report_is_self_contained_complete_and_repeatable(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=3000", "model=logistic_regression",
                     "fairness.n_boot=50"])  # fmt: skip
    page = (folder / "reports/index.html").read_text()
    summary = (folder / "reports/summary.md").read_text()
    metrics = read_json(folder / "reports/metrics.json")
    headings = [
        "Data",
        "Model performance",
        "Against the majority baseline",
        "Against the linear baseline",
        "Cross-validation (training split)",
        "Fairness",
        "Correlation (training split)",
        "Controlling for confounders",
        "What these measures can and cannot say",
    ]
    for heading in headings:
        assert f"<h2>{heading}</h2>" in page or f"<h3>{heading}</h3>" in page, heading
        assert f'<a href="#{slug(heading)}' in page or f'-{slug(heading)}">' in page, heading
    low, high = metrics["test/accuracy_low"], metrics["test/accuracy_high"]
    assert (
        f"| accuracy | {metrics['test/accuracy']:.4f} | {low:.4f} to {high:.4f} | "
        f"{metrics['train/accuracy']:.4f} |" in summary
    )
    assert "95% percentile bootstrap interval over the test rows (1000 replicates)" in summary
    assert "group" in summary and "region" in summary  # the audit and the planted proxy
    # self-contained: images inline, nothing fetched, no absolute paths of this machine
    assert page.count("data:image/png;base64,") >= 4
    assert not re.search(r'src="(?!data:)', page) and "http-equiv" not in page
    assert str(folder) not in page and str(folder) not in summary
    assert f"scikit-learn {metadata.version('scikit-learn')}" in page
    first = digests(folder)
    report.main()
    assert digests(folder) == first


def test_report_without_sensitive_attributes_or_probabilities(stages) -> None:
    folder = stages(["dataset=diabetes", "model=ridge", "fairness.n_boot=20"])
    page = (folder / "reports/index.html").read_text()
    assert 'alt="residuals"' in page and 'alt="roc"' not in page
    assert "<h2>Fairness</h2>" in page and "<h3>sex</h3>" in page
    # the regression summary: the mean absolute error against predicting the mean, per group
    summary = (folder / "reports/summary.md").read_text()
    metrics = read_json(folder / "reports/metrics.json")
    baselines = read_json(folder / "reports/baselines.json")
    low, high = metrics["test/mae_low"], metrics["test/mae_high"]
    better = baselines["model_minus_majority/mae_high"] < 0
    assert better and (
        f"mae {metrics['test/mae']:.4f} (95% interval {low:.4f} to {high:.4f}) (lower is better) "
        f"against {baselines['majority/mae']:.4f} for always predicting the mean (the model is "
        "better)" in summary
    )
    groups = read_json(folder / "reports/fairness.json")["audits"]["sex"]["groups"]
    errors = sorted((g["metrics"]["mean_absolute_error"]["value"], label)
                    for label, g in groups.items())  # fmt: skip
    (a, first), (b, last) = errors[0], errors[-1]
    assert (
        f"**Mean absolute error by group**: sex: {a:.4f} ({first}) to {b:.4f} ({last})." in summary
    )
    assert "regression has no verdict criteria" in summary
    folder = stages(["dataset=digits", "model=logistic_regression", "++dataset.image_shape=[8,8]"])
    page = (folder / "reports/index.html").read_text()
    status = read_json(folder / "reports/fairness.json")["status"]
    assert f"Status: {html_text(status)}." in page and "actual \\ predicted" in page
    assert "no fairness audit was run: this is not a pass" in status
    assert html_text("-S 'dataset.sensitive=[<column>]'") in page
    figures = sorted(p.name for p in (folder / "reports/plots/report").iterdir())
    drawn = {"confusion.png", "confusion_normalised.png", "image_mistakes.png", "image_samples.png"}
    assert drawn <= set(figures)
    assert 'alt="confusion"' in page and 'alt="confusion_normalised"' in page
    images_are_seen(folder)


def images_are_seen(folder: Path) -> None:
    """The galleries as a reader's browser shows them: decoded images with their captions, the
    mistakes' labels as the predictions file has them, linked from the Markdown summary."""
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    wrong = predictions[predictions.y_true != predictions.y_pred]
    summary = (folder / "reports/summary.md").read_text()
    assert "![Sample test images per class](plots/report/image_samples.png)" in summary
    assert "![Misclassified test images](plots/report/image_mistakes.png)" in summary
    shown = f"{min(len(wrong), 36)} of the {len(wrong)} misclassified test rows, most confident"
    assert shown in summary
    page = (folder / "reports/index.html").read_text()
    probe = (
        "<script>window.onload=()=>{for(const i of document.images)"
        "i.dataset.width=i.naturalWidth}</script>"
    )
    seen = folder / "seen.html"
    seen.write_text(page.replace("</body>", probe + "</body>"))
    dom = rendered_dom(seen)
    section = dom[dom.index('<section id="test-images">') :]
    section = section[: section.index('<section id="cross-validation')]
    for caption, name in (("Sample test images per class", "image_samples"),
                          ("Misclassified test images", "image_mistakes")):  # fmt: skip
        figure = re.search(rf'<img alt="{name}" src="data:image/png;base64,[^"]+" '
                           rf'data-width="(\d+)"><figcaption>{caption}</figcaption>',
                           section)  # fmt: skip
        assert figure and int(figure.group(1)) > 300, name
    first = wrong.index[0]  # a mistake listed with its labels, row by row
    cells = r"<tr><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>([\d.]+)</td></tr>"
    listed = re.findall(cells, section)
    assert len(listed) == min(len(wrong), 36) and sorted(int(r[0]) for r in listed)[0] == first
    for row, true, predicted, _ in listed:
        assert (int(true), int(predicted)) == tuple(predictions.loc[int(row), ["y_true", "y_pred"]])
    probabilities = [float(r[3]) for r in listed]
    assert probabilities == sorted(probabilities, reverse=True)


def test_multiclass_verdicts_and_a_sensitive_column_with_a_space_are_shown(
    stages, tmp_path
) -> None:
    rng = np.random.default_rng(0)
    n = 1500
    status = rng.choice(["married", "never married", "divorced"], n)
    x = rng.normal(size=n) + (status == "married")
    grade = np.where(x > 0.8, "high", np.where(x > -0.2, "mid", "low"))
    pd.DataFrame(
        {"x": x, "y": rng.normal(size=n), "colour": rng.choice(["a", "b"], n),
         "marital status": status, "grade": grade}
    ).to_csv(tmp_path / "three.csv", index=False)  # fmt: skip
    folder = stages(["dataset=csv", "dataset.path=three.csv", "dataset.target=grade",
                     "dataset.sensitive=['marital status']", "model=logistic_regression",
                     "fairness.n_boot=20"])  # fmt: skip
    page = (folder / "reports/index.html").read_text()
    section = page[page.index("<h3>marital status</h3>") :]
    verdicts = section[: section.index("</table>")]
    assert "<th>class</th>" in verdicts
    for label in ("high", "low", "mid"):  # each class against the rest has its verdicts
        assert f"<td>{label}</td><td>demographic_parity_ratio</td>" in verdicts, label
    # the audit's figure, under a safe name the result records, found through the result
    figure = read_json(folder / "reports/fairness.json")["audits"]["marital status"]["figure"]
    digest = hashlib.sha256(b"marital status").hexdigest()[:8]
    assert figure == f"figures/marital_status-{digest}.png"
    assert f'alt="marital_status-{digest}"' in section
    assert (folder / "reports/plots/fairness" / figure).is_file()

"""Image data whose declared shape is wrong: stopped at the start when it cannot be a shape, said
in the report (and no gallery drawn) when it does not fit the feature columns."""

from __future__ import annotations

from pathlib import Path

from corpus.cases_mnist import digits_source
from corpus.runner import EVERY_STAGE, Case

from pipeline.io import read_json

PIXELS_MISMATCH = r"dataset\.image_shape is \[7, 7\] \(49 pixels\), but the model has 64 feature"


def no_gallery_and_says_why(folder: Path) -> None:
    page = (folder / "reports/index.html").read_text()
    assert 'alt="image_samples"' not in page and 'alt="image_mistakes"' not in page
    assert "dataset.image_shape is [7, 7] (49 pixels)" in page
    assert not (folder / "reports/plots/report/image_samples.png").exists()
    assert read_json(folder / "reports/metrics.json")["test/accuracy"] > 0.9  # the run is right


def gallery_drawn(folder: Path) -> None:
    page = (folder / "reports/index.html").read_text()
    summary = (folder / "reports/summary.md").read_text()
    assert "<h2>Test images</h2>" in page
    for name in ("image_samples", "image_mistakes"):
        assert f'alt="{name}" src="data:image/png;base64,' in page  # embedded
        assert f"(plots/report/{name}.png)" in summary
        assert (folder / "reports/plots/report" / f"{name}.png").stat().st_size > 5000


CASES = [
    Case("image_shape_of_three_sizes", digits_source,
         ("dataset=digits", "dataset.image_shape=[8,8,1]"),
         error=r"^error: ConfigError: dataset\.image_shape is \[8, 8, 1\]; give the images' "),
    Case("image_shape_not_the_pixel_count", digits_source,
         ("dataset=digits", "dataset.image_shape=[7,7]"), stages=EVERY_STAGE,
         warnings=(rf"report: warning: .*{PIXELS_MISMATCH}",), check=no_gallery_and_says_why),
    Case("digits_drawn_as_images", digits_source, ("dataset=digits",), stages=EVERY_STAGE,
         check=gallery_drawn),
]  # fmt: skip

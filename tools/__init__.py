"""Developer tools, outside the pipeline package: reproducibility and DAG checks."""

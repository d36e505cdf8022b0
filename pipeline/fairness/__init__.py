"""Group fairness audit of a model's test predictions: metrics per group, disparities with
bootstrap intervals, pass/fail verdicts, and an optional comparison of fairlearn's mitigations."""

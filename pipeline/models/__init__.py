"""The model: its configuration, the fitted scikit-learn Pipeline, and how it is scored."""

"""The report stage's domain code: one self-contained HTML page and a Markdown summary."""

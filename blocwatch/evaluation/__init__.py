"""``blocwatch eval``: accuracy measured on gold data written by others (``../shared/eval``).

One module per task; each exposes ``evaluate(path, ...) -> Report``.  A report prints
precision, recall and F1 overall and per category, and carries the floors the CI gate checks.
"""

from blocwatch.evaluation.metrics import PRF, Report

__all__ = ["PRF", "Report"]

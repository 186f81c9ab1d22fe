"""The alerts feature: the alert panel, the KPI strip, and the words for alerts."""
from console.ui.alerts import texts as _texts  # noqa: F401 — registers the alert error sentences

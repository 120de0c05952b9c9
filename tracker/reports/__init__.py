"""The coordinator's view: dashboards, period reports, the appendix, exports and charts.

Counting rules (shared by the page, the exports and `flask report`) are documented in
`tracker.reports.queries`; the report dictionary is assembled in `tracker.reports.service`.
"""

"""Directives (văn bản chỉ đạo): the documents tasks come from.

`services.py` writes them (with their tasks), `queries.py` reads the list, `issuers.py`
normalises who issued them; `forms.py` (with the reporting cadences), `views.py`.
"""

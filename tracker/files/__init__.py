"""Attachments: storage and upload limits, PDF signatures, downloads.

`storage.py` keeps the files, `limits.py` bounds what an upload may unpack, `signatures.py` and
`signing.py` check PDF signatures offline; `downloads.py` sends a file under the visibility rules
of what it belongs to, for the page (`views.py`) and the API; `signing_views.py` is the office's
page of trusted roots.
"""

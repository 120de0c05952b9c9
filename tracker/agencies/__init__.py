"""The agency registry (cơ quan, đơn vị): names, aliases, reminder mailboxes, mergers.

`services.py` writes agencies (save, activate, import rows), `reorganisation.py` merges and
renames them, `importer.py` reads a spreadsheet; `forms.py`, `views.py`, `cli.py`.
"""

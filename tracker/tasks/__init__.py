"""Tasks (nhiệm vụ): the list, the task page and what is done on it, import from a spreadsheet.

- `models.py`, `services.py` (the writes: create, update, progress, complete, reopen, cancel);
- `queries.py` (the lists' SQL), `search.py`, `timeline.py` (a task's history);
- `task_form.py` — the office's task form and `task_input`, its mapping to `TaskInput` (also
  used by the directive pages and the extraction review);
- `page.py` — the task page, built for its own view and for the forms posted on it;
- `forms.py`, `views.py`, `importing.py`, `cli.py`.
"""

"""Chỉ tiêu: numeric targets and checklists on a task, and the agency's reported results."""

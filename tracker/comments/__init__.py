"""Ý kiến chỉ đạo và trao đổi: leaders and the office direct, the task's agencies reply."""

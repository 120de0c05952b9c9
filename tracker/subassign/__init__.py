"""Giao xử lý: inside an agency, an officer hands a task on to a phòng or a colleague, without
changing which agency answers to the office."""

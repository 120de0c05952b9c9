"""Công khai: an opt-in page, without login, of each agency's on-time rates for a period."""

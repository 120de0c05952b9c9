"""Công văn đôn đốc: reminder letters for the chairman to sign (issue 16 §3)."""

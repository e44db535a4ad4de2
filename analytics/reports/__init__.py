"""Figures, the meeting briefing and Excel exports."""

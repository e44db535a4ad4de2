"""Composite village scores, their sensitivity, and Alkire-Foster multidimensional poverty."""

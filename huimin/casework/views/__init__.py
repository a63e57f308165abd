"""Casework pages: doors that parse, call a service or a query, and render."""

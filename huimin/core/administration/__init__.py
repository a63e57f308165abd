"""Administration pages for an office's administrators: staff accounts, roles, jurisdictions,
and one's own password. Everything here goes through `services.py` and is audited."""

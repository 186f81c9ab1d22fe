"""The tables, one module a part of the domain (console/store/models.py names them all)."""

"""Reading a centre's GIS files: formats, coordinate systems, geometry checks. Qt-free and
store-free: plain data in, plain data out (console/services/grid_import.py writes it)."""

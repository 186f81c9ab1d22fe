"""The desktop interface: main window, docks, status bar, theme, translations."""

"""The live layer: the change-feed worker and running database work off the GUI thread."""

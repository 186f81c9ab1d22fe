"""What every Qt view of a seat shares, below both the map and the other widgets: the selection
hub, the seat's settings, the theme, the translations and the texts of refusals and states."""

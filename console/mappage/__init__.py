"""The map's Leaflet page without Qt: geometry, styles, the page and its data files, the grid
cache. The map's widgets (console/map) show it; benchmarks and tests build it headless."""

"""The live Leaflet map (the map issue builds it here)."""

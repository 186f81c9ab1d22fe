"""Field intake over HTTP: OsmAnd positions and Open311 reports (the intake issue builds it here)."""

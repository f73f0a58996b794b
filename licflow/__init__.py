"""licflow: the composition root that wires store, engine, workers and web together."""

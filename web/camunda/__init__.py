"""Camunda 7's REST API (`/engine-rest`) as Camunda clients and workers call it."""

"""Stand-ins for the outside systems licflow talks to."""

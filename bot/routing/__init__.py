"""Per-route rules: which items a route posts (filters) and how they are recorded."""

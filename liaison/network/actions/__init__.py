"""Writes of the community safety network, one module per area. Each validates, saves and audits in one
transaction."""

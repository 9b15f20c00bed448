"""The demo: not part of the product."""

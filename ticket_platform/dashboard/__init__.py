"""The support lead's dashboard: a static HTML report rendered from the marts."""

"""Constructs of the real-time stack, one concern per module."""

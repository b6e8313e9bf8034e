"""Canteen services: every write of this app goes through one of these functions."""

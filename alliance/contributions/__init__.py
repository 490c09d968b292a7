"""Cooperations contributed by editors: storage, file import, merge into the catalogue."""

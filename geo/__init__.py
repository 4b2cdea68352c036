"""Dateline's geoparsing pipeline."""

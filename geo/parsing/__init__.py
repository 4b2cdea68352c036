"""Parsing: recognise place names in an article (spaCy + gazetteer ruler) and resolve each to a place."""

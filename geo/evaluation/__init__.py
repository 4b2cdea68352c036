"""Evaluation: the pipeline scored on gold corpora with the EUPEG protocol."""

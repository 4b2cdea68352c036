"""Input: files, folders and rows in; cleaned, dated ``Article`` records (or ``InputProblem``) out."""

"""The grounded generation engine: question + Catalog → checked T-SQL or an honest refusal.

Pure: no editor types. Imports catalog and analysis only; the language server,
the CLI, the evaluation and the training dataset all call the same functions.
"""

"""The SQL text layer: how T-SQL text is read before anything parses it.

One tokenizer (:mod:`.tokens`), one ``GO``-batch scan (:mod:`.batches`) and one
notion of a line (:mod:`.lines`), shared by the DDL importer (catalog) and the
analyzer and editor features (server), so a fix to how a script is cut or
tokenized is made, and tested, once. It depends on nothing else in vgpt2.
"""

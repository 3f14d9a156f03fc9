"""``vgpt2-train dataset``: checked training data from the catalog, the shop's SQL and its pairs."""

"""Data files of the retrieval library (place names, tags, stopwords, prompts, messages)."""

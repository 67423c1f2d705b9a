"""Keeping the user safe: the secret guard, fake-support signals, the notebook
key and field encryption. Nothing here imports the CLI or the store."""

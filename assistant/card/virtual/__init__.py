"""The virtual Belgian eID card: a card model with synthetic citizens and two links to it."""

"""The committed data the app runs from: vocabularies, reference geography, catalogue, workshop, scenes."""

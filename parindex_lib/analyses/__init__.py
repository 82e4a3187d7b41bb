"""The analyses of an index: trends, weighting, lift."""

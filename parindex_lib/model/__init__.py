"""The model: the methodology as data (components, schemes), the tidy table's schema, and the index of one unit."""

"""cqpi-graph: a knowledge graph of French professional certifications and their equivalences."""

__version__ = "0.1.0"

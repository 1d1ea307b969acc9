"""docket: ML-assisted processing of incoming correspondence of Russian government bodies."""

__version__ = "0.1.0"

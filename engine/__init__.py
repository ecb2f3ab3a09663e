"""slacheck: a rules-engine compliance checker for the SLA annex (Bijlage 12a) of an ICT managed-services contract."""

__version__ = "0.1.0"

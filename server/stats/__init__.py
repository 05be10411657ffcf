"""Statistics, the delivery gate and reports over HTTP (thin views over domain.stats)."""

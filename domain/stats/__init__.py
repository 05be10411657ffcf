"""Statistics over defects and rounds (no Flask): filters, the numbers, and the delivery gate's counts."""

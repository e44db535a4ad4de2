"""The stored facts: the data contract, the indicator catalogue, per-village aggregates, the snapshot store and the audit log."""

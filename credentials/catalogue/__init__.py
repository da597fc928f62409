"""The credential catalogue as plain data, loaded by the `credentials` data migration."""

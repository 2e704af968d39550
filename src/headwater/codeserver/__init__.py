"""Code servers: one process per code location serving it over gRPC, and their client."""

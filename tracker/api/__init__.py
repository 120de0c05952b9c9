"""The REST API (`/api/v1`): personal tokens, JSON reads and writes, the OpenAPI document."""

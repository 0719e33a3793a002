"""Documents service: HTML templates rendered to (archival) PDF, numbered, kept, cancelled."""

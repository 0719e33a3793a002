"""Core's own manifest: data only, read like a plugin's."""
MANIFEST = {
    "name": "core",
    "version": "0.1.0",
    "summary": "Platform: users and roles, partners, audit log, sequences, documents",
    "depends": [],
    "optional": [],
}

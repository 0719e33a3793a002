"""Manifest of the donors plugin: data only, read by core without importing the plugin."""
MANIFEST = {
    "name": "donors",
    "version": "0.1.0",
    "summary": "Donors, donations in kind and in money, surplus offers, donation documents",
    "depends": [],
    "optional": ["inventory"],
}

"""Manifest of the compliance plugin: data only, read by core without importing the plugin."""
MANIFEST = {
    "name": "compliance",
    "version": "0.1.0",
    "summary": "Tax paperwork, traceability and recalls, food-safety and personal-data records",
    "depends": ["donors"],
    "optional": ["inventory", "canteen"],
}

"""Manifest of the inventory plugin: data only, read by core without importing the plugin."""
MANIFEST = {
    "name": "inventory",
    "version": "0.1.0",
    "summary": "Warehouse stock, lots and date marks, FEFO picking, requests and distributions",
    "depends": [],
    "optional": [],
}

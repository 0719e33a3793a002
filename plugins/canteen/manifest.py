"""Manifest of the canteen plugin: data only, read by core without importing the plugin."""
MANIFEST = {
    "name": "canteen",
    "version": "0.1.0",
    "summary": "Social canteens: beneficiaries, menus, recipes, the meal register, reports",
    "depends": [],
    "optional": ["inventory"],
}

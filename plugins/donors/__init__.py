"""The donors plugin. See manifest.py; features land with the plugin's own issue."""

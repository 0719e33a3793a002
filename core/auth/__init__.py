"""Users, roles, permissions and the one gate that checks them."""

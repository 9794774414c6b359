"""The list format: reading a list, its style, rendering new entries, inserting them."""

"""Importing from data.police.uk: the API client, the shape conversions, the ownership
rule that keeps editors' work safe, and the two imports (neighbourhoods, crime)."""

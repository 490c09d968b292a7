"""Files users take away: standalone HTML/PNG maps, tables of a selection."""

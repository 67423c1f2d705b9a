"""Reading what people type: times, transaction IDs and explorer links,
amounts. Pure functions, no CLI or database imports, cheap to import."""

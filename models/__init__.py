"""Poor-outcome model: published tables, reconstructed pseudo-cohort, fitted model."""

"""What changes credentials: definitions (staff), pursuits, evidence, consent, packets."""

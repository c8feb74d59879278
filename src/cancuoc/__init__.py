"""cancuoc: a citizen-ID-card issuance campaign on top of a population register."""

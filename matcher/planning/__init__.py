"""What to change for a person, and whom to propose where."""

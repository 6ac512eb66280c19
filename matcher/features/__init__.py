"""The four features; each scores all vacancies for candidates at once and explains one pair."""

"""What happened to proposals, and learning from it: the record, figures, tuning."""

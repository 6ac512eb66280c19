"""Minutes door to door, at an hour: postcodes, distances, travel-time estimates."""

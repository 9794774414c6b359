"""Getting papers in (the edge in): the day's listing from the feed, the API or a replay."""

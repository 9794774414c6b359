"""The use cases the commands compose: the daily run and the retraining."""

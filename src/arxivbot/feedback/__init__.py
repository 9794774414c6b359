"""What maintainers decided: collecting decisions from PRs, the decisions file."""

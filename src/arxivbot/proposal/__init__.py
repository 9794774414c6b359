"""What a proposal says: placement, entry facts, the PR body and its hidden metadata."""

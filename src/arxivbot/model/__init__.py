"""The relevance model: classifier, storage, training data and the backtest."""

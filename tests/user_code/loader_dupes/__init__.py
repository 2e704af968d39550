"""Two modules define different assets with the same key: the loaders must name both."""

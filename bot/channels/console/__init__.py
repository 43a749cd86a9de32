"""Console channel: stdin/stdout chat and the operators' digest notifiers."""

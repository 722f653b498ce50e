"""Command-line tools for the customer-segmentation project."""

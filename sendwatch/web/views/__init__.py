"""The web app's pages, one module per family: public pages, subscriptions, feeds and data."""

"""Session services: state keys, loading and caching the data, saved runs, the training job,
background jobs and the fairness audit's cache. Nothing here renders a page; nothing here imports
``recsys.ui.views``."""

"""Page rendering: one module per page's sections and the widgets the pages share (user and run
pickers, failure messages, safe text). Views read ``recsys.ui.session`` and draw ``recsys.ui.charts``."""

"""What RecLens writes and prints, shared by the CLI and the app.

- ``recsys.output.spreadsheet``: spreadsheet-safe CSV (every CSV RecLens writes).
- ``recsys.output.paths``: output paths checked against their format before any work.
- ``recsys.output.files``: tables written chunk by chunk in the format their name says.
- ``recsys.output.terminal``: printing file content so it cannot control the terminal.

Nothing is imported here, so ``recsys.output.paths`` and ``recsys.output.terminal`` stay cheap
for the CLI's parser; import from the submodules.
"""

"""How an audit is shown: the terminal report (Rich) and the self-contained HTML page."""

"""The course as a static website: one page per day from the day's model, built with MkDocs.

plots (the lesson's figures, drawn from the reference module at build time) -> pages (Markdown per
day and a home page) -> config (mkdocs.yml, MathJax copied from a package) -> build (``daykit
site``: mkdocs build --strict, then JupyterLite with --lite) -> audit (nothing secret in the site).
"""

"""The MkDocs project of the site: mkdocs.yml and the assets the pages need at view time.

Everything a page loads is in the built folder: Material with ``theme.font: false`` (no web fonts),
its search plugin (the index and its worker are local), and MathJax 3 copied from the
django-static-mathjax package (its ``es5`` build), configured for pymdownx.arithmatex. No page loads a
script, a style or a font from another host. (Material's ``offline`` plugin is left out: it loads a
shim from a CDN.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from daykit.course import CourseError

# The parts of MathJax's es5 build that TeX input with CommonHTML output can load: the combined file,
# the TeX extensions it autoloads, its fonts, the menu and the accessibility components the menu offers.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "ui", "a11y", "sre")

MATHJAX_CONFIG = """\
// MathJax 3 reads this before it loads: typeset only what pymdownx.arithmatex marked as math.
window.MathJax = {
  tex: {
    inlineMath: [["\\\\(", "\\\\)"]],
    displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  }
};
"""

STYLE = """\
/* Plots are drawn at a fixed size: let them shrink on narrow screens, never stretch. */
.md-typeset img { max-width: 100%; height: auto; }

/* Hints (??? hint): Material's own custom-admonition recipe, in the colours and icon of a tip. */
.md-typeset .admonition.hint, .md-typeset details.hint { border-color: #00bfa5; }
.md-typeset .hint > .admonition-title, .md-typeset .hint > summary { background-color: rgba(0, 191, 165, 0.1); }
.md-typeset .hint > .admonition-title::before, .md-typeset .hint > summary::before {
  background-color: #00bfa5;
  -webkit-mask-image: var(--md-admonition-icon--tip);
  mask-image: var(--md-admonition-icon--tip);
}
"""


def mathjax_source() -> Path:
    """MathJax's es5 build as the django-static-mathjax package ships it."""
    try:
        import mathjax  # django-static-mathjax: MathJax's files, nothing else
    except ImportError:
        raise CourseError("MathJax is missing: install the site tools with pip install -e \".[site]\".") from None
    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").exists():
        raise CourseError(f"{folder} holds no tex-chtml.js: reinstall django-static-mathjax.")
    return folder


def write_assets(docs: Path) -> None:
    """MathJax, its configuration and the site's small stylesheet, into the docs folder."""
    source = mathjax_source()
    target = docs / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    (docs / "javascripts").mkdir(parents=True, exist_ok=True)
    (docs / "javascripts" / "mathjax-config.js").write_text(MATHJAX_CONFIG, encoding="utf-8")
    (docs / "stylesheets").mkdir(parents=True, exist_ok=True)
    (docs / "stylesheets" / "daykit.css").write_text(STYLE, encoding="utf-8")


def mkdocs_config(title: str, docs: Path, site: Path, nav: list[tuple[str, str]], site_url: str | None) -> dict:
    """mkdocs.yml as a dictionary (written as JSON, which YAML reads as it is)."""
    config = {
        "site_name": title,
        "docs_dir": str(docs),
        "site_dir": str(site),
        "use_directory_urls": False,
        "strict": True,
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.footer", "navigation.top", "content.code.copy", "search.highlight"],
            "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"},
        },
        "plugins": ["search"],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "tables",
            "pymdownx.details",
            "pymdownx.superfences",
            {"pymdownx.highlight": {"anchor_linenums": False}},
            {"pymdownx.arithmatex": {"generic": True}},
            {"toc": {"permalink": True}},
        ],
        "extra_javascript": ["javascripts/mathjax-config.js", "mathjax/tex-chtml.js"],
        "extra_css": ["stylesheets/daykit.css"],
        "nav": [{label: page} for label, page in nav],
    }
    if site_url:
        config["site_url"] = site_url
    return config


def write_config(path: Path, config: dict) -> None:
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

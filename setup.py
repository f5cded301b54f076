"""Packaging hook: a wheel ships templates/, static/ and migrations/ inside `webapp`.

They stay at the top of the checkout, where people look for them; setuptools'
package data can only name files under a package's own folder, so the build
copies the three trees into the built `webapp` package. create_app looks there
first (an installed wheel) and then in the checkout (an editable install).
Everything else about the project is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# The folders webapp.config.site_folder() looks up.
SHIPPED_TREES = ("templates", "static", "migrations")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for tree in SHIPPED_TREES:
            for source in sorted(Path(tree).rglob("*")):
                if source.is_file() and "__pycache__" not in source.parts:
                    target = Path(self.build_lib) / "webapp" / source
                    self.mkpath(str(target.parent))
                    self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithSiteFiles})

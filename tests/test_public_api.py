"""The public surface: __all__ is sorted, complete and importable."""

import subprocess
import sys
import types

import lupusscore


def test_all_is_sorted_and_complete() -> None:
    """Every public top-level name is in __all__, and __all__ is sorted."""
    public = {
        name
        for name, obj in vars(lupusscore).items()
        if not name.startswith("_") and not isinstance(obj, types.ModuleType)
    }
    public.add("__version__")
    assert lupusscore.__all__ == sorted(lupusscore.__all__)
    assert set(lupusscore.__all__) == public


def test_every_exported_name_resolves() -> None:
    """Each name in __all__ is an attribute of the package."""
    for name in lupusscore.__all__:
        assert hasattr(lupusscore, name), name


def test_version_is_a_string() -> None:
    """__version__ comes from the installed metadata."""
    assert isinstance(lupusscore.__version__, str)
    assert lupusscore.__version__[0].isdigit()


def test_import_pulls_no_optional_extras() -> None:
    """Importing lupusscore imports none of its optional extras.

    scipy and dask are not listed: pint itself imports them when they are
    installed (``pint.compat``), which the ``stats`` and ``dask`` extras bring.
    """
    optional = (
        "pandas",
        "polars",
        "pyarrow",
        "narwhals",
        "fhir.resources",
        "matplotlib",
        "statsmodels",
        "dask.dataframe",
        "distributed",
        "pyreadstat",
        "IPython",
    )
    code = (
        "import sys, lupusscore; "
        f"bad = [m for m in {optional!r} if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False)
    assert done.returncode == 0


def test_py_typed_marker_ships() -> None:
    """The package is marked as typed (PEP 561)."""
    from importlib import resources

    assert resources.files("lupusscore").joinpath("py.typed").is_file()

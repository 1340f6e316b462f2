"""Turn what a caller hands over into a plain FHIR JSON dict, and walk it.

A Bundle arrives as a dict, JSON text, a path, or a ``fhir.resources``
object. With the optional extra ``fhir`` installed, the dict is validated
against ``fhir.resources.R4B`` (the R4 models; the package's default models
are R5 and mis-read R4); the reader then works on the plain JSON dict in
either case, so the result does not depend on the extra.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from lupusscore._checks import describe
from lupusscore.errors import InvalidValueError, MissingExtraError

__all__ = [
    "Located",
    "as_bundle_dict",
    "iter_resources",
    "r4b_bundle_class",
]

#: Longest list of validation problems quoted in an error.
_MAX_SHOWN: Final = 5
_R4B_PREFIX: Final = "fhir.resources.R4B."


@dataclass(frozen=True, slots=True)
class Located:
    """One resource of a Bundle with where it was found.

    Attributes
    ----------
    resource : dict
        The resource as JSON.
    full_url : str or None
        The entry's ``fullUrl``.
    path : str
        Where in the input (``"entry[3]"``, ``"entry[2].resource.entry[0]"``).
    """

    resource: Mapping[str, Any]
    full_url: str | None
    path: str


def r4b_bundle_class(feature: str) -> Any:
    """Return ``fhir.resources.R4B.bundle.Bundle`` or raise MissingExtraError."""
    try:
        from fhir.resources.R4B.bundle import Bundle  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError(
            package="fhir.resources", feature=feature, extra="fhir"
        ) from None
    return Bundle


def _fhir_resources_installed() -> bool:
    try:
        r4b_bundle_class("validation")
    except MissingExtraError:
        return False
    return True


def _from_model(bundle: object) -> dict[str, Any]:
    module = type(bundle).__module__
    if not module.startswith(_R4B_PREFIX):
        raise InvalidValueError(
            field="bundle",
            value=f"{module}.{type(bundle).__name__}",
            expected="a fhir.resources.R4B Bundle (the default fhir.resources "
            "models are FHIR R5, which mis-read R4 data)",
        )
    text = bundle.model_dump_json(by_alias=True, exclude_none=True)  # type: ignore[attr-defined]
    data: dict[str, Any] = json.loads(text)
    return data


def _parse_text(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise InvalidValueError(
            field="bundle", value=where, expected=f"FHIR JSON ({type(err).__name__})"
        ) from None


def _loaded(bundle: object) -> object:
    if isinstance(bundle, Mapping):
        return bundle
    if isinstance(bundle, bytes | bytearray):
        try:
            return _parse_text(bytes(bundle).decode("utf-8"), "bytes")
        except UnicodeDecodeError:
            raise InvalidValueError(
                field="bundle", value="bytes", expected="UTF-8 FHIR JSON"
            ) from None
    if isinstance(bundle, str) and bundle.lstrip().startswith("{"):
        return _parse_text(bundle, describe(bundle))
    if isinstance(bundle, str | os.PathLike):
        path = Path(bundle)
        if not path.is_file():
            raise InvalidValueError(
                field="bundle",
                value=describe(str(bundle)),
                expected="a FHIR Bundle: a dict, JSON text, the path of a JSON "
                "file, or a fhir.resources.R4B Bundle",
            )
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InvalidValueError(
                field="bundle",
                value=str(path),
                expected=f"a readable UTF-8 JSON file ({type(err).__name__})",
            ) from None
        return _parse_text(text, str(path))
    if type(bundle).__module__.startswith("fhir.resources"):
        return _from_model(bundle)
    raise InvalidValueError(
        field="bundle",
        value=describe(bundle),
        expected="a FHIR Bundle: a dict, JSON text, the path of a JSON file, or "
        "a fhir.resources.R4B Bundle",
    )


def _validate_r4b(data: Mapping[str, Any]) -> None:
    bundle_cls = r4b_bundle_class("validating a Bundle with fhir.resources")
    from pydantic import ValidationError  # noqa: PLC0415

    try:
        bundle_cls.model_validate(dict(data))
    except ValidationError as err:
        problems = [
            ".".join(str(p) for p in e["loc"]) + ": " + str(e["msg"])
            for e in err.errors()[:_MAX_SHOWN]
        ]
        more = err.error_count() - len(problems)
        tail = f" (and {more} more)" if more > 0 else ""
        raise InvalidValueError(
            field="bundle",
            value="; ".join(problems) + tail,
            expected="a Bundle valid under FHIR R4 (fhir.resources.R4B)",
        ) from None


def as_bundle_dict(bundle: object, *, validate: bool | None) -> dict[str, Any]:
    """Return *bundle* as a plain FHIR JSON dict of a Bundle.

    Parameters
    ----------
    bundle : dict, str, path or fhir.resources.R4B Bundle
        The input. A ``str`` whose first non-blank character is ``{`` is JSON
        text; any other ``str`` is a path.
    validate : bool or None
        Validate with ``fhir.resources.R4B``: ``None`` when it is installed,
        ``True`` always (``MissingExtraError`` naming the extra ``fhir``
        without it), ``False`` never.
    """
    if validate is not None and not isinstance(validate, bool):
        raise InvalidValueError(
            field="validate", value=describe(validate), expected="True, False or None"
        )
    data = _loaded(bundle)
    if not isinstance(data, Mapping) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, Mapping) else None
        raise InvalidValueError(
            field="bundle.resourceType",
            value=describe(kind if kind is not None else data),
            expected="'Bundle'",
        )
    if validate or (validate is None and _fhir_resources_installed()):
        _validate_r4b(data)
    return dict(data)


def iter_resources(bundle: Mapping[str, Any], path: str = "") -> Iterator[Located]:
    """Yield every resource of *bundle*, nested Bundles included, in order."""
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise InvalidValueError(
            field=f"{path}entry", value=describe(entries), expected="a list"
        )
    for i, entry in enumerate(entries):
        where = f"{path}entry[{i}]"
        if not isinstance(entry, Mapping):
            raise InvalidValueError(
                field=where, value=describe(entry), expected="a Bundle entry object"
            )
        resource = entry.get("resource")
        if resource is None:
            continue  # a request-only entry (DELETE) carries no resource
        if not isinstance(resource, Mapping) or not isinstance(
            resource.get("resourceType"), str
        ):
            raise InvalidValueError(
                field=f"{where}.resource",
                value=describe(resource),
                expected="a FHIR resource with a resourceType",
            )
        full_url = entry.get("fullUrl")
        located = Located(
            resource=resource,
            full_url=full_url if isinstance(full_url, str) else None,
            path=where,
        )
        if resource["resourceType"] == "Bundle":
            yield from iter_resources(resource, f"{where}.resource.")
        else:
            yield located

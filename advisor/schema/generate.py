"""Generate ``ecs.schema.json`` from botocore's ECS service model.

Run ``python -m advisor.schema.generate`` after upgrading botocore. The lint path never imports
botocore: it reads the generated file, so this module only *reads* botocore's data files and
imports nothing of botocore itself.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("ecs.schema.json")

# The request and response shapes ecs-advisor validates documents against.
ROOT_SHAPES = (
    "RegisterTaskDefinitionRequest",
    "TaskDefinition",
    "DescribeTaskDefinitionResponse",
    "CreateServiceRequest",
    "Service",
    "DescribeServicesResponse",
    "CreateServiceResponse",
    "RunTaskRequest",
    "CreateClusterRequest",
    "Cluster",
)

# Requirements the ECS API enforces on the server side but the model does not declare:
# RegisterTaskDefinition rejects a container definition without a name or an image, and an
# empty container list ("Container list cannot be empty").
SERVER_SIDE_REQUIRED = {"ContainerDefinition": ["name", "image"]}
SERVER_SIDE_MIN_ITEMS = {("RegisterTaskDefinitionRequest", "containerDefinitions"): 1}

# Documents as people keep them: a registration file may carry describe-only fields (console
# exports do), which the output-only-field rule reports instead of unknown-field.
DOCUMENT_SHAPES = {
    "TaskDefinitionDocument": ("RegisterTaskDefinitionRequest", "TaskDefinition"),
    "ServiceDocument": ("CreateServiceRequest", "Service"),
    "ClusterDocument": ("CreateClusterRequest", "Cluster"),
}


def botocore_model_path() -> Path:
    """Locate botocore's ECS model without importing botocore."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("botocore is not installed: pip install -e '.[schema]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "ecs" / "2014-11-13"
    for name in ("service-2.json.gz", "service-2.json"):
        if (folder / name).exists():
            return folder / name
    raise SystemExit(f"no ECS service model under {folder}")


def load_model(path: Path) -> dict[str, Any]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _inline(shape: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for a scalar shape."""
    kind = shape["type"]
    if kind == "string":
        out: dict[str, Any] = {"type": "string"}
        if "enum" in shape:
            out["enum"] = list(shape["enum"])
        if "min" in shape:
            out["minLength"] = shape["min"]
        if "max" in shape:
            out["maxLength"] = shape["max"]
        return out
    if kind in ("integer", "long"):
        out = {"type": "integer"}
    elif kind in ("double", "float"):
        out = {"type": "number"}
    elif kind == "boolean":
        return {"type": "boolean"}
    elif kind == "timestamp":
        # Describe output and console exports carry ISO strings or epoch seconds.
        return {"type": ["string", "number"]}
    else:
        raise ValueError(f"unsupported shape type {kind!r}")
    if "min" in shape:
        out["minimum"] = shape["min"]
    if "max" in shape:
        out["maximum"] = shape["max"]
    return out


class _Converter:
    def __init__(self, shapes: dict[str, Any]) -> None:
        self.shapes = shapes
        self.defs: dict[str, Any] = {}

    def ref(self, name: str) -> dict[str, Any]:
        shape = self.shapes[name]
        kind = shape["type"]
        if kind == "structure":
            if name not in self.defs:
                self.defs[name] = {}  # reserve first: structures are recursive
                self.defs[name] = self.structure(name, shape)
            return {"$ref": f"#/$defs/{name}"}
        if kind == "list":
            out: dict[str, Any] = {"type": "array", "items": self.ref(shape["member"]["shape"])}
            if "min" in shape:
                out["minItems"] = shape["min"]
            if "max" in shape:
                out["maxItems"] = shape["max"]
            return out
        if kind == "map":
            return {"type": "object", "additionalProperties": self.ref(shape["value"]["shape"])}
        return _inline(shape)

    def structure(self, name: str, shape: dict[str, Any]) -> dict[str, Any]:
        properties = {}
        for member, spec in shape["members"].items():
            prop = self.ref(spec["shape"])
            if spec.get("deprecated") or self.shapes[spec["shape"]].get("deprecated"):
                prop = {**prop, "deprecated": True}
            properties[member] = prop
        out: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        required = list(shape.get("required", [])) + SERVER_SIDE_REQUIRED.get(name, [])
        if required:
            out["required"] = required
        return out


def build_schema(model: dict[str, Any], source: str) -> dict[str, Any]:
    converter = _Converter(model["shapes"])
    for root in ROOT_SHAPES:
        converter.ref(root)
    defs = converter.defs
    for (shape, member), count in SERVER_SIDE_MIN_ITEMS.items():
        defs[shape]["properties"][member] = {**defs[shape]["properties"][member], "minItems": count}
    # A bare list of container definitions (Terraform), seen as a task definition holding it.
    defs["ContainerDefinitionList"] = {
        "type": "object",
        "properties": {
            "containerDefinitions": defs["RegisterTaskDefinitionRequest"]["properties"][
                "containerDefinitions"
            ]
        },
        "additionalProperties": False,
    }
    for doc_name, (request, output) in DOCUMENT_SHAPES.items():
        request_props = defs[request]["properties"]
        output_props = defs[output]["properties"]
        merged = {**output_props, **request_props}
        defs[doc_name] = {
            "type": "object",
            "properties": merged,
            "additionalProperties": False,
            "required": defs[request].get("required", []),
            "x-output-only": sorted(set(output_props) - set(request_props)),
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated by advisor/schema/generate.py; do not edit by hand.",
        "x-source": source,
        "$defs": dict(sorted(defs.items())),
    }


def main() -> int:
    path = botocore_model_path()
    model = load_model(path)
    version = importlib.metadata.version("botocore")
    source = f"botocore {version} ecs {model['metadata']['apiVersion']}"
    schema = build_schema(model, source)
    SCHEMA_PATH.write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_PATH} ({len(schema['$defs'])} definitions, {source})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

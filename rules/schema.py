"""Rules derived from AWS's own ECS API model (botocore's service-2.json)."""

from __future__ import annotations

from collections.abc import Iterator

from advisor.model import ERROR, WARNING, Kind, Resource
from advisor.rules.base import Hit, Rule, RuleOptions
from advisor.schema.validate import INVALID, REQUIRED, UNKNOWN

# Every kind a file can hold; resources without a schema definition (CDK code, CloudTrail
# records) have no schema errors to report.
_DOCUMENTS = (Kind.TASK_DEFINITION, Kind.SERVICE, Kind.CLUSTER, Kind.RUN_TASK)
# The API a bare file of each kind is input to, for messages.
_API = {
    Kind.TASK_DEFINITION: "register-task-definition",
    Kind.SERVICE: "create-service",
    Kind.CLUSTER: "create-cluster",
    Kind.RUN_TASK: "run-task",
}


class _SchemaRule(Rule[Resource]):
    kind: str

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        # Empty for AWS's own output (valid API data, whatever botocore version we ship) and
        # for resources no schema describes (CDK code).
        for error in resource.schema_errors:
            if error.kind == self.kind:
                pointer = resource.at(*error.path)
                if error.kind == REQUIRED:  # point at the object that should hold the key
                    pointer = resource.at(*error.path[:-1])
                yield Hit(pointer, error.message)


class UnknownField(_SchemaRule):
    code = "ECS101"
    name = "unknown-field"
    severity = ERROR
    applies_to = _DOCUMENTS
    kind = UNKNOWN
    summary = "A key that the ECS API does not know (usually a typo or a key at the wrong level)."
    rationale = (
        "AWS rejects a request with an unknown parameter, so the file fails at deploy time; and a "
        "misspelt optional key (`portMapping`, `essental`) is worse, because tools that ignore "
        "unknown keys silently drop the setting you meant. Field names come from botocore's ECS "
        "service model, the same model the AWS CLI validates against."
    )
    example = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "essental": true}
  ]
}"""
    fixed = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "essential": true}
  ]
}"""
    fix = "Correct the key's spelling (the message suggests the closest field) or move it to the object it belongs to."


class InvalidFieldValue(_SchemaRule):
    code = "ECS102"
    name = "invalid-field-value"
    severity = ERROR
    applies_to = _DOCUMENTS
    kind = INVALID
    summary = "A value of the wrong type, outside its range, or not one of the allowed values."
    rationale = (
        '`"containerPort": "80"` or `"networkMode": "awsvpc "` look harmless but the API '
        "rejects them (`aws ecs register-task-definition --cli-input-json` fails with "
        '"Invalid type for parameter"). Types, enums and ranges come from the AWS model; values '
        "holding template placeholders such as `${PORT}` are left alone."
    )
    example = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": "80"}]}
  ]
}"""
    fixed = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80}]}
  ]
}"""
    fix = "Use the type and value the message names: numbers without quotes, enum values exactly as AWS spells them."


class MissingRequiredField(_SchemaRule):
    code = "ECS103"
    name = "missing-required-field"
    severity = ERROR
    applies_to = _DOCUMENTS
    kind = REQUIRED
    summary = "A field the ECS API requires is absent (e.g. `family`, a container's `image`)."
    rationale = (
        "The registration or service creation fails, usually late, in a deployment pipeline. "
        "Required fields come from the AWS model, plus the container `name` and `image` that the "
        "API requires although the model does not mark them."
    )
    example = """{
  "family": "web",
  "containerDefinitions": [{"name": "web"}]
}"""
    fixed = """{
  "family": "web",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]
}"""
    fix = "Add the missing field; the finding points at the object that should hold it."


class OutputOnlyField(Rule[Resource]):
    code = "ECS104"
    name = "output-only-field"
    severity = WARNING
    applies_to = _DOCUMENTS
    summary = "A file meant for registration carries fields that only describe output has."
    rationale = (
        "Console exports and `describe-task-definition` dumps include `taskDefinitionArn`, "
        "`revision`, `status`, `requiresAttributes`, `compatibilities`, `registeredAt`, ...; "
        "`aws ecs register-task-definition --cli-input-json` rejects them as unknown parameters. "
        'Not raised inside a `{"taskDefinition": ...}` or `{"services": [...]}` describe '
        "response, which is output by nature. If the file only ever feeds a tool that strips "
        "these fields (the amazon-ecs-deploy-task-definition GitHub Action does), add "
        "`output-only-field` to `ignore`."
    )
    example = """{
  "family": "web",
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
  "revision": 3,
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]
}"""
    fixed = """{
  "family": "web",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]
}"""
    fix = 'Delete the describe-only fields, or keep the file as a `{"taskDefinition": ...}` describe response.'

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        if resource.wrapped or not resource.definition:
            return
        from advisor.schema.validate import shared_validator

        output_only = shared_validator().definition(resource.definition).get("x-output-only", ())
        present = [key for key in resource.data if key in output_only]
        if present:
            fields = ", ".join(present)
            noun = "field" if len(present) == 1 else "fields"
            yield Hit(
                resource.at(present[0]),
                f"describe-only {noun} {fields} in a file for {_API[resource.kind]}, which "
                "rejects them",
            )


class DuplicateKey(Rule[Resource]):
    code = "ECS105"
    name = "duplicate-key"
    severity = WARNING
    applies_to = _DOCUMENTS
    summary = "A key appears twice in one object; JSON tools silently keep only the last value."
    rationale = (
        "The AWS CLI, boto3 and most JSON parsers keep the last of two equal keys without a word, "
        "so the first value (often the one someone just edited, or half of a merge conflict) has "
        "no effect. The finding points at the value that wins."
    )
    example = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27", "image": "nginx:1.25"}
  ]
}"""
    fixed = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx:1.27"}
  ]
}"""
    fix = "Delete the copy you do not mean; keep one key per object."

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        prefix = resource.pointer + "/"
        for pointer in resource.document.duplicate_keys:
            if pointer.startswith(prefix) or not resource.pointer:
                key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
                yield Hit(
                    pointer, f"key {key!r} appears more than once here; only this last value counts"
                )

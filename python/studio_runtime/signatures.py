"""Signature specs -> real ``dspy.Signature`` classes.

A spec is ``{"input_fields": [...], "output_fields": [...], "instructions": "..."}``; each field
is ``{"name", "type", "description"?, "items"?, "schema"?}`` with type one of string, number,
integer, boolean, array (``items``: a type name or a field-like dict, or ``schema.items``), object
(``schema``: a JSON schema; its properties become a pydantic model so DSPy validates the output).

The signature is produced as Python SOURCE (pydantic models + a ``dspy.Signature({...}, instructions)``
expression). ``build_signature`` executes that source; ``programs.py`` embeds the same source in the
generated program files, so the exported program is runnable on its own.
"""

from __future__ import annotations

import keyword
import re

from .errors import InvalidParams

FIELD_TYPES = ("string", "number", "integer", "boolean", "array", "object")
SCALARS = {"string": "str", "number": "float", "integer": "int", "boolean": "bool"}
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED = {"signature", "demos", "config", "lm", "instructions", "fields", "forward", "inputs", "self"}


def _camel(name: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not out or not out[0].isalpha():
        out = "M" + out
    return out


class SignatureCodegen:
    """Collects the source of the pydantic models one or more signatures need."""

    def __init__(self):
        self.blocks: list[str] = []
        self.model_names: set[str] = set()
        self.uses_literal = False

    # -- JSON schema -> type expression -------------------------------------------------
    def schema_type(self, schema, hint: str, field: str, path: str) -> str:
        if not isinstance(schema, dict):
            raise InvalidParams(f"field '{field}': {path} must be a JSON schema object", field=field,
                                data={"path": path})
        if "$ref" in schema:
            raise InvalidParams(f"field '{field}': $ref is not supported in {path}; inline the schema",
                                field=field, data={"path": path})
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list) or not values or not all(
                    isinstance(v, (str, int, float, bool)) for v in values):
                raise InvalidParams(f"field '{field}': {path}.enum must be a non-empty list of scalars",
                                    field=field, data={"path": path + ".enum"})
            return "typing.Literal[" + ", ".join(repr(v) for v in values) + "]"
        for key in ("anyOf", "oneOf"):
            if key in schema:
                alts = schema[key]
                if not isinstance(alts, list) or not alts:
                    raise InvalidParams(f"field '{field}': {path}.{key} must be a non-empty list",
                                        field=field, data={"path": f"{path}.{key}"})
                exprs = [self.schema_type(a, f"{hint}{i}", field, f"{path}.{key}[{i}]") for i, a in enumerate(alts)]
                return "typing.Union[" + ", ".join(exprs) + "]"
        t = schema.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            if len(non_null) != 1:
                raise InvalidParams(f"field '{field}': {path}.type lists must hold one type (plus 'null')",
                                    field=field, data={"path": path + ".type"})
            inner = self.schema_type({**schema, "type": non_null[0]}, hint, field, path)
            return f"typing.Optional[{inner}]" if "null" in t else inner
        if t is None:
            if "properties" in schema:
                t = "object"
            elif "items" in schema:
                t = "array"
            else:
                return "typing.Any"
        if t in SCALARS:
            return SCALARS[t]
        if t == "null":
            return "None"
        if t == "array":
            items = schema.get("items")
            if items is None:
                return "list[typing.Any]"
            return f"list[{self.schema_type(items, hint + 'Item', field, path + '.items')}]"
        if t == "object":
            props = schema.get("properties")
            if not props:
                return "dict[str, typing.Any]"
            return self.model(schema, hint, field, path)
        raise InvalidParams(f"field '{field}': unknown JSON schema type {t!r} at {path}.type",
                            field=field, data={"path": path + ".type"})

    def model(self, schema, hint: str, field: str, path: str) -> str:
        props = schema.get("properties")
        if not isinstance(props, dict):
            raise InvalidParams(f"field '{field}': {path}.properties must be an object", field=field,
                                data={"path": path + ".properties"})
        required = schema.get("required", [])
        if not isinstance(required, list):
            raise InvalidParams(f"field '{field}': {path}.required must be a list", field=field,
                                data={"path": path + ".required"})
        for r in required:
            if r not in props:
                raise InvalidParams(f"field '{field}': {path}.required names unknown property {r!r}",
                                    field=field, data={"path": path + ".required"})
        name = _camel(hint)
        base, n = name, 2
        while name in self.model_names:
            name, n = f"{base}{n}", n + 1
        self.model_names.add(name)
        lines = [f"class {name}(pydantic.BaseModel):"]
        if schema.get("description"):
            lines.append(f"    {str(schema['description'])!r}")
        lines.append("    model_config = pydantic.ConfigDict(populate_by_name=True)")
        for pname, pschema in props.items():
            ppath = f"{path}.properties.{pname}"
            if not isinstance(pname, str) or not pname:
                raise InvalidParams(f"field '{field}': empty property name in {path}", field=field,
                                    data={"path": ppath})
            texpr = self.schema_type(pschema, f"{name}_{pname}", field, ppath)
            kwargs = []
            attr = pname
            if not _IDENT.match(pname) or keyword.iskeyword(pname) or pname in ("model_config",):
                attr = "f_" + re.sub(r"[^A-Za-z0-9_]", "_", pname)
                kwargs.append(f"alias={pname!r}")
            if isinstance(pschema, dict):
                if pschema.get("description"):
                    kwargs.append(f"description={str(pschema['description'])!r}")
                for js, py in (("minimum", "ge"), ("maximum", "le"), ("exclusiveMinimum", "gt"),
                               ("exclusiveMaximum", "lt"), ("minLength", "min_length"),
                               ("maxLength", "max_length"), ("minItems", "min_length"),
                               ("maxItems", "max_length"), ("pattern", "pattern")):
                    if js in pschema:
                        v = pschema[js]
                        ok = isinstance(v, str) if js == "pattern" else (
                            isinstance(v, (int, float)) and not isinstance(v, bool))
                        if not ok:
                            raise InvalidParams(f"field '{field}': {ppath}.{js} has an invalid value",
                                                field=field, data={"path": f"{ppath}.{js}"})
                        kwargs.append(f"{py}={v!r}")
            if pname in required:
                default = "..."
            else:
                texpr = f"typing.Optional[{texpr}]"
                default = "None"
            lines.append(f"    {attr}: {texpr} = pydantic.Field({', '.join([default] + kwargs)})")
        self.blocks.append("\n".join(lines))
        return name

    # -- fields -> signature --------------------------------------------------------------
    def field_type(self, f: dict, where: str, hint: str) -> str:
        name = f["name"]
        t = f.get("type", "string")
        if t in SCALARS:
            return SCALARS[t]
        if t == "array":
            items = f.get("items")
            if items is None and isinstance(f.get("schema"), dict):
                items = f["schema"].get("items")
                if items is not None:
                    return f"list[{self.schema_type(items, hint + 'Item', name, where + '.schema.items')}]"
            if items is None:
                items = "string"
            if isinstance(items, str):
                if items in SCALARS:
                    return f"list[{SCALARS[items]}]"
                if items == "object":
                    return "list[dict[str, typing.Any]]"
                raise InvalidParams(f"field '{name}': unknown array item type {items!r} "
                                    f"(use one of {', '.join(FIELD_TYPES)})", field=name,
                                    data={"path": where + ".items"})
            if isinstance(items, dict):
                if "schema" in items:
                    inner = {"name": name, "type": items.get("type", "object"), "schema": items["schema"],
                             "items": items.get("items")}
                    return f"list[{self.field_type(inner, where + '.items', hint + 'Item')}]"
                return f"list[{self.schema_type(items, hint + 'Item', name, where + '.items')}]"
            raise InvalidParams(f"field '{name}': items must be a type name or an object", field=name,
                                data={"path": where + ".items"})
        if t == "object":
            schema = f.get("schema")
            if schema is None:
                return "dict[str, typing.Any]"
            if not isinstance(schema, dict):
                raise InvalidParams(f"field '{name}': schema must be a JSON schema object", field=name,
                                    data={"path": where + ".schema"})
            if schema.get("type", "object") != "object" and "properties" not in schema:
                return self.schema_type(schema, hint, name, where + ".schema")
            return self.schema_type({**schema, "type": "object"}, hint, name, where + ".schema")
        raise InvalidParams(f"field '{name}': unknown type {t!r} (use one of {', '.join(FIELD_TYPES)})",
                            field=name, data={"path": where + ".type"})

    def signature(self, spec, var_name: str) -> str:
        """Validate ``spec`` and return the source of ``<var_name> = dspy.Signature(...)``."""
        validate_spec(spec)
        entries = []
        for kind, ctor in (("input_fields", "InputField"), ("output_fields", "OutputField")):
            for i, f in enumerate(spec[kind]):
                texpr = self.field_type(f, f"{kind}[{i}]", f"{var_name}_{f['name']}")
                desc = f.get("description") or ""
                arg = f"desc={desc!r}" if desc else ""
                entries.append(f"        {f['name']!r}: ({texpr}, dspy.{ctor}({arg})),")
        instructions = spec.get("instructions") or default_instructions(spec)
        return "\n".join([
            f"{var_name} = dspy.Signature(",
            "    {",
            *entries,
            "    },",
            f"    {instructions!r},",
            ")",
        ])

    def models_source(self) -> str:
        return "\n\n\n".join(self.blocks)


def default_instructions(spec) -> str:
    ins = ", ".join(f"`{f['name']}`" for f in spec["input_fields"])
    outs = ", ".join(f"`{f['name']}`" for f in spec["output_fields"])
    return f"Given the fields {ins}, produce the fields {outs}."


def validate_spec(spec, where: str = "signature") -> None:
    if not isinstance(spec, dict):
        raise InvalidParams(f"{where} must be an object with input_fields and output_fields", field=where)
    seen = {}
    for kind in ("input_fields", "output_fields"):
        fields = spec.get(kind)
        if not isinstance(fields, list) or not fields:
            raise InvalidParams(f"{where}.{kind} must be a non-empty list", field=kind)
        for i, f in enumerate(fields):
            if not isinstance(f, dict):
                raise InvalidParams(f"{where}.{kind}[{i}] must be an object", field=f"{kind}[{i}]")
            name = f.get("name")
            if not isinstance(name, str) or not name:
                raise InvalidParams(f"{where}.{kind}[{i}] has no name", field=f"{kind}[{i}]")
            if not _IDENT.match(name) or keyword.iskeyword(name):
                raise InvalidParams(
                    f"field '{name}': names must start with a letter and hold only letters, digits and _",
                    field=name)
            if name in RESERVED:
                raise InvalidParams(f"field '{name}': the name is reserved by DSPy", field=name)
            if name in seen:
                raise InvalidParams(f"field '{name}' is declared twice ({seen[name]} and {kind})", field=name)
            seen[name] = kind
            t = f.get("type", "string")
            if t not in FIELD_TYPES:
                raise InvalidParams(f"field '{name}': unknown type {t!r} (use one of {', '.join(FIELD_TYPES)})",
                                    field=name, data={"path": f"{kind}[{i}].type"})
            if "description" in f and f["description"] is not None and not isinstance(f["description"], str):
                raise InvalidParams(f"field '{name}': description must be a string", field=name)
    ins = spec.get("instructions")
    if ins is not None and not isinstance(ins, str):
        raise InvalidParams(f"{where}.instructions must be a string", field="instructions")


HEADER = "import typing\n\nimport dspy\nimport pydantic\n"


def signature_source(spec, var_name: str = "GeneratedSignature") -> str:
    """Standalone source defining ``var_name`` (imports, pydantic models, the signature)."""
    gen = SignatureCodegen()
    sig = gen.signature(spec, var_name)
    models = gen.models_source()
    return HEADER + "\n\n" + (models + "\n\n\n" if models else "") + sig + "\n"


def build_signature(spec, var_name: str = "GeneratedSignature"):
    """Return a real ``dspy.Signature`` class for ``spec`` (raises InvalidParams naming the field)."""
    import hashlib
    import sys
    import types

    src = signature_source(spec, var_name)
    mod_name = "studio_signature_" + hashlib.sha256(src.encode()).hexdigest()[:16]
    if mod_name in sys.modules:
        return getattr(sys.modules[mod_name], var_name)
    mod = types.ModuleType(mod_name)
    ns = mod.__dict__
    sys.modules[mod_name] = mod  # pydantic resolves annotations through sys.modules
    try:
        exec(compile(src, f"<signature {var_name}>", "exec"), ns)
    except InvalidParams:
        sys.modules.pop(mod_name, None)
        raise
    except Exception as e:  # a schema pydantic refuses (e.g. a bad regex)
        sys.modules.pop(mod_name, None)
        raise InvalidParams(f"signature could not be built: {e}", field="signature") from e
    return ns[var_name]

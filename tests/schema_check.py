#!/usr/bin/env python3
"""Every shipped policy validates against schema/divert-policy.schema.json as a YAML 1.1 tool
reads it: a plain yaml.safe_load (PyYAML), then Python's jsonschema.

usage: schema_check.py REPO_SOURCE_DIR
exit: 0 all valid, 1 any invalid, 77 (skipped) when PyYAML or jsonschema is not installed
"""
import glob
import json
import os
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print("SKIP: %s (install python3-yaml and python3-jsonschema)" % e)
    sys.exit(77)


def main(src):
    with open(os.path.join(src, "schema", "divert-policy.schema.json"), encoding="utf-8") as fh:
        schema = json.load(fh)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failed = 0
    files = sorted(glob.glob(os.path.join(src, "policies", "*.yaml")))
    for path in files:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        for error in validator.iter_errors(doc):
            failed += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print("%s: %s: %s" % (os.path.relpath(path, src), where or "(top)", error.message))
    print("schema check: %d files, %d problems" % (len(files), failed))
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

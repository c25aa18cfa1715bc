#!/usr/bin/env python3
"""Writes each operation's "Roles: ..." sentence in src/api/openapi.json from
the route policy table (src/api/route_policy.cc), so the document says what
the server enforces. Run after changing either file."""
import json
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
policy = (root / "src/api/route_policy.cc").read_text()
order = ["admin", "marketing", "sales_manager", "sales_rep", "vendor", "viewer"]
names = {"kAdmin": "admin", "kMarketing": "marketing", "kSalesManager": "sales_manager",
         "kSalesRep": "sales_rep", "kVendor": "vendor", "kViewer": "viewer"}
sets = {"kEveryone": order[:]}
for m in re.finditer(r"constexpr RoleSet (k\w+) = \{([^}]*)\};", policy):
    sets[m.group(1)] = [names[x.strip()] for x in m.group(2).split(",") if x.strip()]
table = {}
for m in re.finditer(r'\{"(GET|POST|PUT)", "([^"]+)", (\{[^}]*\}|k\w+)\}', policy):
    spec = m.group(3)
    roles = [names[x.strip()] for x in spec.strip("{}").split(",")] if spec.startswith("{") else sets[spec]
    table[(m.group(1).lower(), m.group(2))] = sorted(roles, key=order.index)

path = root / "src/api/openapi.json"
doc = json.loads(path.read_text())
for p, ops in doc["paths"].items():
    for method, op in ops.items():
        roles = table.get((method, p))
        if roles is None:
            continue
        text = "everyone signed in" if roles == order else ", ".join(roles)
        desc = re.sub(r"\s*Roles: [^.]*\.", "", op.get("description", "")).strip()
        op["description"] = (desc + " " if desc else "") + "Roles: " + text + "."
path.write_text(json.dumps(doc, indent=2) + "\n")

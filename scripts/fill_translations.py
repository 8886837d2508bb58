"""Fill a .po catalogue from a {msgid: msgstr} JSON mapping: scripts/fill_translations.py PO JSON (dev helper)."""

import json
import sys

import polib

po_path, mapping_path = sys.argv[1], sys.argv[2]
with open(mapping_path, encoding="utf-8") as handle:
    mapping = json.load(handle)
po = polib.pofile(po_path)
missing = []
for e in po:
    if e.msgid in mapping:
        v = mapping[e.msgid]
        if e.msgid_plural:
            e.msgstr_plural = {0: v}
        else:
            e.msgstr = v
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    elif not (e.msgstr or e.msgstr_plural.get(0)):
        missing.append(e.msgid)
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Language"] = "zh_Hans"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
print("missing:", missing)

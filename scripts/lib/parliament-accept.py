"""Reads parliament's --json findings on stdin and applies .parliament.yaml's ignore_locations, as parliament documents
them (every key of an entry a regular expression that must fully match the finding's location value, lower case),
plus `actions_within`: the finding's actions (its location's, else its detail's) must all be in that list, so an entry
never accepts an action added later. parliament 1.6.4 applies none of them itself: its make_list() turns a plain YAML
value into an empty list, so no entry ever matches. Prints each finding, accepted or not; exits 1 when one is not
accepted. Runs on parliament's venv python.
    usage: parliament --json ... | python parliament-accept.py CONFIG"""
import json
import re
import sys

import yaml


def finding_actions(finding):
    actions = (finding.get("location") or {}).get("actions")
    if actions is None and isinstance(finding.get("detail"), list):
        actions = [item.get("action", "") for item in finding["detail"] if isinstance(item, dict)]
    return {str(action).lower() for action in actions or []}


def accepted(finding, entries):
    location = finding.get("location") or {}
    for entry in entries:
        entry = dict(entry)
        within = {str(action).lower() for action in entry.pop("actions_within", [])}
        if within and not (finding_actions(finding) and finding_actions(finding) <= within):
            continue
        values = {key: value if isinstance(value, list) else [value] for key, value in entry.items()}
        if all(any(re.fullmatch(str(pattern).lower(), str(location.get(key, "")).lower()) for pattern in patterns)
               for key, patterns in values.items()):
            return True
    return False


def main():
    config = yaml.safe_load(open(sys.argv[1])) or {}
    failed = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        finding = json.loads(line)
        entries = (config.get(finding["issue"]) or {}).get("ignore_locations") or []
        verdict = "accepted (.parliament.yaml)" if accepted(finding, entries) else "NOT ACCEPTED"
        failed += verdict == "NOT ACCEPTED"
        where = finding["location"].get("filepath", "").rsplit("/", 1)[-1]
        print(f"{verdict}: {finding['severity']} {finding['issue']} in {where}: {finding['title']} {finding['detail'] or ''}"
              f" {json.dumps({k: v for k, v in finding['location'].items() if k != 'filepath'})}")
    return 1 if failed else 0


sys.exit(main())

"""Fail (exit 1) when a pytest JUnit XML report has skipped tests or no test at all."""

import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
cases = list(root.iter("testcase"))
skipped = [c for c in cases if c.find("skipped") is not None]
for case in skipped:
    reason = case.find("skipped").get("message", "")
    print(f"SKIPPED {case.get('classname')}::{case.get('name')}: {reason}", file=sys.stderr)
if skipped:
    sys.exit(f"tools/test: {len(skipped)} skipped test(s); no test may be skipped (see above)")
if not cases:
    sys.exit("tools/test: no test ran")

"""Odoo's own tests of the modules the addon extends (used by tools/core-tests).

Two uses:

* fed to ``odoo-bin shell`` on its standard input (``env`` is then defined): runs
  Odoo's ``odoo.tests.shell.run_tests`` with the tags in ``CS_CORE_TAGS``, at_install
  tests first, then post_install tests, both on the fully loaded registry, and writes
  what failed, errored, was skipped or logged an error to ``CS_CORE_RESULT`` (JSON);
* ``python tools/core_tests.py RESULT.json [OTHER.json]``: prints the summary of a run
  and, when the run of the other mode (with / without the addon) is given, which
  failures occur in both. Exit code 1 when the run has a failure, an error, an error
  logged during the tests or no test at all.
"""

import json
import logging
import os
import sys
import time


def _test_name(test):
    """odoo module, then Class.method (or the unittest description of a class-level error)."""
    case = getattr(test, "test_case", None) or test  # a subtest points to its test
    module = getattr(case, "test_module", None)
    if module is None:  # _ErrorHolder of a setUpClass/tearDownClass error: "setUpClass (odoo.addons.x.tests...)"
        desc = str(test)
        module = desc.split("odoo.addons.", 1)[1].split(".", 1)[0] if "odoo.addons." in desc else "?"
        return module, desc
    name = f"{type(case).__qualname__}.{case._testMethodName}"
    if case is not test:
        name += f" {test._subDescription()}"
    return module, name


def run_in_shell(env):
    from odoo import SUPERUSER_ID, api
    from odoo.tests import result as odoo_result
    from odoo.tests.shell import run_tests

    tags = os.environ["CS_CORE_TAGS"]
    modules = [m for m in os.environ.get("CS_CORE_MODULES", "").split(",") if m] or None
    out = os.environ["CS_CORE_RESULT"]
    problems, skips, logged, per_module = [], [], [], {}
    state = {"test": None}
    Result = odoo_result.OdooTestResult

    def first_line(err):
        text = f"{err[0].__name__}: {err[1]}".strip().splitlines()
        return (text[0] if text else "")[:300]

    def patched(kind, orig):
        def method(self, test, err):
            if not self._soft_fail:
                module, name = _test_name(test)
                problems.append({"kind": kind, "module": module, "test": name, "message": first_line(err)})
            return orig(self, test, err)

        return method

    orig_start, orig_skip = Result.startTest, Result.addSkip

    def start(self, test):
        state["test"] = _test_name(test)
        module = state["test"][0]
        per_module[module] = per_module.get(module, 0) + 1
        return orig_start(self, test)

    def skip(self, test, reason):
        module, name = _test_name(test)
        skips.append({"module": module, "test": name, "reason": str(reason)[:300]})
        return orig_skip(self, test, reason)

    Result.addError = patched("ERROR", Result.addError)
    Result.addFailure = patched("FAIL", Result.addFailure)
    Result.startTest, Result.addSkip = start, skip

    class ErrorLogs(logging.Handler):
        """Errors logged while a test runs (Odoo's runbot counts them, its runner does not)."""

        def emit(self, record):
            if record.msg == "%s: %s\n%s" or record.name in ("odoo.tests.result", "odoo.tests.shell"):
                return  # the report of a failed test itself (already in problems), the final count
            if not state["test"]:
                return
            module, name = state["test"]
            logged.append(
                {
                    "module": module,
                    "test": name,
                    "logger": record.name,
                    "level": record.levelname,
                    "message": record.getMessage().strip().splitlines()[0][:300] if record.getMessage().strip() else "",
                }
            )

    handler = ErrorLogs(logging.ERROR)
    logging.getLogger().addHandler(handler)

    # As odoo-bin does before post_install tests with tours: build the asset bundles
    # now rather than in the first tour's time budget.
    with env.registry.cursor() as cr:
        api.Environment(cr, SUPERUSER_ID, {})["ir.qweb"]._pregenerate_assets_bundles()

    t0 = time.time()
    report = run_tests(env, tags, modules=modules)
    logging.getLogger().removeHandler(handler)
    data = {
        "database": env.cr.dbname,
        "mode": os.environ.get("CS_CORE_MODE", ""),
        "tags": tags,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "seconds": round(time.time() - t0),
        "tests_run": report.testsRun if report else 0,
        "failures": report.failures_count if report else 0,
        "errors": report.errors_count if report else 0,
        "skipped": report.skipped if report else 0,
        "per_module": per_module,
        "problems": problems,
        "skips": skips,
        "logged_errors": logged,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)


def _key(p):
    return (p["module"], p["test"])


def summary(path, other_path=None):
    with open(path, encoding="utf-8") as f:
        run = json.load(f)
    other = None
    if other_path and os.path.exists(other_path):
        with open(other_path, encoding="utf-8") as f:
            other = json.load(f)
    modules = ", ".join(f"{m} {n}" for m, n in sorted(run["per_module"].items()))
    print(
        f"\nOdoo's own tests, {run['mode']} (database {run['database']}, {run['date']}, "
        f"{run['seconds'] // 60} min {run['seconds'] % 60} s)"
    )
    print(f"  tags: {run['tags']}")
    print(
        f"  {run['tests_run']} tests ({modules}): {run['failures']} failed, "
        f"{run['errors']} errors, {run['skipped']} skipped, "
        f"{len(run['logged_errors'])} errors logged during passing or failing tests"
    )
    failing = {_key(p) for p in run["problems"]} | {_key(p) for p in run["logged_errors"]}
    if other:
        other_failing = {_key(p) for p in other["problems"]} | {_key(p) for p in other["logged_errors"]}
        print(
            f"  compared with the run {other['mode']} of {other['date']} "
            f"({other['tests_run']} tests, {other['failures']} failed, {other['errors']} errors, "
            f"{len(other['logged_errors'])} errors logged)"
        )

    def mark(p):
        if not other:
            return ""
        return " [also in the other run]" if _key(p) in other_failing else " [ONLY in this run]"

    for p in run["problems"]:
        print(f"  {p['kind']:5} {p['module']}: {p['test']}{mark(p)}\n        {p['message']}")
    for p in run["logged_errors"]:
        print(f"  LOG   {p['module']}: {p['test']}{mark(p)}\n        {p['level']} {p['logger']}: {p['message']}")
    for s in run["skips"]:
        print(f"  SKIP  {s['module']}: {s['test']}: {s['reason']}")
    if other:
        gone = sorted(other_failing - failing)
        for module, test in gone:
            print(f"  (fails only in the other run: {module}: {test})")
    if run["tests_run"] == 0:
        print("  no test ran")
        return 1
    return 1 if failing else 0


if __name__ == "__main__":
    if "env" in globals():  # inside odoo-bin shell
        run_in_shell(env)  # noqa: F821
    else:
        sys.exit(summary(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))

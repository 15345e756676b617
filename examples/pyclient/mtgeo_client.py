#!/usr/bin/env python3
"""Post height maps to a running `mtgeo serve` and print each verdict.

Standard library only (urllib). Usage:

    python3 mtgeo_client.py [--url http://127.0.0.1:8765] [--token-file F]
                            [--spec auto] [--lot L] [--param name=value ...] FILE...

Prints one line per file: its name, PASS / FAIL / MARGINAL / ANALYSED
(no spec given) or ERROR, and the failed checks or the error text.
Exit status: 0 all analysed (and passed), 1 a part failed, 2 an error.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def analyze(url, path, params, token=None, timeout=300):
    """POST the file at path to /v1/analyze; return (status, decoded JSON body)."""
    query = dict(params)
    query.setdefault("filename", os.path.basename(path))
    with open(path, "rb") as f:
        data = f.read()
    req = urllib.request.Request(
        url.rstrip("/") + "/v1/analyze?" + urllib.parse.urlencode(query),
        data=data, method="POST",
        headers={"Content-Type": "application/octet-stream"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:  # 4xx/5xx carry {"error": "..."}
        body = e.read()
        try:
            return e.code, json.loads(body)
        except ValueError:
            return e.code, {"error": body.decode("utf-8", "replace")}


def verdict(report):
    grade = report.get("grade")
    if grade is None:
        return "ANALYSED", []
    failed = [c["name"] + ("" if c.get("fiber") is None else "[%d]" % c["fiber"])
              for c in grade["checks"] if not c["pass"]]
    if grade["pass"]:
        return "PASS", failed
    return ("MARGINAL" if grade.get("marginal") else "FAIL"), failed


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8765")
    ap.add_argument("--token-file")
    ap.add_argument("--spec")
    ap.add_argument("--layout")
    ap.add_argument("--lot")
    ap.add_argument("--param", action="append", default=[], help="any analyze option as name=value, e.g. fit_radius=40")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    token = None
    if a.token_file:
        with open(a.token_file) as f:
            token = f.read().rstrip("\n").rstrip("\r")
    params = {}
    for k in ("spec", "layout", "lot"):
        if getattr(a, k):
            params[k] = getattr(a, k)
    for p in a.param:
        k, _, v = p.partition("=")
        params[k] = v
    status = 0
    for path in a.files:
        code, body = analyze(a.url, path, params, token)
        if code != 200:
            print("%s\tERROR\t%s" % (path, body.get("error")))
            status = 2
            continue
        v, failed = verdict(body)
        print("%s\t%s\t%s" % (path, v, " ".join(failed)))
        if v in ("FAIL", "MARGINAL"):
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

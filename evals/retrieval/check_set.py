"""Consistency check for the retrieval relevance set (no retrieval is run).

Run: .venv/bin/python evals/retrieval/check_set.py   (from the repository root)
Checks that every company id in qrels.yaml has an assessment file named <id>.yaml whose
company.id matches, that every judged case exists as corpus/<id>.md, that each query has
2-6 judged cases with at least one grade 2, and that every assessment is judged.
"""

from __future__ import annotations

import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"


def main() -> int:
    qrels = yaml.safe_load((HERE / "qrels.yaml").read_text(encoding="utf-8"))
    problems: list[str] = []
    if qrels.get("version") != 1:
        problems.append("qrels.yaml: version must be 1")
    files = {p.stem: p for p in (HERE / "assessments").glob("*.yaml")}
    for stem, path in files.items():
        company_id = yaml.safe_load(path.read_text(encoding="utf-8"))["company"]["id"]
        if company_id != stem:
            problems.append(f"{path.name}: company.id '{company_id}' differs from the file name")
    judgments = qrels.get("judgments") or {}
    for company_id, cases in judgments.items():
        if company_id not in files:
            problems.append(f"{company_id}: no assessments/{company_id}.yaml")
        if not 2 <= len(cases) <= 6:
            problems.append(f"{company_id}: {len(cases)} judged cases (expected 2-6)")
        if 2 not in cases.values():
            problems.append(f"{company_id}: no case with grade 2")
        for case_id, grade in cases.items():
            if not (CORPUS / f"{case_id}.md").is_file():
                problems.append(f"{company_id}: {case_id} is not in corpus/")
            if grade not in (1, 2):
                problems.append(f"{company_id}: {case_id}: grade {grade!r} (expected 1 or 2)")
    for stem in sorted(set(files) - set(judgments)):
        problems.append(f"{stem}: assessment without judgments")
    for line in problems:
        print(line, file=sys.stderr)
    print(f"{len(judgments)} queries, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The checks x operations matrix of the summary: counting, saving, drawing."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.matrix import LEGEND, CheckMatrix, column_labels, render_matrix
from contract_tests.results import RunRecord
from contract_tests.summary import matrix_lines

OPERATIONS = ("things_list", "things_create", "things_partial_update")
GROUPS = {"built-in": ("not_a_server_error", "unsupported_method"), "own": ("links_ok",)}


def small_matrix() -> CheckMatrix:
    matrix = CheckMatrix()
    matrix.record("things_list", "not_a_server_error", failed=False)
    matrix.record("things_list", "links_ok", failed=False)
    matrix.record("things_create", "not_a_server_error", failed=False)
    matrix.record("things_create", "not_a_server_error", failed=True)
    matrix.record("things_partial_update", "not_a_server_error", failed=False)
    return matrix


def test_matrix_marks_failed_passed_excluded_and_never_run_cells() -> None:
    lines = render_matrix(
        small_matrix(),
        operations=OPERATIONS,
        check_groups=GROUPS,
        excluded={("things_list", "unsupported_method"), ("things_create", "unsupported_method")},
    )
    assert lines == [
        *LEGEND,
        "things_*              list   create  partial_update",
        "built-in",
        "  not_a_server_error  ok     FAIL    ok",
        "  unsupported_method  off    off     -",
        "own",
        "  links_ok            ok     -       -",
    ]


def test_matrix_shows_operations_and_checks_it_was_not_told_about() -> None:
    matrix = CheckMatrix()
    matrix.record("things_list", "not_a_server_error", failed=False)
    matrix.record("things_list", "links_ok", failed=False)
    matrix.record("GET /health", "max_response_time", failed=True)
    lines = render_matrix(matrix, operations=OPERATIONS[:1], check_groups=GROUPS, excluded=set())
    assert lines[2:] == [
        "                      things_list  GET /health",
        "built-in",
        "  not_a_server_error  ok           -",
        "  unsupported_method  -            -",
        "own",
        "  links_ok            ok           -",
        "other",
        "  max_response_time   -            FAIL",
    ]


def test_an_excluded_check_that_ran_shows_its_result() -> None:
    matrix = small_matrix()
    assert matrix.outcome("things_create", "not_a_server_error", excluded=True) == "FAIL"
    assert matrix.outcome("things_list", "not_a_server_error", excluded=True) == "ok"
    assert matrix.outcome("things_list", "unsupported_method", excluded=True) == "off"


@pytest.mark.parametrize(
    ("operations", "prefix", "labels"),
    [
        pytest.param(OPERATIONS, "things_", ["list", "create", "partial_update"], id="shared"),
        pytest.param(("a_b_c", "a_b_d"), "a_b_", ["c", "d"], id="two-words"),
        pytest.param(("a_b", "a_b_c"), "a_", ["b", "b_c"], id="one-is-all-prefix"),
        pytest.param(("list", "create"), "", ["list", "create"], id="nothing-shared"),
        pytest.param(("things_list",), "", ["things_list"], id="one-operation"),
    ],
)
def test_column_labels_drop_the_words_every_operation_starts_with(
    operations: tuple[str, ...], prefix: str, labels: list[str]
) -> None:
    assert column_labels(operations) == (prefix, labels)


def test_matrix_round_trips_through_the_run_record(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "contract-results.json"
    RunRecord(matrix=small_matrix()).save(path)
    record = RunRecord.load(path)
    assert record is not None
    assert record.matrix == small_matrix()


def test_summary_says_when_the_run_recorded_no_matrix(tmp_path: Path) -> None:
    path = tmp_path / "contract-results.json"
    assert matrix_lines(RunRecord.load(path), path) == [
        f"21 checks x 6 operations: no results recorded ({path} is missing)"
    ]


def test_matrix_tells_defects_from_disagreements_and_known_ones() -> None:
    matrix = CheckMatrix()
    matrix.record("create", "not_a_server_error", failed=True, defect=True)
    matrix.record("create", "status_code_conformance", failed=True, defect=True)
    matrix.record("create", "status_code_conformance", failed=True)
    matrix.record("list", "not_a_server_error", failed=True, defect=True)
    lines = render_matrix(
        matrix,
        operations=["list", "create"],
        check_groups={"g": ["not_a_server_error", "status_code_conformance"]},
        excluded=(),
        known={("list", "not_a_server_error")},
    )
    assert [line.split() for line in lines[3:]] == [
        ["g"],
        ["not_a_server_error", "known", "5xx"],
        ["status_code_conformance", "-", "FAIL"],
    ]


def test_summary_matrix_has_a_row_per_check_and_a_column_per_operation(tmp_path: Path) -> None:
    path = tmp_path / "contract-results.json"
    matrix = CheckMatrix()
    matrix.record("web_experiments_destroy", "deleted_is_gone", failed=True)
    RunRecord(matrix=matrix).save(path)
    lines = matrix_lines(RunRecord.load(path), path)
    assert lines[0] == (
        "21 checks x 6 operations, 7 pairs excluded (contract_tests/exclusions.py says why):"
    )
    assert lines[3].split() == [
        "web_experiments_*",
        *("list", "create", "retrieve", "update", "partial_update", "destroy"),
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[4:] if line.startswith("  ")}
    assert len(rows) == 21
    assert rows["deleted_is_gone"] == ["-", "-", "-", "-", "-", "FAIL"]
    assert rows["unsupported_method"] == ["off"] * 6
    assert rows["negative_data_rejection"] == ["off", "-", "-", "-", "-", "-"]
    assert max(len(line) for line in lines) <= 100

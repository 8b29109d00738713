"""The sequential graph runner (serving.patches.graph_runner) against dask's, on the same small graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from serving.patches import graph_runner

CALLS: List[str] = []


class Join(GraphComponent):
    """Joins its inputs' values, in the order of its parameter names, after its own name."""

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: Any, resource: Any,
               execution_context: ExecutionContext) -> Join:
        return cls(config["name"])

    def run(self, **inputs: Any) -> str:
        CALLS.append(self.name)
        if self.name == "broken":
            raise ValueError("a node failed")
        return self.name + "(" + ",".join(str(inputs[k]) for k in sorted(inputs)) + ")"


def node(name: str, needs: Dict[str, str], is_target: bool = False) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Join, constructor_name="create", fn="run", config={"name": name},
                      eager=True, is_target=is_target)


# a diamond (d needs b and c, both need a), input placeholders, a node nothing needs, a node that fails
SCHEMA = GraphSchema({
    "a": node("a", {"x": "__message__"}),
    "b": node("b", {"x": "a"}),
    "c": node("c", {"x": "a", "y": "__tracker__"}),
    "d": node("d", {"p": "b", "q": "c"}, is_target=True),
    "unused": node("unused", {"x": "a"}),
    "broken": node("broken", {"x": "a"}),
})


def runner(tmp_path: Path) -> DaskGraphRunner:
    return DaskGraphRunner(SCHEMA, LocalModelStorage(tmp_path), ExecutionContext(SCHEMA, "test"))


def both(tmp_path: Path, inputs: Dict[str, Any], targets: List[str]) -> tuple[Any, Any, List[str], List[str]]:
    stock = runner(tmp_path)
    CALLS.clear()
    by_dask = DaskGraphRunner.run(stock, inputs, targets)
    dask_calls = sorted(CALLS)
    CALLS.clear()
    ours = graph_runner.sequential_run(runner(tmp_path), inputs, targets)
    return by_dask, ours, dask_calls, sorted(CALLS)


@pytest.mark.parametrize("targets", [["d"], ["b", "d"], ["a"], ["__message__", "c"]])
def test_same_results_and_same_nodes_run_as_dask(tmp_path: Path, targets: List[str]) -> None:
    by_dask, ours, dask_calls, our_calls = both(tmp_path, {"__message__": "m", "__tracker__": "t"}, targets)
    assert ours == by_dask
    assert our_calls == dask_calls  # each needed node once, nothing else ("unused" never runs)


def test_a_missing_input_fails_the_node_that_needs_it_as_under_dask(tmp_path: Path) -> None:
    for run in (DaskGraphRunner.run, graph_runner.sequential_run):
        with pytest.raises(GraphRunError, match="Expected input '__tracker__'"):
            run(runner(tmp_path), {"__message__": "m"}, ["d"])


def test_the_plan_is_worked_out_once_per_set_of_targets(tmp_path: Path) -> None:
    r = runner(tmp_path)
    graph_runner.sequential_run(r, {"__message__": "1", "__tracker__": "t"}, ["d"])
    plan = r.__dict__["_debt_coach_plans"][("d",)]
    second = graph_runner.sequential_run(r, {"__message__": "2", "__tracker__": "t"}, ["d"])
    assert r.__dict__["_debt_coach_plans"][("d",)] is plan
    assert second["d"].startswith("d(b(a(2))")  # new inputs, same plan
    assert [name for name, _, _ in plan] == graph_runner.execution_order(SCHEMA, ["d"])
    assert graph_runner.execution_order(SCHEMA, ["d"]).index("a") == 0


def test_errors_propagate_as_under_dask(tmp_path: Path) -> None:
    for run in (DaskGraphRunner.run, graph_runner.sequential_run):
        with pytest.raises(GraphComponentException):
            run(runner(tmp_path), {"__message__": "m"}, ["broken"])
        with pytest.raises(GraphRunError):
            run(runner(tmp_path), {"__message__": "a"}, ["d"])  # an input value that is a node's name

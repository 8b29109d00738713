"""Run the model's graph in a fixed order worked out once per set of targets, without dask's scheduler.

Rasa 3.6.21's ``DaskGraphRunner.run`` is called for every message (NLU) and for every action prediction (the
policies): two to four times a turn. Each call works out which nodes the targets need with
``GraphSchema._all_dependencies_schema`` (a recursion without memory that lists a node once per path to
it), builds a dask graph of them, and hands it to ``dask.get``, whose local scheduler keeps its own
bookkeeping of every task. Profiled over whole conversations (py-spy, 2026-11-28), that overhead was about a
tenth of the Rasa process's CPU, none of it useful: the schema does not change while serving, so the nodes a
set of targets needs, in an order that respects their dependencies, can be found once and remembered.

What each node receives is what dask gives it: for every dependency, the ``(node name, output)`` pair of the
node or input of that name, or the bare name when nothing provides it (``GraphNode`` then fails with Rasa's
own error, as before). The result is the same ``{target: output}``; an error in a node propagates as it did (a
``RuntimeError`` becomes Rasa's ``GraphRunError``). Nodes still run one after another in this process, as
under ``dask.get``.

Targets Rasa 3.6.21's ``rasa.engine.runner.dask.DaskGraphRunner`` (``run`` and the two methods it builds dask's
graph with); refuses any other Rasa, or other sources of them (``serving.patches.pinned``).
Off with ``DEBT_COACH_STOCK_TURN=1``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

from serving.patches import pinned
from serving.patches.turn_switch import enabled, require

_MARK = "_debt_coach_sequential_graph"
_PLANS = "_debt_coach_plans"

Step = Tuple[str, Any, Tuple[str, ...]]  # node name, the callable GraphNode, the names it needs


def execution_order(schema: GraphSchema, targets: Sequence[str]) -> List[str]:
    """The schema's nodes the targets depend on (targets included), each after everything it needs. Pure."""
    order: List[str] = []
    state: Dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str) -> None:
        if state.get(name) == 2 or name not in schema.nodes:
            return  # done, or an input placeholder (provided by the caller or passed on as its bare name)
        if state.get(name) == 1:
            raise GraphRunError(f"The graph has a cycle through '{name}'.")
        state[name] = 1
        for dependency in schema.nodes[name].needs.values():
            visit(dependency)
        state[name] = 2
        order.append(name)

    for target in targets:
        visit(target)
    return order


def sequential_run(self: DaskGraphRunner, inputs: Dict[str, Any] | None = None,
                   targets: List[str] | None = None) -> Dict[str, Any]:
    """``DaskGraphRunner.run`` with the plan remembered and the nodes called directly."""
    run_targets = targets if targets else self._graph_schema.target_names
    plans: Dict[Tuple[str, ...], List[Step]] = self.__dict__.setdefault(_PLANS, {})
    key = tuple(run_targets)
    plan = plans.get(key)
    if plan is None:
        plan = [(name, self._instantiated_nodes[name], tuple(self._graph_schema.nodes[name].needs.values()))
                for name in execution_order(self._graph_schema, run_targets)]
        plans[key] = plan
    results: Dict[str, Any] = {}
    for input_name, input_value in (inputs or {}).items():
        if isinstance(input_value, str) and input_value in self._graph_schema.nodes:
            raise GraphRunError(
                f"Input value '{input_value}' clashes with a node name. Make sure that none of the input names "
                f"passed to the `run` method are the same as node names in the graph schema.")
        results[input_name] = (input_name, input_value)
    try:
        for name, node, needs in plan:
            results[name] = node(*[results.get(dependency, dependency) for dependency in needs])
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(results[target] for target in run_targets)


def install() -> None:
    if not enabled():
        return
    pinned.require("graph_runner")
    current = DaskGraphRunner.__dict__.get("run")
    if getattr(current, _MARK, False):
        return
    require(callable(current) and hasattr(DaskGraphRunner, "_build_dask_graph")
            and hasattr(DaskGraphRunner, "_add_inputs_to_graph"), "DaskGraphRunner.run / _build_dask_graph")
    setattr(sequential_run, _MARK, True)
    sequential_run.__wrapped__ = current  # type: ignore[attr-defined]
    DaskGraphRunner.run = sequential_run  # type: ignore[method-assign]

"""Debugging a run through the API: captured output, step re-execution, re-execution groups."""

from __future__ import annotations

from starlette.testclient import TestClient

from .conftest import SUCCESS, Served, run_to_end, submit


def test_a_steps_printed_output_is_served(client: TestClient, served: Served) -> None:
    run_id = submit(client, job="orders_job")
    assert run_to_end(served, run_id).status is SUCCESS
    logs = client.get(f"/api/runs/{run_id}/logs?step=raw_orders").json()
    assert logs == {"run_id": run_id, "step_key": "raw_orders",
                    "stdout": "fetched 3 raw orders\n", "stderr": ""}
    assert client.get(f"/api/runs/{run_id}/logs?step=order_total").json()["stdout"] == ""
    events = client.get(f"/api/runs/{run_id}/events").json()["events"]
    [printed] = [e for e in events if e["event_type"] == "STEP_STDOUT"]
    assert printed["step_key"] == "raw_orders"
    [output] = [e for e in events
                if e["event_type"] == "HANDLED_OUTPUT" and e["step_key"] == "order_total"]
    assert output["output_name"] == "result"
    assert client.get("/api/runs/nope/logs").status_code == 404


def test_reexecute_chosen_steps_or_from_a_step_and_follow_the_group(
        client: TestClient, served: Served) -> None:
    root = submit(client, job="orders_job")
    assert run_to_end(served, root).status is SUCCESS

    chosen = client.post(f"/api/runs/{root}/reexecute", json={"steps": ["order_total"]})
    assert chosen.status_code == 201, chosen.text
    child = served.instance.storage.get_run(chosen.json()["run_id"])
    assert child is not None and child.step_keys_to_execute == ["order_total"]
    assert run_to_end(served, child.run_id).status is SUCCESS

    not_in_child = client.post(f"/api/runs/{child.run_id}/reexecute",
                               json={"from_step": "raw_orders"})
    assert not_in_child.status_code == 400 and "did not execute" in not_in_child.json()["error"]
    downstream = client.post(f"/api/runs/{root}/reexecute", json={"from_step": "raw_orders"})
    assert downstream.status_code == 201, downstream.text
    grandchild = served.instance.storage.get_run(downstream.json()["run_id"])
    assert grandchild is not None
    assert grandchild.step_keys_to_execute is not None
    assert grandchild.step_keys_to_execute[:2] == ["raw_orders", "order_total"]
    assert (grandchild.parent_run_id, grandchild.root_run_id) == (root, root)

    # Every member of the group lists the whole group, oldest first.
    expected = [root, child.run_id, grandchild.run_id]
    for member in expected:
        group = client.get(f"/api/runs/{member}/group").json()
        assert group["root_run_id"] == root
        assert [run["run_id"] for run in group["runs"]] == expected

    bad = client.post(f"/api/runs/{root}/reexecute", json={"from_step": "nothing"})
    assert bad.status_code == 400 and "raw_orders" in bad.json()["error"]
    both = client.post(f"/api/runs/{root}/reexecute",
                       json={"steps": ["raw_orders"], "from_step": "raw_orders"})
    assert both.status_code == 400 and "not both" in both.json()["error"]
    running = client.post(f"/api/runs/{grandchild.run_id}/reexecute", json={"steps": ["x"]})
    assert running.status_code == 409 and "QUEUED" in running.json()["error"]


def test_run_list_filters_by_tag_launcher_and_time_and_bulk_actions(client: TestClient) -> None:
    import time

    before = time.time() - 1
    tagged = submit(client, job="orders_job", tags={"team": "finance",
                                                    "headwater/schedule_name": "nightly"})
    other = submit(client, job="orders_job", tags={"team": "growth"})
    listed = [run["run_id"] for run in client.get("/api/runs?tag=team=finance").json()["runs"]]
    assert tagged in listed and other not in listed
    by_schedule = client.get("/api/runs?launched_by=schedule:nightly").json()["runs"]
    assert [run["run_id"] for run in by_schedule] == [tagged]
    recent = client.get(f"/api/runs?created_after={before}").json()["runs"]
    assert {tagged, other} <= {run["run_id"] for run in recent}
    assert client.get(f"/api/runs?created_before={before}&tag=team=growth").json()["runs"] == []
    for query in ("tag=team", "launched_by=person:me", "created_after=yesterday"):
        response = client.get(f"/api/runs?{query}")
        assert response.status_code == 400, query
        assert query.split("=")[0] in response.json()["error"]

    canceled = client.post("/api/runs/bulk", json={"action": "cancel",
                                                   "run_ids": [tagged, other, "nope"]})
    results = canceled.json()["results"]
    assert [(r["run_id"], r["ok"]) for r in results] == [(tagged, True), (other, True),
                                                         ("nope", False)]
    assert results[0]["status"] == "CANCELED" and "nope" in results[2]["error"]
    again = client.post("/api/runs/bulk", json={"action": "reexecute", "run_ids": [tagged]})
    [result] = again.json()["results"]
    assert result["ok"] and client.get(f"/api/runs/{result['new_run_id']}").json()[
        "run"]["parent_run_id"] == tagged
    assert client.post("/api/runs/bulk", json={"action": "delete", "run_ids": [tagged]}
                       ).status_code == 400

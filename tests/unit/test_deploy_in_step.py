"""deploy/ (Kubernetes manifests, Dockerfile, nginx) stays in step with the production profile that
tests/prod runs (serving/prod.py): same nginx routing, same endpoints file, same environment variables,
same ports and commands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from serving import prod
from serving.prod import ENDPOINTS, K8S_DIR, K8S_NGINX_LISTEN, K8S_RASA_SERVERS, Ports, ProdStack

DOCKERFILE = prod.ROOT / "deploy" / "Dockerfile"


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((K8S_DIR / name).read_text(encoding="utf-8")) if d]


def _kind(name: str, kind: str) -> dict:
    return next(d for d in _docs(name) if d["kind"] == kind)


def _container(name: str, kind: str) -> dict:
    return _kind(name, kind)["spec"]["template"]["spec"]["containers"][0]


def _env(container: dict) -> dict[str, dict]:
    return {e["name"]: e for e in container.get("env", [])}


def _local_env(tmp_path: Path) -> dict[str, str]:
    stack = ProdStack(tmp_path, Ports())
    stack.secrets = {name: "x" for name in prod.SECRET_NAMES}
    return stack.env()


def test_generated_configmaps_are_current() -> None:
    for path, text in prod.k8s_configmaps().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name}: run `python -m serving.prod k8s`"


def test_the_k8s_nginx_config_is_the_template_with_the_statefulset_pods() -> None:
    site = yaml.safe_load((K8S_DIR / "nginx-configmap.yaml").read_text())["data"]["debt-coach.conf"]
    assert site == prod.render_nginx(K8S_RASA_SERVERS, K8S_NGINX_LISTEN, "/dev/stdout")
    rasa = _kind("rasa.yaml", "StatefulSet")
    assert rasa["spec"]["replicas"] == len(K8S_RASA_SERVERS)
    assert rasa["spec"]["serviceName"] == "rasa"
    assert K8S_RASA_SERVERS == [f"rasa-{i}.rasa:5005" for i in range(len(K8S_RASA_SERVERS))]
    assert "hash $conversation_key consistent;" in site
    nginx = _container("nginx.yaml", "Deployment")
    assert nginx["ports"][0]["containerPort"] == int(K8S_NGINX_LISTEN)
    assert _kind("nginx.yaml", "Service")["spec"]["ports"][0]["targetPort"] == int(K8S_NGINX_LISTEN)


def test_rasa_pods_get_every_variable_the_endpoints_file_reads_as_the_local_profile_does(tmp_path: Path) -> None:
    lines = [line.split("#")[0] for line in ENDPOINTS.read_text(encoding="utf-8").splitlines()]
    wanted = set(re.findall(r"\$\{(\w+)\}", "\n".join(lines)))
    assert wanted >= {"DB_HOST", "DB_PASSWORD", "REDIS_HOST", "REDIS_PASSWORD", "ACTION_ENDPOINT_URL"}
    rasa = _container("rasa.yaml", "StatefulSet")
    k8s = _env(rasa)
    local = _local_env(tmp_path)
    assert wanted <= set(k8s) and wanted <= set(local)
    # Secrets come from the Secret in Kubernetes and from var/prod/secrets.env here: the same names.
    secret_refs = {n for n, e in k8s.items() if "secretKeyRef" in e.get("valueFrom", {})}
    assert secret_refs == set(prod.SECRET_NAMES) - {"PG_SUPERUSER_PASSWORD"}
    # Settings that change behaviour have the same values.
    for name in ("TICKET_LOCK_LIFETIME", "SANIC_REAL_IP_HEADER", "POSTGRESQL_POOL_SIZE", "POSTGRESQL_MAX_OVERFLOW",
                 "REDIS_DB", "DB_DATABASE", "DB_USER"):
        assert k8s[name]["value"] == local[name], name
    assert local["SANIC_REAL_IP_HEADER"] == "X-Real-IP"
    for name in ("RATE_LIMIT_REDIS_URL", *prod.REPLAY_RECORDS):  # shared by the processes in both
        assert local[name].startswith("redis://") and k8s[name]["value"].startswith("redis://"), name
        assert local[name].rsplit("/", 1)[1] == k8s[name]["value"].rsplit("/", 1)[1], name
    assert "STAFF_AUDIT_LOG" in k8s and "STAFF_AUDIT_LOG" in local
    assert "proxy_set_header X-Real-IP $remote_addr;" in prod.NGINX_TEMPLATE.read_text(encoding="utf-8")


def test_rasa_and_action_server_commands_ports_and_endpoint_match() -> None:
    rasa = _container("rasa.yaml", "StatefulSet")
    args = rasa["args"]
    assert args[:4] == ["python", "-m", "serving.rasa_cli", "run"]  # the project's patches, as serving.servers
    assert args[args.index("--endpoints") + 1] == "/config/" + ENDPOINTS.name
    assert args[args.index("--port") + 1] == "5005" and rasa["ports"][0]["containerPort"] == 5005
    assert args[args.index("--auth-token") + 1] == "$(RASA_API_TOKEN)"
    actions = _container("actions.yaml", "Deployment")
    port = actions["ports"][0]["containerPort"]
    assert _env(rasa)["ACTION_ENDPOINT_URL"]["value"] == f"http://debt-coach-actions:{port}/webhook"
    assert _kind("actions.yaml", "Service")["spec"]["ports"][0]["port"] == port
    docker = DOCKERFILE.read_text(encoding="utf-8")
    assert f'"serving.action_server", "--actions", "actions", "--port", "{port}"' in docker
    assert f"EXPOSE {port}" in docker and "EXPOSE 5005" in docker
    assert '"serving.rasa_cli", "run"' in docker and "deploy/endpoints.prod.yml" in docker
    assert int(_env(actions)["ACTION_SERVER_SANIC_WORKERS"]["value"]) >= 2


def test_the_endpoints_use_the_project_stores() -> None:
    endpoints = yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "serving.stores.CoachSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "serving.stores.AtomicRedisLockStore"


def test_the_retention_cronjob_reaches_the_same_database_as_rasa() -> None:
    job = _kind("retention-cronjob.yaml", "CronJob")
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["python", "-m", "serving.retention", "--profile", "prod"]
    env, rasa = _env(container), _env(_container("rasa.yaml", "StatefulSet"))
    for name in ("DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USER", "DB_PASSWORD"):
        assert env[name] == rasa[name], name
    # It deletes under the conversations' locks: Rasa's lock store (Redis) from the endpoints file in its image.
    for name in ("REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD", "TICKET_LOCK_LIFETIME"):
        assert env[name] == rasa[name], name
    assert container["image"] == _container("rasa.yaml", "StatefulSet")["image"]
    assert "COPY --chown=1001 deploy/endpoints.prod.yml deploy/endpoints.prod.yml" in DOCKERFILE.read_text()
    from serving.retention import DEFAULT_DAYS

    assert env["RETENTION_DAYS"]["value"] == str(DEFAULT_DAYS)

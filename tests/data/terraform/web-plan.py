"""Writes web.plan.json: `terraform show -json` of a plan, authored from Terraform's documented
JSON output format (format 1.2): a module `app` with a task definition whose execution role the
plan creates, two inline policies (one names the registry secret by its display name, one is a
data.aws_iam_policy_document known only after apply), an existing secret read by a data source,
and a secret version whose value must never be printed. Run: python3 web-plan.py [clean]"""
import json
import sys

clean = len(sys.argv) > 1 and sys.argv[1] == "clean"
REG = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry-y54JnU"
DB = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123"
registry_resource = REG[:-7] + "-??????" if clean else REG[:-7]
containers = json.dumps([{
    "name": "nginx",
    "image": "registry.gitlab.com/example-group/gitlab-sample/nginx:1.27",
    "essential": True,
    "repositoryCredentials": {"credentialsParameter": REG},
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": DB + ":password::"}],
}])
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
registry_policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": registry_resource}]})

def res(address, mode, type_, name, values, sensitive=None):
    return {"address": address, "mode": mode, "type": type_, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": values, "sensitive_values": sensitive or {}}

planned = [
    res("module.app.aws_ecs_task_definition.web", "managed", "aws_ecs_task_definition", "web", {
        "family": "web", "container_definitions": containers, "requires_compatibilities": ["FARGATE"],
        "network_mode": "awsvpc", "cpu": "256", "memory": "512", "task_role_arn": None, "volume": [],
    }),
    res("module.app.aws_iam_role.exec", "managed", "aws_iam_role", "exec", {
        "name": "web-exec", "path": "/", "assume_role_policy": trust, "permissions_boundary": None,
        "tags": None, "inline_policy": [],
    }),
    res("module.app.aws_iam_role_policy.registry", "managed", "aws_iam_role_policy", "registry", {
        "name": "registry-credentials", "policy": registry_policy,
    }),
    res("module.app.aws_iam_role_policy.db", "managed", "aws_iam_role_policy", "db", {"name": "db"}),
    res("module.app.aws_secretsmanager_secret_version.token", "managed", "aws_secretsmanager_secret_version", "token", {
        "secret_string": "s3cr3t-VALUE-never-printed", "version_stages": ["AWSCURRENT"],
    }, {"secret_string": True}),
]
prior = [
    res("module.app.data.aws_secretsmanager_secret.db", "data", "aws_secretsmanager_secret", "db", {
        "arn": DB, "id": DB, "name": "prod/db", "kms_key_id": "", "policy": "",
    }),
    res("data.aws_caller_identity.current", "data", "aws_caller_identity", "current", {
        "account_id": "111122223333", "arn": "arn:aws:iam::111122223333:user/ci", "id": "111122223333", "user_id": "AIDAEXAMPLE",
    }),
]
def change(address, type_, name, after, unknown, mode="managed", actions=("create",)):
    return {"address": address, "mode": mode, "type": type_, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": list(actions), "before": None, "after": after, "after_unknown": unknown,
                       "before_sensitive": False, "after_sensitive": {}}}
changes = [
    change("module.app.aws_ecs_task_definition.web", "aws_ecs_task_definition", "web", planned[0]["values"],
           {"arn": True, "execution_role_arn": True, "id": True, "revision": True, "volume": []}),
    change("module.app.aws_iam_role.exec", "aws_iam_role", "exec", planned[1]["values"], {"arn": True, "id": True, "unique_id": True}),
    change("module.app.aws_iam_role_policy.registry", "aws_iam_role_policy", "registry", planned[2]["values"], {"id": True, "role": True}),
    change("module.app.aws_iam_role_policy.db", "aws_iam_role_policy", "db", planned[3]["values"], {"id": True, "role": True, "policy": True}),
    change("module.app.data.aws_iam_policy_document.db", "aws_iam_policy_document", "db", {}, {"id": True, "json": True, "minified_json": True}, mode="data", actions=("read",)),
]
def refs(*r):
    return {"references": list(r)}
config = {
    "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
    "root_module": {
        "resources": [{"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity", "name": "current", "provider_config_key": "aws", "schema_version": 0}],
        "module_calls": {"app": {"source": "./modules/app", "module": {"resources": [
            {"address": "aws_ecs_task_definition.web", "mode": "managed", "type": "aws_ecs_task_definition", "name": "web", "provider_config_key": "aws",
             "expressions": {"family": {"constant_value": "web"}, "execution_role_arn": refs("aws_iam_role.exec.arn", "aws_iam_role.exec"),
                             "container_definitions": refs("data.aws_secretsmanager_secret.db.arn", "data.aws_secretsmanager_secret.db")}, "schema_version": 1},
            {"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "web-exec"}, "assume_role_policy": {}}, "schema_version": 0},
            {"address": "aws_iam_role_policy.registry", "mode": "managed", "type": "aws_iam_role_policy", "name": "registry", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "registry-credentials"}, "role": refs("aws_iam_role.exec.id", "aws_iam_role.exec"), "policy": {}}, "schema_version": 0},
            {"address": "aws_iam_role_policy.db", "mode": "managed", "type": "aws_iam_role_policy", "name": "db", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "db"}, "role": refs("aws_iam_role.exec.id", "aws_iam_role.exec"),
                             "policy": refs("data.aws_iam_policy_document.db.json", "data.aws_iam_policy_document.db")}, "schema_version": 0},
            {"address": "data.aws_iam_policy_document.db", "mode": "data", "type": "aws_iam_policy_document", "name": "db", "provider_config_key": "aws",
             "expressions": {"statement": [{"actions": {"constant_value": ["secretsmanager:GetSecretValue"]},
                                            "resources": refs("data.aws_secretsmanager_secret.db.arn", "data.aws_secretsmanager_secret.db")}]}, "schema_version": 0},
            {"address": "data.aws_secretsmanager_secret.db", "mode": "data", "type": "aws_secretsmanager_secret", "name": "db", "provider_config_key": "aws",
             "expressions": {"name": {"constant_value": "prod/db"}}, "schema_version": 0},
            {"address": "aws_secretsmanager_secret_version.token", "mode": "managed", "type": "aws_secretsmanager_secret_version", "name": "token", "provider_config_key": "aws",
             "expressions": {"secret_string": {}}, "schema_version": 0},
        ]}}},
    },
}
plan = {
    "format_version": "1.2", "terraform_version": "1.9.8",
    "planned_values": {"root_module": {"child_modules": [{"address": "module.app", "resources": planned}]}},
    "resource_changes": changes,
    "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {
        "resources": [prior[1]], "child_modules": [{"address": "module.app", "resources": [prior[0]]}]}}},
    "configuration": config,
    "timestamp": "2026-11-30T10:00:00Z", "applyable": True, "complete": True, "errored": False,
}
# `terraform show -json` prints one line.
sys.stdout.write(json.dumps(plan, separators=(",", ":")) + "\n")

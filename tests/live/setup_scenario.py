"""Create the seed scenario in a moto server: the execution role with the display-name policy, the
GitLab registry secret, and the nginx-web task definition that reads it. Run with the endpoint in
AWS_ENDPOINT_URL; prints the secret's ARN."""
import json
import os

import boto3

REGION = os.environ.get("AWS_REGION", "ap-northeast-1")
kw = {"region_name": REGION, "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
iam = boto3.client("iam", **kw)
sm = boto3.client("secretsmanager", **kw)
ecs = boto3.client("ecs", **kw)
sts = boto3.client("sts", **kw)
account = sts.get_caller_identity()["Account"]

secret = sm.create_secret(
    Name="gitlab-sample-registry",
    SecretString=json.dumps({"username": "deploy-token", "password": "not-read-by-ecslint"}),
    Tags=[{"Key": "team", "Value": "web"}],
)["ARN"]

trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
role = iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
# The trust AWS recommends: ECS tasks, on behalf of this account only.
trust_from_this_account = {
    "Version": "2012-10-17",
    "Statement": [{**trust["Statement"][0], "Condition": {"StringEquals": {"aws:SourceAccount": account}}}],
}
display_name = secret.rsplit("-", 1)[0]
iam.put_role_policy(
    RoleName="ecsTaskExecutionRole",
    PolicyName="registry-credentials",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": display_name}],
    }),
)
managed = iam.create_policy(
    PolicyName="web-logs",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}],
    }),
)["Policy"]["Arn"]
iam.attach_role_policy(RoleName="ecsTaskExecutionRole", PolicyArn=managed)

ecs.register_task_definition(
    family="nginx-web",
    executionRoleArn=role,
    networkMode="awsvpc",
    requiresCompatibilities=["FARGATE"],
    cpu="256",
    memory="512",
    containerDefinitions=[{
        "name": "nginx",
        "image": "registry.gitlab.com/example-group/gitlab-sample/nginx:1.27",
        "essential": True,
        "memory": 512,  # moto's RunTask sums the containers' memory
        "repositoryCredentials": {"credentialsParameter": secret},
        "environment": [{"name": "PASSWORD_IN_PLAIN_SIGHT", "value": "must-not-be-printed"}],
    }],
)
print(secret)

ecs.create_cluster(clusterName="web")
ecs.create_service(cluster="web", serviceName="nginx", taskDefinition="nginx-web", desiredCount=0)

# Two deploy principals of the nginx service (web/nginx): one that may pass the execution role
# to ECS tasks, one with the ECS calls only.
deploy_trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}],
}
ecs_calls = {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeServices", "ecs:UpdateService"], "Resource": "*"}
for name, statements in [
    ("gitlab-deploy", [ecs_calls, {
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{account}:role/ecsTaskExecutionRole",
        "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
    }]),
    ("bare-deploy", [ecs_calls]),
]:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(deploy_trust))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="deploy",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )

# A task that failed to start the way the seed's did: ECS keeps it, stopped, with the reason.
# (moto gives an awsvpc task a network interface, which needs a subnet in a VPC with DNS names.)
ec2 = boto3.client("ec2", **kw)
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
task = ecs.run_task(
    cluster="web",
    taskDefinition="nginx-web",
    launchType="FARGATE",
    group="service:nginx",  # what ECS gives the tasks a service starts
    networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}},
)["tasks"][0]["taskArn"]
ecs.stop_task(
    cluster="web",
    task=task,
    reason=(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
        "retrieval failed: unable to get registry auth from asm: service call has been retried 1 "
        f"time(s): asm fetching secret from the service for {secret}: AccessDeniedException: User: "
        f"arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/5e6f7a is not authorized to "
        f"perform: secretsmanager:GetSecretValue on resource: {secret} status code: 400"
    ),
)
print(task)

# More of the service's tasks stopped: one for the same reason (diagnosed once), one for a reason
# that is not about IAM at all, one whose secret does not exist.
def stopped_service_task(reason):
    arn = ecs.run_task(
        cluster="web",
        taskDefinition="nginx-web",
        launchType="FARGATE",
        group="service:nginx",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}},
    )["tasks"][0]["taskArn"]
    ecs.stop_task(cluster="web", task=arn, reason=reason)


stopped_service_task(
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: unable to get registry auth from asm: service call has been retried 1 "
    f"time(s): asm fetching secret from the service for {secret}: AccessDeniedException: User: "
    f"arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/7a8b9c is not authorized to "
    f"perform: secretsmanager:GetSecretValue on resource: {secret} status code: 400"
)
stopped_service_task("Essential container in task exited")
stopped_service_task(
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: unable to get registry auth from asm: service call has been retried 1 "
    f"time(s): failed to fetch secret {secret.rsplit('-', 1)[0]}-old from secrets manager: "
    "ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400"
)

# A clean scenario behind a page break: the only grant of the secret is the 101st managed policy
# attached to its role, past the first page (100) of ListAttachedRolePolicies.
iam.create_role(
    RoleName="pagedExecutionRole",
    AssumeRolePolicyDocument=json.dumps(trust_from_this_account),
)
# A second secret whose resource policy denies that role what its identity policy allows.
token = sm.create_secret(Name="web-api-token", SecretString="not-read-by-ecslint")["ARN"]
sm.put_resource_policy(
    SecretId=token,
    ResourcePolicy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{account}:role/pagedExecutionRole"},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }],
    }),
)
# A secret under a customer managed key named by alias, whose key policy trusts one other role
# and does not delegate to IAM: the role's own kms:Decrypt grant is not enough.
kms = boto3.client("kms", **kw)
key = kms.create_key(
    Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheOtherRole",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:role/ecsTaskExecutionRole"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }],
    }),
)["KeyMetadata"]["Arn"]
kms.create_alias(AliasName="alias/web-secrets", TargetKeyId=key)
db = sm.create_secret(Name="web-db-password", SecretString="not-read-by-ecslint", KmsKeyId="alias/web-secrets")["ARN"]
for i in range(101):
    statement = (
        [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [secret, token, db]},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key},
        ]
        if i == 100
        else {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": f"arn:aws:logs:{REGION}:{account}:log-group:filler-{i}:*"}
    )
    arn = iam.create_policy(
        PolicyName=f"paged-{i:03}",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statement if isinstance(statement, list) else [statement]}),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="pagedExecutionRole", PolicyArn=arn)


def registry_task(family, credentials):
    """The nginx task of pagedExecutionRole, pulling with registry credentials `credentials`."""
    ecs.register_task_definition(
        family=family,
        executionRoleArn=f"arn:aws:iam::{account}:role/pagedExecutionRole",
        containerDefinitions=[{
            "name": "nginx",
            "image": "registry.gitlab.com/example-group/gitlab-sample/nginx:1.27",
            "essential": True,
            "memory": 512,
            "repositoryCredentials": {"credentialsParameter": credentials},
        }],
    )


registry_task("nginx-clean", secret)
# The reverse trap: the same secret and role, the secret named by partial ARN, which IAM
# evaluates as requested; the role grants only the full ARN.
registry_task("nginx-partial", secret.rsplit("-", 1)[0])


def task_with_secrets(family, secrets, role="pagedExecutionRole"):
    """A task definition of `role` whose one container reads `secrets` ((name, valueFrom) pairs)."""
    ecs.register_task_definition(
        family=family,
        executionRoleArn=f"arn:aws:iam::{account}:role/{role}",
        containerDefinitions=[{
            "name": "app",
            "image": "public.ecr.aws/nginx/nginx:1.27",
            "essential": True,
            "memory": 512,
            "secrets": [{"name": name, "valueFrom": value} for name, value in secrets],
        }],
    )


task_with_secrets("api-denied", [("API_TOKEN", token)])
task_with_secrets("db-app", [("DB_PASSWORD", db)])
print(key)

# SSM parameters: a SecureString under a customer managed key named by alias (default key policy,
# which delegates to IAM), a String referenced by ARN, and a name that does not exist. The role
# grants kms:Decrypt on the alias ARN, which IAM does not match against the key.
ssm = boto3.client("ssm", **kw)
params_key = kms.create_key()["KeyMetadata"]["Arn"]
kms.create_alias(AliasName="alias/web-params", TargetKeyId=params_key)
ssm.put_parameter(Name="/web/db-url", Value="not-read-by-ecslint", Type="SecureString", KeyId="alias/web-params")
ssm.put_parameter(Name="web-mode", Value="not-read-by-ecslint", Type="String")
iam.create_role(
    RoleName="paramsExecutionRole",
    AssumeRolePolicyDocument=json.dumps(trust_from_this_account),
)
iam.put_role_policy(
    RoleName="paramsExecutionRole",
    PolicyName="parameters",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": [
                f"arn:aws:ssm:{REGION}:{account}:parameter/web/*",
                f"arn:aws:ssm:{REGION}:{account}:parameter/web-mode",
            ]},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:kms:{REGION}:{account}:alias/web-params"},
        ],
    }),
)
task_with_secrets(
    "params-app",
    [
        ("DB_URL", "/web/db-url"),
        ("MODE", f"arn:aws:ssm:{REGION}:{account}:parameter/web-mode"),
        ("GONE", "/web/missing"),
    ],
    role="paramsExecutionRole",
)
print(params_key)

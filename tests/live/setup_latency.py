"""Create, in a moto server, the account the latency test reads: the task definition latency-app
with 10 secrets encrypted under 3 customer managed keys, an execution role with 20 attached
customer managed policies and one inline policy that grants the secrets and keys, and a task role
with one inline policy. Run with the endpoint in AWS_ENDPOINT_URL; prints the secrets' ARNs, one
per line."""
import json
import os

import boto3

REGION = os.environ.get("AWS_REGION", "ap-northeast-1")
kw = {"region_name": REGION, "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
iam = boto3.client("iam", **kw)
sm = boto3.client("secretsmanager", **kw)
kms = boto3.client("kms", **kw)
ecs = boto3.client("ecs", **kw)
account = boto3.client("sts", **kw).get_caller_identity()["Account"]

keys = [kms.create_key(Description=f"latency key {i}")["KeyMetadata"]["Arn"] for i in range(3)]
secrets = [
    sm.create_secret(
        Name=f"latency/app-{i}",
        SecretString="not-read-by-ecslint",
        KmsKeyId=keys[i % 3],
    )["ARN"]
    for i in range(10)
]

trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
execution = iam.create_role(RoleName="latencyExecutionRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
task = iam.create_role(RoleName="latencyTaskRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
iam.put_role_policy(
    RoleName="latencyExecutionRole",
    PolicyName="secrets",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": keys},
        ],
    }),
)
for i in range(20):
    arn = iam.create_policy(
        PolicyName=f"latency-logs-{i}",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{REGION}:{account}:log-group:/ecs/latency-{i}:*",
            }],
        }),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="latencyExecutionRole", PolicyArn=arn)
iam.put_role_policy(
    RoleName="latencyTaskRole",
    PolicyName="bucket",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::latency-assets/*"}],
    }),
)

ecs.register_task_definition(
    family="latency-app",
    executionRoleArn=execution,
    taskRoleArn=task,
    networkMode="awsvpc",
    requiresCompatibilities=["FARGATE"],
    cpu="256",
    memory="512",
    containerDefinitions=[{
        "name": "app",
        "image": "public.ecr.aws/nginx/nginx:1.27",
        "essential": True,
        "memory": 512,
        "secrets": [{"name": f"SECRET_{i}", "valueFrom": arn} for i, arn in enumerate(secrets)],
    }],
)
for arn in secrets:
    print(arn)

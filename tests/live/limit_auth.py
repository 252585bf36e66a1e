"""Make the moto server enforce IAM from now on, and create a user with exactly the read-only
policy the README publishes (examples/ecslint-read-only-policy.json) less one thing:
kms:GetKeyPolicy. Prints the user's access key id and secret access key, one per line.
Run last: afterwards only signed requests from known users are answered."""
import json
import os
import pathlib
import urllib.request

import boto3

kw = {"region_name": os.environ.get("AWS_REGION", "ap-northeast-1"), "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
iam = boto3.client("iam", **kw)
iam.create_user(UserName="ecslint-reader")
published = pathlib.Path(__file__).resolve().parents[2] / "examples" / "ecslint-read-only-policy.json"
policy = json.loads(published.read_text())
# moto authorizes IAM calls other than role ones against the resource "*", which a statement
# scoped to `arn:aws:iam::*:policy/*` never matches (AWS matches the policy's ARN). Widen only the
# resources, so what this proves is the list of actions: nothing ecslint calls is missing from it.
for statement in policy["Statement"]:
    if statement["Effect"] == "Allow" and any(str(a).startswith("iam:") for a in statement["Action"]):
        statement["Resource"] = "*"
iam.put_user_policy(
    UserName="ecslint-reader",
    PolicyName="ecslint-read-only",
    PolicyDocument=json.dumps(policy),
)
iam.put_user_policy(
    UserName="ecslint-reader",
    PolicyName="but-not-key-policies",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "kms:GetKeyPolicy", "Resource": "*"}],
    }),
)
key = iam.create_access_key(UserName="ecslint-reader")["AccessKey"]
request = urllib.request.Request(
    os.environ["AWS_ENDPOINT_URL"] + "/moto-api/reset-auth",
    data=b"0",
    method="POST",
    headers={"Content-Type": "text/plain"},  # a form content type would hide the body
)
urllib.request.urlopen(request).read()
print(key["AccessKeyId"])
print(key["SecretAccessKey"])

"""Make the moto server enforce IAM from now on, and create a user that may read everything but
one thing: kms:GetKeyPolicy. Prints the user's access key id and secret access key, one per line.
Run last: afterwards only signed requests from known users are answered."""
import json
import os
import urllib.request

import boto3

kw = {"region_name": os.environ.get("AWS_REGION", "ap-northeast-1"), "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
iam = boto3.client("iam", **kw)
iam.create_user(UserName="ecslint-reader")
iam.put_user_policy(
    UserName="ecslint-reader",
    PolicyName="all-but-key-policies",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:GetKeyPolicy", "Resource": "*"},
        ],
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

"""Create a deployed CloudFormation stack in a moto server: the registry secret and a customer
managed policy exist outside it; the stack creates the execution role (named by CloudFormation)
whose inline policy names the secret by its display name, and the task definition that reads the
secret through a stack parameter. Run with the endpoint in AWS_ENDPOINT_URL; prints the secret's
ARN."""
import json
import os

import boto3

REGION = os.environ.get("AWS_REGION", "ap-northeast-1")
kw = {"region_name": REGION, "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
sm = boto3.client("secretsmanager", **kw)
iam = boto3.client("iam", **kw)
cfn = boto3.client("cloudformation", **kw)

secret = sm.create_secret(
    Name="stack-registry",
    SecretString=json.dumps({"username": "deploy-token", "password": "not-read-by-ecslint"}),
)["ARN"]
iam.create_policy(
    PolicyName="stack-logs",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}],
    }),
)

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RegistrySecretArn:
    Type: String
    Default: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:placeholder-AbCdEf
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:aws:iam::${AWS::AccountId}:policy/stack-logs
      Policies:
        - PolicyName: registry-credentials
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Sub arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:stack-registry
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: stack-web
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: nginx
          Image: registry.gitlab.com/example-group/gitlab-sample/nginx:1.27
          RepositoryCredentials:
            CredentialsParameter: !Ref RegistrySecretArn
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/stack-web
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: nginx
"""
cfn.create_stack(
    StackName="web",
    TemplateBody=TEMPLATE,
    Parameters=[{"ParameterKey": "RegistrySecretArn", "ParameterValue": secret}],
    Capabilities=["CAPABILITY_IAM"],
)
print(secret)

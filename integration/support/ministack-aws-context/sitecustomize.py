# The request context AWS gives IAM that MiniStack 1.5.33 (AUTH=true) leaves out, for the deployer-role rehearsal.
# Loaded into MiniStack's Python through PYTHONPATH (integration/support/deployer-emulator.ts), never by the kit.
#
# MiniStack evaluates identity policies, boundaries, trust and KMS key policies with AWS's algorithm, but builds no
# request context for three things the deployer policy (infra/deployer-policy.json) relies on, as AWS documents them:
# - iam:PermissionsBoundary: the boundary a CreateRole/PutRolePermissionsBoundary request sets, or the role's current
#   one for PutRolePolicy, AttachRolePolicy, DetachRolePolicy, DeleteRolePolicy and DeleteRolePermissionsBoundary
#   (Service Authorization Reference, IAM condition keys);
# - iam:PassRole: AWS authorizes it (with iam:PassedToService) when a request hands a role to a service: Lambda's
#   CreateFunction/UpdateFunctionConfiguration, API Gateway's UpdateAccount (cloudwatchRoleArn); MiniStack never does;
# - API Gateway tags: aws:RequestTag/aws:TagKeys of a create or tag request, and aws:ResourceTag of a REST API, API key
#   or usage plan, which their child resources inherit for ABAC ("API Gateway resources that can be tagged").
# - Lambda's CreateFunction names no function in its path, and MiniStack authorizes it on "*"; AWS on the function's ARN;
# - DynamoDB requests that name their table by ResourceArn (ListTagsOfResource, TagResource, UntagResource,
#   GetResourcePolicy): MiniStack authorizes them on "*"; AWS on that ARN;
# - SNS requests that name their topic by ResourceArn (ListTagsForResource, TagResource, UntagResource): MiniStack
#   authorizes them on "*" (it reads only TopicArn, TargetArn and Name); AWS on that ARN;
# - KMS CreateAlias/UpdateAlias/DeleteAlias: MiniStack authorizes them on "*"; AWS on the alias and on its key (the
#   target for CreateAlias/UpdateAlias, the current one for DeleteAlias), each with its own policy.
# Without these, an AWS-correct policy denies every CreateRole and API Gateway call on MiniStack (and PassRole is never
# checked at all). Everything else stays MiniStack's own evaluation.
import contextvars
import json
from urllib.parse import unquote

import ministack.core.iam_actions as iam_actions
import ministack.core.iam_evaluator as iam_evaluator
import ministack.services.tagging as tagging

_request = contextvars.ContextVar("deployer_rehearsal_request", default=None)

_BOUNDARY_FROM_REQUEST = {"iam:CreateRole", "iam:PutRolePermissionsBoundary"}
_BOUNDARY_OF_ROLE = {"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy",
                     "iam:DeleteRolePermissionsBoundary"}
_PASSES_ROLE = {"lambda:CreateFunction": "lambda.amazonaws.com", "lambda:UpdateFunctionConfiguration": "lambda.amazonaws.com"}


def _json(body):
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _param(params, name):
    value = params.get(name, "")
    return value[0] if isinstance(value, list) and value else value if isinstance(value, str) else ""


_original_extract_resource_arn = iam_actions.extract_resource_arn


def _extract_resource_arn(service, method, path, headers, body, query_params, region, account_id):
    arn = _original_extract_resource_arn(service, method, path, headers, body, query_params, region, account_id)
    if service == "dynamodb" and arn == "*" and isinstance(_json(body).get("ResourceArn"), str):
        arn = _json(body)["ResourceArn"]
    if service == "sns" and arn == "*" and _param(query_params, "ResourceArn"):
        arn = _param(query_params, "ResourceArn")
    alias = _json(body).get("AliasName") if service == "kms" and arn == "*" else None
    if alias:
        arn = f"arn:aws:kms:{region}:{account_id}:{alias}"
    if service == "lambda" and method == "POST" and arn == "*" and path.rstrip("/").endswith("/functions"):
        name = _json(body).get("FunctionName")
        if name:
            arn = name if name.startswith("arn:") else f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    _request.set({"service": service, "method": method, "path": path, "body": body, "params": query_params,
                  "region": region, "account": account_id})
    return arn


def _api_gateway_tag_context(request):
    if request["method"] not in ("POST", "PUT", "DELETE"):
        return {}
    tags = _json(request["body"]).get("tags") if request["method"] != "DELETE" else None
    keys = list(tags) if isinstance(tags, dict) else []
    if request["method"] == "DELETE" and request["path"].startswith("/tags/"):
        raw = request["params"].get("tagKeys", [])
        keys = raw if isinstance(raw, list) else [k for k in str(raw).split(",") if k]
    context = {f"aws:RequestTag/{k}".lower(): str(v) for k, v in (tags or {}).items()} if isinstance(tags, dict) else {}
    if keys:
        context["aws:TagKeys"] = keys
    return context


def _iam_boundary_context(iam_action, params):
    if iam_action in _BOUNDARY_FROM_REQUEST:
        boundary = _param(params, "PermissionsBoundary")
    elif iam_action in _BOUNDARY_OF_ROLE:
        from ministack.services import iam as iam_svc

        boundary = (iam_svc._roles.get(_param(params, "RoleName")) or {}).get("PermissionsBoundary")
    else:
        return {}
    return {"iam:PermissionsBoundary": boundary} if boundary else {}


_original_request_tag_context = iam_actions.request_tag_context


def _request_tag_context(service, iam_action, body, params):
    context = dict(_original_request_tag_context(service, iam_action, body, params))
    request = _request.get()
    if service == "apigateway" and request:
        context.update(_api_gateway_tag_context(request))
    if service == "iam":
        context.update(_iam_boundary_context(iam_action, params))
    return context


def _passed_role(iam_action, request):
    """(role ARN, service) the request hands over, or None."""
    if not request:
        return None
    if iam_action in _PASSES_ROLE:
        role = _json(request["body"]).get("Role")
        return (role, _PASSES_ROLE[iam_action]) if role else None
    if iam_action == "apigateway:PATCH" and request["path"].rstrip("/") == "/account":
        for op in _json(request["body"]).get("patchOperations", []):
            if isinstance(op, dict) and op.get("path") == "/cloudwatchRoleArn" and op.get("value"):
                return op["value"], "apigateway.amazonaws.com"
    return None


_ALIAS_ACTIONS = {"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"}


def _alias_key_arn(iam_action, request):
    """The key an alias request also needs permission on: its target, or for DeleteAlias the alias's current key."""
    data = _json(request["body"])
    key_id = data.get("TargetKeyId")
    if not key_id and iam_action == "kms:DeleteAlias":
        from ministack.services import kms as kms_svc

        key_id = kms_svc._aliases.get(f"arn:aws:kms:{request['region']}:{request['account']}:{data.get('AliasName', '')}")
    if not key_id:
        return None
    return key_id if key_id.startswith("arn:") else f"arn:aws:kms:{request['region']}:{request['account']}:key/{key_id}"


_original_enforce = iam_evaluator.enforce


def _enforce(access_key_id, iam_action, service, region, resource_arn="*", service_context=None):
    denied = _original_enforce(access_key_id, iam_action, service, region, resource_arn=resource_arn,
                               service_context=service_context)
    request = _request.get()
    if not denied and iam_action in _ALIAS_ACTIONS and request and request["service"] == "kms":
        key_arn = _alias_key_arn(iam_action, request)
        if key_arn:
            denied = _original_enforce(access_key_id, iam_action, service, region, resource_arn=key_arn,
                                       service_context=service_context)
    passed = None if denied else _passed_role(iam_action, request)
    if passed:
        role, to_service = passed
        denied = _original_enforce(access_key_id, "iam:PassRole", "iam", region, resource_arn=role,
                                   service_context={"iam:PassedToService": to_service})
    return denied


def _api_gateway_tags(arn):
    from ministack.services import apigateway_v1 as apigw

    prefix, _, path = arn.partition("::")
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "tags":
        return _resource_tags(unquote("/".join(parts[1:])))
    if len(parts) < 2:
        return None
    stores = {"restapis": apigw._rest_apis, "apikeys": apigw._api_keys, "usageplans": apigw._usage_plans}
    store = stores.get(parts[0])
    record = store.get(parts[1]) if store is not None else None
    if record is None:
        return None
    top = f"{prefix}::/{parts[0]}/{parts[1]}"
    return dict(apigw._v1_tags.get(top) or record.get("tags") or {})


_original_resource_tags = tagging.resource_tags


def _resource_tags(arn):
    if arn.startswith("arn:aws:apigateway:"):
        return _api_gateway_tags(arn)
    return _original_resource_tags(arn)


iam_actions.extract_resource_arn = _extract_resource_arn
iam_actions.request_tag_context = _request_tag_context
iam_evaluator.enforce = _enforce
tagging.resource_tags = _resource_tags

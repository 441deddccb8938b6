"""Staged uploads: ``stagedUploadsCreate`` hands out upload targets served by the sandbox itself.

A PUT target takes the raw bytes; a POST target takes multipart/form-data with the given parameters
and a ``file`` part. The ``resourceUrl`` is then used as ``originalSource`` of product media.
"""

from __future__ import annotations

import hashlib
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers.common import ResolverMap, check_input_list, state_of, user_error


def _create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    inputs = args["input"]
    check_input_list(inputs, "input")
    base = info.context.get("base_url", "")
    targets, errors = [], []
    for i, item in enumerate(inputs):
        if not item.get("filename"):
            errors.append(user_error("Filename can't be blank", ["input", str(i), "filename"]))
            continue
        num, _gid = state.next_id("StagedUpload")
        digest = hashlib.sha1(f"{num}:{item['filename']}".encode()).hexdigest()[:12]
        key = f"{digest}-{item['filename']}".replace("/", "_").replace(" ", "_")
        method = item.get("httpMethod") or "PUT"
        params = [{"name": "content_type", "value": item["mimeType"]}, {"name": "acl", "value": "private"}]
        if method == "POST":
            params = [
                {"name": "key", "value": key},
                {"name": "Content-Type", "value": item["mimeType"]},
                {"name": "success_action_status", "value": "201"},
                *params[1:],
            ]
        targets.append({"url": f"{base}/uploads/{key}", "resourceUrl": f"{base}/files/{key}", "parameters": params})
    return {"stagedTargets": targets, "userErrors": errors}


RESOLVERS: ResolverMap = {"Mutation": {"stagedUploadsCreate": _create}}

#!/usr/bin/env python3
"""Signs requests with botocore, the reference implementation, for SignatureV4Tests.

stdin:  {"time": "20240301T101112Z", "region": "...", "accessKeyId": "...", "secretAccessKey": "...",
         "sessionToken": null, "requests": [{"method", "url", "headers": {..}, "body": "...",
         "presignExpires": null | seconds}]}
stdout: [{"headers": {lower-case name: value}, "url": "..."}], one per request.
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
now = datetime.datetime.strptime(spec["time"], "%Y%m%dT%H%M%SZ")
credentials = Credentials(spec["accessKeyId"], spec["secretAccessKey"], spec.get("sessionToken"))
results = []
with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
    for r in spec["requests"]:
        request = AWSRequest(method=r["method"], url=r["url"], headers=r.get("headers", {}),
                             data=r.get("body", "").encode())
        if r.get("presignExpires"):
            botocore.auth.S3SigV4QueryAuth(credentials, "s3", spec["region"], expires=r["presignExpires"]).add_auth(request)
        else:
            botocore.auth.S3SigV4Auth(credentials, "s3", spec["region"]).add_auth(request)
        results.append({"headers": {k.lower(): v for k, v in request.headers.items()}, "url": request.url})
json.dump(results, sys.stdout)

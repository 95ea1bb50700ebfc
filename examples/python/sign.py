#!/usr/bin/env python3
"""Sign a request made by another tool (the spec's first Python example)."""
import cibatch

print(cibatch.sign("GET", "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9",
                   secret_id="AKIDtestSecretId1234567890abcdef", secret_key="testSecretKey1234567890abcdefghij",
                   start=1699999940, end=1700010000,
                   headers=[("Host", "examplebucket-1250000000.ci.ap-beijing.myqcloud.com")]))
